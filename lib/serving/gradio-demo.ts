import { QwenModel } from '../compute/models';
import { IModelServer, ModelSource, ReadinessProbe, validateModelServer } from './model-server';
import { ScriptValue } from '../script/script-value';

/** Props for {@link GradioStudioDemo}. */
export interface GradioStudioDemoProps {
  /** The model; its `app` says where the studio app is and its port. */
  readonly model: QwenModel;
  /** The Python interpreter (`ImageLayout.pythonPath`). */
  readonly pythonPath: string;
  /** The app's directory (`ImageLayout.appDirectory`). */
  readonly appDirectory: string;
  /** Where the model hub's cache is (`ImageLayout.modelCacheDirectory`): the app loads from there. */
  readonly modelCacheDirectory: string;
  /**
   * More environment (e.g. `ImageLayout.serviceEnvironment`: PATH, LD_LIBRARY_PATH).
   * @default - none
   */
  readonly environment?: { readonly [name: string]: string };
  /**
   * Seconds the app may take to load the model and answer.
   * @default 1800
   */
  readonly startupTimeoutSeconds?: number;
}

/**
 * The ModelScope studio Gradio demo (the reference service): `python3 app.py` in the studio checkout, told
 * its address by Gradio's `GRADIO_SERVER_NAME` / `GRADIO_SERVER_PORT`. The studio app takes no checkpoint
 * argument that is known (its app.py could not be read), so it loads whatever it hard-codes: use it for the
 * 16-bit presets, {@link GradioCheckpointDemo} where the checkpoint matters.
 */
export class GradioStudioDemo implements IModelServer {
  public readonly displayName: string;
  public readonly command: readonly string[];
  public readonly workingDirectory: string;
  public readonly port: number;
  public readonly environment: { readonly [name: string]: string };
  public readonly environmentValues: { readonly [name: string]: ScriptValue } = {};
  public readonly readiness: readonly ReadinessProbe[];
  public readonly modelSource: ModelSource;

  constructor(props: GradioStudioDemoProps) {
    const m = props.model;
    this.displayName = `${m.displayName} Gradio demo`;
    this.port = m.app.port;
    this.workingDirectory = props.appDirectory;
    this.command = [props.pythonPath, m.app.entrypoint];
    this.environment = {
      GRADIO_SERVER_NAME: '127.0.0.1',
      GRADIO_SERVER_PORT: String(m.app.port),
      ...props.environment,
    };
    this.modelSource = ModelSource.modelScope(m.modelScopeId, 'master', props.modelCacheDirectory);
    this.readiness = [{
      description: `the app answers on 127.0.0.1:${m.app.port}`,
      path: '/',
      timeoutSeconds: props.startupTimeoutSeconds ?? 1800,
    }];
    validateModelServer(this, 'GradioStudioDemo');
  }
}

/** Props for {@link GradioCheckpointDemo}. */
export interface GradioCheckpointDemoProps {
  /** The model whose checkpoint the demo loads. */
  readonly model: QwenModel;
  /** The Python interpreter. */
  readonly pythonPath: string;
  /** The directory of the QwenLM/Qwen checkout that holds `web_demo.py`. */
  readonly appDirectory: string;
  /** Where the checkpoint is (a ModelScope download in the image, by id and revision). */
  readonly modelSource: ModelSource;
  /**
   * More environment.
   * @default - none
   */
  readonly environment?: { readonly [name: string]: string };
  /**
   * Seconds the app may take to load the model and answer.
   * @default 1800
   */
  readonly startupTimeoutSeconds?: number;
}

/**
 * QwenLM/Qwen's `web_demo.py`, told its checkpoint: `python3 web_demo.py -c <checkpoint> --server-name
 * 127.0.0.1 --server-port <port>` (its argparse: `-c, --checkpoint-path`, `--server-port`, `--server-name`;
 * QwenLM/Qwen web_demo.py at 2df8e8ac450fa185c421a08b0090ef81826caa6e, last changed
 * cbfaada8deed6377edc7ae45ca3b8cb69a6ee4d7). It loads exactly the weights at `-c`, so an Int4 or Int8
 * preset serves its quantized checkpoint. Gradio < 3.42 and mdtex2html (its requirements_web_demo.txt).
 */
export class GradioCheckpointDemo implements IModelServer {
  public readonly displayName: string;
  public readonly command: readonly string[];
  public readonly workingDirectory: string;
  public readonly port: number;
  public readonly environment: { readonly [name: string]: string };
  public readonly environmentValues: { readonly [name: string]: ScriptValue } = {};
  public readonly readiness: readonly ReadinessProbe[];
  public readonly modelSource: ModelSource;

  constructor(props: GradioCheckpointDemoProps) {
    const m = props.model;
    this.displayName = `${m.displayName} Gradio demo`;
    this.port = m.app.port;
    this.workingDirectory = props.appDirectory;
    this.modelSource = props.modelSource;
    this.command = [
      props.pythonPath, 'web_demo.py',
      '--checkpoint-path', props.modelSource.path,
      '--server-name', '127.0.0.1',
      '--server-port', String(m.app.port),
    ];
    this.environment = { ...props.environment };
    this.readiness = [{
      description: `the app answers on 127.0.0.1:${m.app.port}`,
      path: '/',
      timeoutSeconds: props.startupTimeoutSeconds ?? 1800,
    }];
    validateModelServer(this, 'GradioCheckpointDemo');
  }
}

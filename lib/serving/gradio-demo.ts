import { QwenModel } from '../compute/models';
import { IModelServer, ModelSource, ReadinessProbe, validateModelServer } from './model-server';
import { ScriptValue } from '../script/script-value';

/** What both Gradio demos share: the model's port, a loopback readiness probe on `/`, no deploy-time values. */
abstract class GradioDemo implements IModelServer {
  public readonly displayName: string;
  public readonly command: readonly string[];
  public readonly workingDirectory: string;
  public readonly port: number;
  public readonly environment: { readonly [name: string]: string };
  public readonly environmentValues: { readonly [name: string]: ScriptValue } = {};
  public readonly readiness: readonly ReadinessProbe[];
  public readonly modelSource: ModelSource;

  protected constructor(owner: string, model: QwenModel, parts: {
    readonly command: readonly string[];
    readonly workingDirectory: string;
    readonly environment: { readonly [name: string]: string };
    readonly modelSource: ModelSource;
    readonly startupTimeoutSeconds?: number;
  }) {
    this.displayName = `${model.displayName} Gradio demo`;
    this.port = model.app.port;
    this.command = parts.command;
    this.workingDirectory = parts.workingDirectory;
    this.environment = parts.environment;
    this.modelSource = parts.modelSource;
    this.readiness = [{
      description: `the app answers on 127.0.0.1:${model.app.port}`,
      path: '/',
      timeoutSeconds: parts.startupTimeoutSeconds ?? 1800,
    }];
    validateModelServer(this, owner);
  }
}

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
export class GradioStudioDemo extends GradioDemo {
  constructor(props: GradioStudioDemoProps) {
    const m = props.model;
    super('GradioStudioDemo', m, {
      command: [props.pythonPath, m.app.entrypoint],
      workingDirectory: props.appDirectory,
      environment: { GRADIO_SERVER_NAME: '127.0.0.1', GRADIO_SERVER_PORT: String(m.app.port), ...props.environment },
      modelSource: ModelSource.modelScope(m.modelScopeId, 'master', props.modelCacheDirectory),
      startupTimeoutSeconds: props.startupTimeoutSeconds,
    });
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
export class GradioCheckpointDemo extends GradioDemo {
  constructor(props: GradioCheckpointDemoProps) {
    const m = props.model;
    super('GradioCheckpointDemo', m, {
      command: [
        props.pythonPath, 'web_demo.py',
        '--checkpoint-path', props.modelSource.path,
        '--server-name', '127.0.0.1',
        '--server-port', String(m.app.port),
      ],
      workingDirectory: props.appDirectory,
      environment: { ...props.environment },
      modelSource: props.modelSource,
      startupTimeoutSeconds: props.startupTimeoutSeconds,
    });
  }
}

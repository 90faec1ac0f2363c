import { LlmCheckpoint } from '../models/llm-checkpoint';
import { DEFAULT_GPU_MEMORY_UTILIZATION } from '../models/vllm-fit';
import { ScriptValue } from '../script/script-value';
import { HttpMethod, IModelServer, ModelSource, ReadinessProbe, validateModelServer } from './model-server';

/**
 * The vLLM release the image installs and the torch release it pins ("vllm 0.11.0 requires torch==2.8.0":
 * https://github.com/kaito-project/kaito/pull/1494 and https://github.com/vllm-project/vllm-ascend/issues/4917).
 * 0.11.0 is past every catalog checkpoint's minimum (0.9.0 for Qwen3's `--reasoning-parser qwen3`) and
 * past 0.10.0, where `--enable-reasoning` is no longer accepted (vllm-project/vllm issue #18538).
 */
export const VLLM_VERSION = '0.11.0';
/** The torch release {@link VLLM_VERSION} requires. */
export const TORCH_VERSION = '2.8.0';

/** A vLLM flag's value: known at synth time, or chosen at deploy time (per instance type). */
export class VllmFlagValue {
  /** A value known at synth time. */
  public static of(value: number): VllmFlagValue {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`VllmFlagValue.of: ${value} is not allowed: give a whole number >= 1.`);
    }
    return new VllmFlagValue(String(value), undefined);
  }

  /**
   * A value the deploy script reads at deploy time (e.g. `Fn::FindInMap` on the chosen instance type),
   * passed to vLLM through the unit's environment file as `envName`.
   */
  public static atDeploy(envName: string, value: ScriptValue): VllmFlagValue {
    if (!/^[A-Z][A-Z0-9_]*$/.test(envName)) {
      throw new Error(`VllmFlagValue.atDeploy: envName '${envName}' is not allowed: give upper-case letters, digits and '_', e.g. 'VLLM_MAX_MODEL_LEN'.`);
    }
    return new VllmFlagValue(`\${${envName}}`, { name: envName, value });
  }

  private constructor(
    /** The argument as the unit's ExecStart has it: digits, or `${NAME}`. */
    public readonly argument: string,
    /** The environment variable that carries a deploy-time value. */
    public readonly environmentValue: { readonly name: string; readonly value: ScriptValue } | undefined,
  ) {}
}

/** Props for {@link VllmServer}. */
export interface VllmServerProps {
  /** The checkpoint served. */
  readonly checkpoint: LlmCheckpoint;
  /** The Python interpreter that has vLLM installed (`ImageLayout.pythonPath`). */
  readonly pythonPath: string;
  /** Where the weights are on the instance. */
  readonly modelSource: ModelSource;
  /** `--tensor-parallel-size` (from the fit: the instance type's placement). */
  readonly tensorParallelSize: VllmFlagValue;
  /** `--max-model-len` (from the fit). */
  readonly maxModelLen: VllmFlagValue;
  /**
   * `--gpu-memory-utilization`, always passed (the default differs between vLLM releases).
   * @default DEFAULT_GPU_MEMORY_UTILIZATION (0.9)
   */
  readonly gpuMemoryUtilization?: number;
  /**
   * The name clients send as `model` (`--served-model-name`).
   * @default the checkpoint's name, e.g. `Qwen3-8B`
   */
  readonly servedModelName?: string;
  /**
   * The loopback port.
   * @default 8000 (vLLM's default)
   */
  readonly port?: number;
  /**
   * The vLLM release the image installs; the server refuses a checkpoint that needs a newer one.
   * @default VLLM_VERSION
   */
  readonly vllmVersion?: string;
  /**
   * Seconds the server may take to load the model and answer `/health`.
   * @default 1800
   */
  readonly startupTimeoutSeconds?: number;
  /**
   * Seconds the readiness chat completion may keep failing after `/health` answered.
   * @default 300
   */
  readonly completionTimeoutSeconds?: number;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

/**
 * vLLM's OpenAI-compatible server for a checkpoint, on loopback:
 * `python -m vllm.entrypoints.openai.api_server` (the module form every release has, docs.vllm.ai v0.4.3
 * "OpenAI Compatible Server") with
 * - `--model <local path> --served-model-name <name> --host 127.0.0.1 --port <port>`;
 * - `--max-model-len`, `--tensor-parallel-size` (from the fit, literal or chosen at deploy time) and
 *   `--gpu-memory-utilization` (always explicit);
 * - no `--quantization`: vLLM reads it from the checkpoint's `quantization_config` (engine args: "If `None`,
 *   we first check the `quantization_config` attribute in the model config file");
 * - Qwen3: `--reasoning-parser qwen3` (vLLM >= 0.9.0; no `--enable-reasoning`, which 0.10 no longer accepts);
 * - `--enable-auto-tool-choice --tool-call-parser hermes` (Qwen's function-calling guide: QwenLM/Qwen3
 *   docs/source/framework/function_call.md).
 * Ready when `/health` answers 200 and then a real chat completion comes back.
 */
export class VllmServer implements IModelServer {
  public readonly displayName: string;
  public readonly command: readonly string[];
  public readonly workingDirectory?: string = undefined;
  public readonly port: number;
  public readonly environment: { readonly [name: string]: string };
  public readonly environmentValues: { readonly [name: string]: ScriptValue };
  public readonly readiness: readonly ReadinessProbe[];
  public readonly modelSource: ModelSource;
  /** The checkpoint. */
  public readonly checkpoint: LlmCheckpoint;
  /** The name clients send as `model`. */
  public readonly servedModelName: string;
  /** `--gpu-memory-utilization`. */
  public readonly gpuMemoryUtilization: number;

  constructor(props: VllmServerProps) {
    const c = props.checkpoint;
    this.checkpoint = c;
    this.modelSource = props.modelSource;
    this.port = props.port ?? 8000;
    this.servedModelName = props.servedModelName ?? c.checkpointName;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(this.servedModelName)) {
      throw new Error(`VllmServer: servedModelName '${this.servedModelName}' is not allowed: give 1-64 letters, digits and '._-', e.g. 'Qwen3-8B'.`);
    }
    this.gpuMemoryUtilization = props.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION;
    if (typeof this.gpuMemoryUtilization !== 'number' || !(this.gpuMemoryUtilization >= 0.5 && this.gpuMemoryUtilization <= 0.95)) {
      throw new Error(`VllmServer: gpuMemoryUtilization ${this.gpuMemoryUtilization} is not allowed: give a fraction from 0.5 to 0.95, e.g. 0.9.`);
    }
    const vllmVersion = props.vllmVersion ?? VLLM_VERSION;
    if (!/^[0-9]+\.[0-9]+\.[0-9]+$/.test(vllmVersion)) {
      throw new Error(`VllmServer: vllmVersion '${vllmVersion}' is not allowed: give major.minor.patch, e.g. '${VLLM_VERSION}'.`);
    }
    if (compareVersions(vllmVersion, c.minVllmVersion) < 0) {
      throw new Error(`VllmServer: vllmVersion ${vllmVersion} is older than ${c.displayName} needs (${c.minVllmVersion}); install vLLM ${c.minVllmVersion} or later.`);
    }
    if (c.reasoning && compareVersions(vllmVersion, '0.9.0') < 0) {
      throw new Error(`VllmServer: ${c.displayName} needs --reasoning-parser qwen3, which vLLM has from 0.9.0; vllmVersion is ${vllmVersion}.`);
    }
    const timeout = props.startupTimeoutSeconds ?? 1800;
    if (!Number.isInteger(timeout) || timeout < 10 || timeout > 86400) {
      throw new Error(`VllmServer: startupTimeoutSeconds ${timeout} is not allowed: give a whole number of seconds from 10 to 86400.`);
    }
    const completionTimeout = props.completionTimeoutSeconds ?? 300;
    if (!Number.isInteger(completionTimeout) || completionTimeout < 1 || completionTimeout > 3600) {
      throw new Error(`VllmServer: completionTimeoutSeconds ${completionTimeout} is not allowed: give a whole number of seconds from 1 to 3600.`);
    }
    this.displayName = `${c.displayName} on vLLM`;
    const deployTime = [props.tensorParallelSize, props.maxModelLen].filter((f) => f.environmentValue !== undefined);
    this.environmentValues = Object.fromEntries(deployTime.map((f) => [f.environmentValue!.name, f.environmentValue!.value]));
    this.environment = {
      // The weights are local; huggingface_hub makes no network calls when HF_HUB_OFFLINE=1
      // (huggingface_hub docs, "Environment variables": HF_HUB_OFFLINE).
      HF_HUB_OFFLINE: '1',
    };
    this.command = [
      props.pythonPath, '-m', 'vllm.entrypoints.openai.api_server',
      '--model', this.modelSource.path,
      '--served-model-name', this.servedModelName,
      '--host', '127.0.0.1',
      '--port', String(this.port),
      '--max-model-len', props.maxModelLen.argument,
      '--tensor-parallel-size', props.tensorParallelSize.argument,
      '--gpu-memory-utilization', String(this.gpuMemoryUtilization),
      ...(c.reasoning ? ['--reasoning-parser', 'qwen3'] : []),
      '--enable-auto-tool-choice', '--tool-call-parser', 'hermes',
    ];
    this.readiness = [
      { description: `vLLM answers /health on 127.0.0.1:${this.port}`, path: '/health', timeoutSeconds: timeout },
      {
        description: `${this.servedModelName} answers a chat completion on 127.0.0.1:${this.port}`,
        method: HttpMethod.POST,
        path: '/v1/chat/completions',
        headers: { 'Content-Type': 'application/json' },
        body: completionProbeBody(this.servedModelName, c.reasoning),
        bodyPattern: COMPLETION_BODY_PATTERN,
        timeoutSeconds: completionTimeout,
      },
    ];
    validateModelServer(this, 'VllmServer');
  }
}

/** What a chat completion's JSON has (OpenAI's and vLLM's `ChatCompletionResponse`: `"object": "chat.completion"`). */
export const COMPLETION_BODY_PATTERN = '"object" *: *"chat\\.completion"';

/**
 * The body of the readiness completion: a short answer, not streamed. Qwen3 is told not to think
 * (`chat_template_kwargs.enable_thinking: false`, QwenLM/Qwen3 docs/source/deployment/vllm.md), so the
 * few tokens go to the answer.
 */
export function completionProbeBody(model: string, reasoning: boolean): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Reply with the single word OK.' }],
    max_tokens: 16,
    stream: false,
    ...(reasoning ? { chat_template_kwargs: { enable_thinking: false } } : {}),
  });
}

import { QwenModel } from '../../lib/compute/models';
import { LlmCheckpoint } from '../../lib/models/llm-checkpoint';
import { ScriptValue } from '../../lib/script/script-value';
import { GradioCheckpointDemo, GradioStudioDemo } from '../../lib/serving/gradio-demo';
import { HttpMethod, ModelSource, ModelSourceKind, validateModelServer } from '../../lib/serving/model-server';
import { completionProbeBody, VllmFlagValue, VllmServer } from '../../lib/serving/vllm-server';

const PY = '/opt/vllm/bin/python3';
const MODELS = '/opt/models';

describe('VllmServer', () => {
  test('Qwen3-8B with literal flags: the exact argv', () => {
    const s = new VllmServer({
      checkpoint: LlmCheckpoint.QWEN3_8B, pythonPath: PY,
      modelSource: ModelSource.modelScope('Qwen/Qwen3-8B', 'master', MODELS),
      tensorParallelSize: VllmFlagValue.of(2), maxModelLen: VllmFlagValue.of(40960),
    });
    expect(s.command).toEqual([
      PY, '-m', 'vllm.entrypoints.openai.api_server',
      '--model', '/opt/models/Qwen/Qwen3-8B', '--served-model-name', 'Qwen3-8B',
      '--host', '127.0.0.1', '--port', '8000',
      '--max-model-len', '40960', '--tensor-parallel-size', '2', '--gpu-memory-utilization', '0.9',
      '--reasoning-parser', 'qwen3', '--enable-auto-tool-choice', '--tool-call-parser', 'hermes',
    ]);
    expect(s.command).not.toContain('--quantization');
    expect(s.command).not.toContain('--enable-reasoning');
    expect(s.environmentValues).toEqual({});
  });

  test('Qwen2.5 has no reasoning parser; AWQ passes no --quantization (vLLM reads the checkpoint)', () => {
    const s = new VllmServer({
      checkpoint: LlmCheckpoint.QWEN2_5_7B_INSTRUCT_AWQ, pythonPath: PY,
      modelSource: ModelSource.localPath('/data/qwen2.5-7b-awq'),
      tensorParallelSize: VllmFlagValue.of(1), maxModelLen: VllmFlagValue.of(32768),
    });
    expect(s.command).not.toContain('--reasoning-parser');
    expect(s.command.join(' ')).toContain('--served-model-name Qwen2.5-7B-Instruct-AWQ');
    expect(s.modelSource.kind).toBe(ModelSourceKind.LOCAL_PATH);
  });

  test('deploy-time flags become ${NAME} arguments carried by the environment file', () => {
    const tp = ScriptValue.fromToken('VllmTensorParallelSize', 'x');
    const len = ScriptValue.fromToken('VllmMaxModelLen', 'y');
    const s = new VllmServer({
      checkpoint: LlmCheckpoint.QWEN3_8B, pythonPath: PY, modelSource: ModelSource.localPath('/m'),
      tensorParallelSize: VllmFlagValue.atDeploy('VLLM_TENSOR_PARALLEL_SIZE', tp),
      maxModelLen: VllmFlagValue.atDeploy('VLLM_MAX_MODEL_LEN', len),
    });
    expect(s.command).toContain('${VLLM_TENSOR_PARALLEL_SIZE}');
    expect(s.command).toContain('${VLLM_MAX_MODEL_LEN}');
    expect(s.environmentValues).toEqual({ VLLM_TENSOR_PARALLEL_SIZE: tp, VLLM_MAX_MODEL_LEN: len });
  });

  test('readiness: /health, then a real chat completion whose body is checked', () => {
    const s = new VllmServer({
      checkpoint: LlmCheckpoint.QWEN3_8B_AWQ, pythonPath: PY, modelSource: ModelSource.localPath('/m'),
      tensorParallelSize: VllmFlagValue.of(1), maxModelLen: VllmFlagValue.of(8192),
    });
    expect(s.readiness.map((p) => [p.method ?? 'GET', p.path])).toEqual([['GET', '/health'], ['POST', '/v1/chat/completions']]);
    const completion = s.readiness[1];
    expect(completion.method).toBe(HttpMethod.POST);
    expect(completion.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(completion.body!)).toEqual({
      model: 'Qwen3-8B-AWQ', messages: [{ role: 'user', content: 'Reply with the single word OK.' }], max_tokens: 16, stream: false,
      chat_template_kwargs: { enable_thinking: false },
    });
    expect(new RegExp(completion.bodyPattern!).test('{"id":"x","object":"chat.completion","choices":[]}')).toBe(true);
    expect(new RegExp(completion.bodyPattern!).test('{"object": "error"}')).toBe(false);
    expect(JSON.parse(completionProbeBody('Qwen2.5-7B-Instruct', false)).chat_template_kwargs).toBeUndefined();
  });

  test.each([
    [{ vllmVersion: '0.8.5' }, /vllmVersion 0\.8\.5 is older than Qwen3-8B \(bf16\) needs \(0\.9\.0\)/],
    [{ gpuMemoryUtilization: 1 }, /gpuMemoryUtilization 1 is not allowed/],
    [{ servedModelName: 'a b' }, /servedModelName 'a b' is not allowed/],
    [{ startupTimeoutSeconds: 5 }, /startupTimeoutSeconds 5 is not allowed/],
    [{ completionTimeoutSeconds: 0 }, /completionTimeoutSeconds 0 is not allowed/],
  ])('%j is refused', (patch, message) => {
    expect(() => new VllmServer({
      checkpoint: LlmCheckpoint.QWEN3_8B, pythonPath: PY, modelSource: ModelSource.localPath('/m'),
      tensorParallelSize: VllmFlagValue.of(1), maxModelLen: VllmFlagValue.of(8192), ...patch,
    })).toThrow(message);
  });

  test('flag values are checked', () => {
    expect(() => VllmFlagValue.of(0)).toThrow(/VllmFlagValue\.of: 0 is not allowed/);
    expect(() => VllmFlagValue.atDeploy('tp', ScriptValue.fromToken('X', 'x'))).toThrow(/envName 'tp' is not allowed/);
  });
});

describe('Gradio demos', () => {
  test('the studio demo is today\'s unit: python app.py told its address by GRADIO_SERVER_*', () => {
    const s = new GradioStudioDemo({
      model: QwenModel.QWEN_14B_CHAT, pythonPath: '/usr/local/python3/bin/python3', appDirectory: '/root/Qwen-14B-Chat-Demo',
      modelCacheDirectory: '/root/.cache/modelscope/hub', environment: { PATH: '/usr/local/python3/bin:/usr/bin' },
    });
    expect(s.command).toEqual(['/usr/local/python3/bin/python3', 'app.py']);
    expect(s.environment).toEqual({ GRADIO_SERVER_NAME: '127.0.0.1', GRADIO_SERVER_PORT: '7860', PATH: '/usr/local/python3/bin:/usr/bin' });
    expect(s.readiness).toEqual([{ description: 'the app answers on 127.0.0.1:7860', path: '/', timeoutSeconds: 1800 }]);
    expect(s.modelSource.path).toBe('/root/.cache/modelscope/hub/qwen/Qwen-14B-Chat');
  });

  test('the checkpoint demo is told the quantized checkpoint with -c/--checkpoint-path', () => {
    const source = ModelSource.modelScope('qwen/Qwen-14B-Chat-Int4', 'master', '/root/.cache/modelscope/hub');
    const s = new GradioCheckpointDemo({ model: QwenModel.QWEN_14B_CHAT_INT4, pythonPath: '/usr/bin/python3', appDirectory: '/root/Qwen', modelSource: source });
    expect(s.command).toEqual([
      '/usr/bin/python3', 'web_demo.py', '--checkpoint-path', '/root/.cache/modelscope/hub/qwen/Qwen-14B-Chat-Int4',
      '--server-name', '127.0.0.1', '--server-port', '7860',
    ]);
  });
});

describe('ModelSource and validation', () => {
  test.each([
    [() => ModelSource.modelScope('Qwen3-8B', 'master', '/m'), /modelScopeId 'Qwen3-8B' is not allowed/],
    [() => ModelSource.modelScope('Qwen/Qwen3-8B', 'a b', '/m'), /revision 'a b' is not allowed/],
    [() => ModelSource.localPath('relative/path'), /path 'relative\/path' is not allowed/],
    [() => ModelSource.localPath('/a/../b'), /path '\/a\/\.\.\/b' is not allowed/],
  ])('bad source %#', (make, message) => {
    expect(make).toThrow(message);
  });

  const base = {
    displayName: 'x', command: ['/bin/app'], port: 8000, environment: {}, environmentValues: {},
    readiness: [{ description: 'up', path: '/' }], modelSource: ModelSource.localPath('/m'),
  };
  test.each([
    [{ command: ['app'] }, /command\[0\] 'app' is not allowed/],
    [{ command: ['/bin/app', '$(id)'] }, /command\[1\] '\$\(id\)' is not allowed/],
    [{ command: ['/bin/app', '${NOPE}'] }, /command\[1\] '\$\{NOPE\}' names no variable/],
    [{ port: 0 }, /port 0 is not allowed/],
    [{ environment: { A: 'x y' } }, /environment A='x y' is not allowed/],
    [{ readiness: [] }, /readiness is empty/],
    [{ readiness: [{ description: 'q', path: '/?a=1' }] }, /readiness\[0\]\.path '\/\?a=1' is not allowed/],
    [{ readiness: [{ description: 'b', path: '/', body: '{}' }] }, /readiness\[0\] has a body but method GET/],
    [{ readiness: [{ description: 't', path: '/', bearerToken: ScriptValue.fromToken('K', 'k') }] }, /bearerToken 'K' is not marked secret/],
  ])('%j is refused', (patch, message) => {
    expect(() => validateModelServer({ ...base, ...patch } as any, 'Test')).toThrow(message);
  });
});

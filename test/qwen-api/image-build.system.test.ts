/**
 * assets/vllm-image-build.sh: ShellCheck, and its server steps (start, /health, a real chat completion,
 * stop) run against the stand-in OpenAI-compatible server in place of vLLM (a venv-style prefix whose
 * `vllm.entrypoints.openai.api_server` runs rehearsal/stand-ins/openai-server.py). The steps that need the
 * package index, the model hub or a GPU (packages, gpu_check, venv, pip_packages, model, manifest) are
 * reviewed, not run here.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { LlmCheckpoint } from '../../lib/models/llm-checkpoint';
import { VllmFit } from '../../lib/models/vllm-fit';
import { renderVllmImageBuildScript } from '../../lib/qwen-api/image-build-script';
import { vllmStandInFiles } from '../../rehearsal/api-deployment';
import { requireTool } from '../support/tools';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe('vLLM image build script', () => {
  const checkpoint = LlmCheckpoint.QWEN3_8B;
  const placement = VllmFit.of(checkpoint).placementFor('ecs.gn8is.2xlarge')!;
  const script = renderVllmImageBuildScript({ checkpoint, placement });

  test('passes ShellCheck and bash -n', () => {
    const shellcheck = requireTool('shellcheck', 'shellcheck');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vllm-build-')), 'build.sh');
    fs.writeFileSync(file, script);
    expect(spawnSync('bash', ['-n', file], { encoding: 'utf8' }).status).toBe(0);
    const r = spawnSync(shellcheck, [file], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
  });

  async function runServerSteps(failCompletions: boolean) {
    requireTool('python3', 'python3');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vllm-build-run-'));
    const prefix = path.join(dir, 'vllm');
    for (const [file, content] of Object.entries(vllmStandInFiles(prefix))) {
      if (file.startsWith('/run/')) continue; // rehearsal-only markers
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
    fs.symlinkSync('/usr/bin/python3', path.join(prefix, 'bin', 'python3'));
    const file = path.join(dir, 'build.sh');
    fs.writeFileSync(file, script);
    const port = await freePort();
    return spawnSync('bash', [file], {
      encoding: 'utf8', timeout: 120000,
      env: {
        ...process.env,
        IMAGE_BUILD_STEPS: 'start_server health_check completion_check stop_server',
        PYTHON_PREFIX: prefix, MODELS_DIR: path.join(dir, 'models'), WORK_DIR: path.join(dir, 'work'),
        SERVER_PORT: String(port), SERVER_LOG: path.join(dir, 'server.log'), HEALTH_TIMEOUT: '30',
        STANDIN_FAIL_COMPLETIONS: failCompletions ? '1' : '',
      },
    });
  }

  test('with the stand-in as vLLM: the server starts with the placement\'s flags, answers /health and a chat completion', async () => {
    const r = await runServerSteps(false);
    expect(r.stderr).toContain('[vllm-image-build] /health answer: ok');
    expect(r.stderr).toContain('[vllm-image-build] chat completion: ok');
    expect(r.stderr).toContain('starting vLLM Qwen3-8B on 127.0.0.1:');
    expect(r.stderr).toContain('at TP 1, 32768 tokens');
    expect(r.status).toBe(0);
  });

  test('a server answering 500 to the completion fails the build with a clear message', async () => {
    const r = await runServerSteps(true);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ERROR: the server answered 500 to a chat completion: the model does not serve; failing the image build/);
  });

  test('the rendered parameters: versions, the checkpoint by id and revision, the placement\'s flags, the completion body', () => {
    for (const line of [
      "param VLLM_VERSION '0.11.0'", "param TORCH_VERSION '2.8.0'", "param MODEL_ID 'Qwen/Qwen3-8B'", "param MODEL_REVISION 'master'",
      "param SERVED_MODEL_NAME 'Qwen3-8B'", "param REASONING_PARSER 'qwen3'", "param TENSOR_PARALLEL_SIZE '1'", "param MAX_MODEL_LEN '32768'",
      "param GPU_MEMORY_UTILIZATION '0.9'", "param PYTHON_PREFIX '/usr/local/vllm'", "param MODELS_DIR '/var/lib/qwen-api/models'",
    ]) {
      expect(script).toContain(`\n${line}\n`);
    }
    expect(script).not.toMatch(/\$\{|\{\{/);
  });
});

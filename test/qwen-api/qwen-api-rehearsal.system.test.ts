/**
 * Full rehearsal of the API preset: its rendered deploy script runs as root in throwaway namespaces with
 * the rehearsal's stand-ins (systemctl, nvidia-smi, the CurlCli endpoint) and, as the app, the stand-in
 * OpenAI-compatible server (rehearsal/stand-ins/openai-server.py) started by the rendered unit's own
 * ExecStart through a `vllm` stand-in package. vLLM and a GPU are not run here.
 */
import { renderApiDeployment, vllmStandInFiles } from '../../rehearsal/api-deployment';
import { AppStandIn, runRehearsal } from '../../rehearsal/rehearsal-runner';
import { expectRehearsal } from '../rehearsal/rendered-artifacts';

const PREFIX = '/usr/local/vllm';
const FAST = { startupTimeoutSeconds: 60, completionTimeoutSeconds: 15 };
const STANDIN_LOG = '/run/openai-standin.jsonl';

function standInRequests(log: string | undefined): { method: string; path: string; t: number }[] {
  return (log ?? '').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.event === 'request');
}

describe('QwenApiStack rehearsal (stand-in OpenAI server as the app)', () => {
  test('one SUCCESS, sent only after /health, a real chat completion and the key check through nginx', async () => {
    const d = renderApiDeployment({ stackProps: FAST, parameters: { EcsInstanceType: 'ecs.gn8is.2xlarge' } });
    const r = await runRehearsal({
      script: d.script, app: AppStandIn.NONE, pythonPath: `${PREFIX}/bin/python3`, gpus: '49152',
      extraFiles: vllmStandInFiles(PREFIX, { modelPath: d.stack.server.modelSource.path }), writableFiles: [STANDIN_LOG], collectFiles: [STANDIN_LOG, '/etc/passwd', '/etc/default/qwen-api', '/etc/systemd/system/qwen-api.service'],
      secrets: ['RehearsalGeneratedKey0123456789abcdefGHIJKLmnop'], timeoutMs: 240000,
    });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['SUCCESS']);
      const reqs = standInRequests(r.files[STANDIN_LOG]);
      const completion = reqs.find((q) => q.method === 'POST' && q.path === '/v1/chat/completions');
      expect(completion).toBeDefined();
      expect(reqs.findIndex((q) => q.path === '/health')).toBeLessThan(reqs.indexOf(completion!));
      // the completion check, then the key check through nginx (GET /v1/models reaches the stand-in), then SUCCESS
      expect(reqs.filter((q) => q.path === '/v1/models').length).toBeGreaterThan(0);
      const logLines = r.output.split('\n');
      const completionLine = logLines.findIndex((l) => l.includes('answered 200') && l.includes('/v1/chat/completions'));
      const successLine = logLines.findIndex((l) => /SUCCESS/.test(l));
      expect(completionLine).toBeGreaterThanOrEqual(0);
      expect(successLine).toBeGreaterThan(completionLine);
      // the flags of the chosen type, from the Mappings: ecs.gn8is.2xlarge -> TP 1, 32768 tokens
      expect(r.files['/etc/default/qwen-api']).toBe('VLLM_TENSOR_PARALLEL_SIZE="1"\nVLLM_MAX_MODEL_LEN="32768"\n');
      expect(r.files['/etc/systemd/system/qwen-api.service']).toContain('--max-model-len ${VLLM_MAX_MODEL_LEN} --tensor-parallel-size ${VLLM_TENSOR_PARALLEL_SIZE} --gpu-memory-utilization 0.9');
      // issue 15: the server runs as its own system user, sandboxed; the stand-in ran as that user (it logged its uid)
      const unit = r.files['/etc/systemd/system/qwen-api.service'];
      expect(unit).toMatch(/^User=qwen-api\nGroup=qwen-api\n/m);
      expect(unit).toContain('Environment="HOME=/var/lib/qwen-api/home"');
      expect(unit).toMatch(/^NoNewPrivileges=yes\nProtectSystem=full\nProtectHome=yes\nPrivateTmp=yes$/m);
      const uid = /^qwen-api:x:(\d+):/m.exec(r.files['/etc/passwd'] ?? '')?.[1];
      expect(uid).toBeDefined();
      expect(reqs.every((q: any) => String(q.uid) === uid)).toBe(true);
      // the generated key is in no argv and no log
      expect(r.argv.hits).toEqual([]);
      expect(r.deployLog).not.toContain('RehearsalGeneratedKey');
      expect(r.output).not.toContain('RehearsalGeneratedKey');
    });
  });

  test('a server answering 500 to completions gives FAILURE naming the completion step', async () => {
    const d = renderApiDeployment({ stackProps: FAST });
    const r = await runRehearsal({
      script: d.script, app: AppStandIn.NONE, pythonPath: `${PREFIX}/bin/python3`, gpus: '49152',
      extraFiles: vllmStandInFiles(PREFIX, { failCompletions: true, modelPath: d.stack.server.modelSource.path }), writableFiles: [STANDIN_LOG], timeoutMs: 240000,
    });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
      expect(r.signals[0].reason).toMatch(/Qwen3-8B answers a chat completion on 127\.0\.0\.1:8000: http:\/\/127\.0\.0\.1:8000\/v1\/chat\/completions answered 500, not 200, within 15s/);
    });
  });

  test.each([
    ['a key starting with dashes', '--help-and-more-dashes-0123456789abcdef'],
    ['a key of underscores and digits', `_${'9'.repeat(40)}_`],
  ])('a deployer-given key that passes the pattern is harmless: %s', async (_name, key) => {
    const d = renderApiDeployment({ stackProps: FAST, parameters: { CustomApiKey: key } });
    const r = await runRehearsal({
      script: d.script, app: AppStandIn.NONE, pythonPath: `${PREFIX}/bin/python3`, gpus: '49152',
      extraFiles: vllmStandInFiles(PREFIX, { modelPath: d.stack.server.modelSource.path }), writableFiles: [STANDIN_LOG], collectFiles: ['/etc/nginx/api-keys/8080.map'], secrets: [key], timeoutMs: 240000,
    });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['SUCCESS']);
      expect(r.files['/etc/nginx/api-keys/8080.map']).toContain(`"~^Bearer ${key}$" 1;`);
      expect(r.argv.hits).toEqual([]);
      expect(r.deployLog).not.toContain(key);
    });
  });
});

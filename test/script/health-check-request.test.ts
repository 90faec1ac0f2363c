import { HealthCheck } from '../../lib/script/health-check';
import { ScriptValue } from '../../lib/script/script-value';
import { SystemdService } from '../../lib/script/systemd-service';

const token = ScriptValue.fromToken('ApiKey', 't', { secret: true });

describe('HealthCheck with a request (method, headers, bearer secret, body, body pattern)', () => {
  test('renders the synth-time curl config and ds_request with the pattern and the token variable', () => {
    const c = new HealthCheck({
      description: 'a chat completion', url: 'http://127.0.0.1:8000/v1/chat/completions', timeoutSeconds: 300, watchUnit: 'qwen-api.service',
      request: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"model":"Qwen3-8B","q":"say \\"OK\\""}', bearerToken: token, bodyPattern: '"object" *: *"chat\\.completion"' },
    });
    expect(c.renderCommands()).toBe([
      'ds_req_cfg=\'request = "POST"\nheader = "Content-Type: application/json"\ndata-binary = "{\\"model\\":\\"Qwen3-8B\\",\\"q\\":\\"say \\\\\\"OK\\\\\\"\\"}"\'',
      'ds_request http://127.0.0.1:8000/v1/chat/completions 200 300 10 10 qwen-api.service \'"object" *: *"chat\\.completion"\' api_key',
    ].join('\n'));
    expect(c.values).toEqual([token]);
    expect(c.renderFunctions()).toContain('printf \'header = "Authorization: Bearer %s"\\n\' "${!8}"');
    expect(c.requiredCommands).toEqual(expect.arrayContaining(['curl', 'mktemp', 'grep']));
  });

  test('a plain GET keeps ds_probe', () => {
    expect(new HealthCheck({ description: 'up', url: 'http://127.0.0.1:8000/health' }).renderCommands()).toMatch(/^ds_probe /);
  });

  test.each([
    [{ method: 'GET' as const, body: '{}' }, /request\.body is not allowed with method GET/],
    [{ method: 'POST' as const, body: "it's" }, /request\.body is not allowed/],
    [{ headers: { 'X-A': 'a"b' } }, /request\.headers 'X-A' is not allowed/],
    [{ bearerToken: ScriptValue.fromToken('K', 'k') }, /request\.bearerToken 'K' is not marked secret/],
    [{ bodyPattern: "a'b" }, /request\.bodyPattern 'a'b' is not allowed/],
  ])('%j is refused', (request, message) => {
    expect(() => new HealthCheck({ description: 'x', url: 'http://127.0.0.1:1/', request })).toThrow(message);
  });
});

describe('SystemdService ${NAME} arguments', () => {
  test('a declared variable as a whole argument is kept for systemd to substitute', () => {
    const s = new SystemdService({
      name: 'qwen-api', description: 'x', execStart: ['/usr/bin/python3', '--max-model-len', '${VLLM_MAX_MODEL_LEN}'],
      environmentValues: { VLLM_MAX_MODEL_LEN: ScriptValue.fromToken('Len', '1') },
    });
    expect(s.renderUnit()).toContain('ExecStart=/usr/bin/python3 --max-model-len ${VLLM_MAX_MODEL_LEN}\n');
  });

  test.each([
    [['/usr/bin/python3', '${NOPE}'], /execStart\[1\] '\$\{NOPE\}' names no variable/],
    [['/usr/bin/python3', 'a${X}'], /execStart\[1\] 'a\$\{X\}' is not allowed/],
    [['${X}'], /execStart\[0\] '\$\{X\}' is not allowed/],
  ])('%j is refused', (execStart, message) => {
    expect(() => new SystemdService({ name: 'qwen-api', description: 'x', execStart, environment: { X: '1' } })).toThrow(message);
  });
});

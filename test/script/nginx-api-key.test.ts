import { API_KEY_PATTERN, NginxApiKey } from '../../lib/script/nginx-api-key';
import { ScriptValue } from '../../lib/script/script-value';

const key = ScriptValue.fromToken('ApiKey', 'token', { secret: true });

describe('NginxApiKey', () => {
  test('the site: key checked before proxy_pass, 401 with WWW-Authenticate, streaming settings', () => {
    const site = new NginxApiKey({ apiKey: key }).renderSite();
    expect(site).toBe(`# Rendered by ros-cdk-qwen-chat: an API-key check in front of an OpenAI-compatible server.
# The key is in /etc/nginx/api-keys/8080.map (mode 0600, read by nginx's master process).
include /etc/nginx/api-keys/8080.map;
limit_req_zone $binary_remote_addr zone=clients_8080:1m rate=20r/s;

server {
    listen 8080 ssl;
    ssl_certificate /etc/nginx/tls/8080.crt;
    ssl_certificate_key /etc/nginx/tls/8080.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;
    ssl_session_tickets off;
    error_page 497 =301 https://$http_host$request_uri;
    server_tokens off;
    server_name _;
    client_max_body_size 16m;
    error_page 401 = @qwen_api_key_denied_8080;

    # The key is checked in the rewrite phase, before proxy_pass: a rejected request never reaches the upstream.
    location /v1/ {
        limit_req zone=clients_8080 burst=200 nodelay;
        limit_req_status 429;
        if ($qwen_api_key_ok_8080 != 1) {
            return 401;
        }
        proxy_pass http://127.0.0.1:8000;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Authorization "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_buffering off;
        proxy_cache off;
        proxy_read_timeout 3600s;
        proxy_send_timeout 3600s;
    }

    location / {
        return 401;
    }

    location @qwen_api_key_denied_8080 {
        default_type application/json;
        add_header WWW-Authenticate 'Bearer realm="api"' always;
        return 401 '{"error":{"message":"Missing or wrong API key: send the header Authorization: Bearer <key>.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}';
    }
}
`);
  });

  test('the key map matches the key case-sensitively (a regular expression, not a map string)', () => {
    expect(new NginxApiKey({ apiKey: key, listenPort: 443 }).renderKeyMap('KEY')).toBe(
      'map $http_authorization $qwen_api_key_ok_443 {\n    default 0;\n    "~^Bearer KEY$" 1;\n}\n');
  });

  test('the key goes to the map file by printf from the decoded variable, never in argv, and is re-checked', () => {
    const p = new NginxApiKey({ apiKey: key, expectModel: 'Qwen3-8B' });
    const text = p.parts.map((part) => part.renderCommands()).join('\n');
    expect(text).toContain(`[[ "$api_key" =~ ${API_KEY_PATTERN} ]] || ds_fail`);
    expect(text).toContain('printf \'map $http_authorization $qwen_api_key_ok_8080 {\\n    default 0;\\n    "~^Bearer %s$" 1;\\n}\\n\' "$api_key" > "$ds_key_tmp"');
    expect(text).toContain('chmod 0600 "$ds_key_tmp"');
    // over TLS (issue 15): the generated certificate is the only CA the check trusts
    expect(text).toContain(`ds_req_cfg='cacert = "/etc/nginx/tls/8080.crt"'\nds_request https://127.0.0.1:8080/v1/models 200 60 5 10 '' '"id" *: *"Qwen3-8B"' api_key`);
    // the only places the variable appears are builtins' arguments
    for (const line of text.split('\n').filter((l) => l.includes('$api_key'))) {
      expect(line.trim()).toMatch(/^(\[\[|printf)/);
    }
  });

  test('the key pattern takes RandomString lettersdigits output and refuses what nginx or curl would read', () => {
    const re = new RegExp(API_KEY_PATTERN);
    expect(re.test('a'.repeat(32))).toBe(true);
    expect(re.test('aB3_-'.repeat(10))).toBe(true);
    for (const bad of ['a'.repeat(31), 'a'.repeat(129), `${'a'.repeat(32)}"`, `${'a'.repeat(32)} x`, `${'a'.repeat(32)}$`, `${'a'.repeat(32)};`, `${'a'.repeat(32)}\\`, `${'a'.repeat(32)}.*`, `${'a'.repeat(32)}\n`]) {
      expect(re.test(bad)).toBe(false);
    }
  });

  test.each([
    [{ apiKey: ScriptValue.fromToken('ApiKey', 't') }, /apiKey 'ApiKey' is not marked secret/],
    [{ apiKey: key, listenPort: 8000 }, /listenPort 8000 is the upstream's own port/],
    [{ apiKey: key, listenPort: 0 }, /listenPort 0 is not allowed/],
    [{ apiKey: key, keyMapPath: 'keys.map' }, /keyMapPath 'keys\.map' is not allowed/],
    [{ apiKey: key, maxRequestBodyMiB: 0 }, /maxRequestBodyMiB 0 is not allowed/],
    [{ apiKey: key, expectModel: 'a"b' }, /expectModel 'a"b' is not allowed/],
  ])('%#: bad props are refused', (props, message) => {
    expect(() => new NginxApiKey(props as any)).toThrow(message);
  });
});

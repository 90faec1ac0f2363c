// nginx `server { ... }` blocks found in a script's text (a site file written by a here-document or a
// printf), read well enough to say what each listens on and whether it asks for credentials. Directive
// names and `listen` parameters follow the nginx reference: https://nginx.org/en/docs/http/ngx_http_core_module.html#listen,
// https://nginx.org/en/docs/http/ngx_http_auth_basic_module.html, https://nginx.org/en/docs/http/ngx_http_auth_request_module.html

/** One `listen` directive. */
export interface NginxListen {
  /** The address part, if any (`127.0.0.1`, `[::]`); undefined for a bare port. */
  readonly address?: string;
  /** The port (undefined when it is not a literal number, e.g. a deploy-time value). */
  readonly port?: number;
  /** `ssl` is among its parameters (or `quic`, which is TLS too). */
  readonly tls: boolean;
  /** The directive as written. */
  readonly text: string;
}

/** One `server` block. */
export interface NginxServer {
  /** Offset of `server` in the text. */
  readonly start: number;
  readonly listens: NginxListen[];
  /** How it asks for credentials: `auth_basic`, `auth_request`, `Authorization header` (a Bearer check), or none. */
  readonly credentials?: string;
  /** Its whole text. */
  readonly text: string;
}

/** The text between a `{` at `open` and its matching `}` (or the rest of the text). */
function block(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|unix:.*)$/;

/** True when the listen accepts connections from other hosts (not loopback, not a unix socket). */
export function listensBeyondLoopback(listen: NginxListen): boolean {
  return listen.address === undefined || !LOOPBACK.test(listen.address);
}

/** Every nginx `server { ... }` block in `text`. */
export function nginxServers(text: string): NginxServer[] {
  const out: NginxServer[] = [];
  for (const m of text.matchAll(/(^|[^\w$.-])server\s*\{/g)) {
    const start = (m.index ?? 0) + m[1].length;
    const body = block(text, start + m[0].length - m[1].length - 1);
    const listens: NginxListen[] = [];
    for (const l of body.matchAll(/(?:^|[\s;{}])listen\s+([^;]*);/g)) {
      const [first, ...params] = l[1].trim().split(/\s+/);
      let address: string | undefined;
      let portText = first;
      const colon = first.lastIndexOf(':');
      if (/^\d+$/.test(first)) {
        portText = first;
      } else if (colon > 0 && /^\d+$/.test(first.slice(colon + 1))) {
        address = first.slice(0, colon);
        portText = first.slice(colon + 1);
      } else {
        address = first;
        portText = '';
      }
      listens.push({
        address,
        port: /^\d+$/.test(portText) ? Number(portText) : undefined,
        tls: params.includes('ssl') || params.includes('quic'),
        text: `listen ${l[1].trim()};`,
      });
    }
    let credentials: string | undefined;
    const basic = /(?:^|[\s;{}])auth_basic\s+([^;]*);/.exec(body);
    if (basic && basic[1].trim() !== 'off') credentials = 'auth_basic';
    // An auth subrequest that drops the client's Authorization and Cookie headers checks nothing the client
    // sends (a health probe of the app, as NginxHealthEndpoint writes): no credentials.
    else if (/(?:^|[\s;{}])auth_request\s+(?!off\s*;)/.test(body) && !(/proxy_set_header\s+Authorization\s+""\s*;/.test(body) && /proxy_set_header\s+Cookie\s+""\s*;/.test(body))) credentials = 'auth_request';
    else if (/\$http_authorization|Bearer/.test(body)) credentials = 'Authorization header';
    out.push({ start, listens, credentials, text: body });
  }
  return out;
}

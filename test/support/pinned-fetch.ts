/**
 * A `fetch` that trusts only the given CA certificate(s) (PEM), for clients of the TLS sites the deploy script
 * serves with a certificate it made (NginxTls.generated): the same pinning a user does with `curl --cacert`.
 * Node's global fetch takes no CA option without undici's Agent (not a dependency here), so this one is built on
 * `https.request`; the response body is streamed (a chat completion's chunks arrive as nginx sends them).
 */
import * as http from 'http';
import * as https from 'https';
import { Readable } from 'stream';

export function pinnedFetch(caPem: string): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const url = new URL(request.url);
    return new Promise<Response>((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      const headers: Record<string, string> = {};
      request.headers.forEach((v, k) => { headers[k] = v; });
      const req = client.request(url, { method: request.method, headers, ca: caPem, signal: init?.signal ?? undefined }, (res: http.IncomingMessage) => {
        const responseHeaders = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) responseHeaders.append(k, one);
        }
        const nullBody = [101, 204, 205, 304].includes(res.statusCode ?? 0) || request.method === 'HEAD';
        resolve(new Response(nullBody ? null : (Readable.toWeb(res) as ReadableStream), { status: res.statusCode, statusText: res.statusMessage, headers: responseHeaders }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }) as typeof fetch;
}

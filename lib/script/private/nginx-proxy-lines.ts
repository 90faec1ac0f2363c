/**
 * The proxy lines both nginx sites (basic auth and API key) end their app location with: the client's address
 * and scheme passed on, the Host as the client sent it, and nothing held back, so a streamed answer (SSE, a
 * websocket, an OpenAI `stream: true` reply) reaches the client token by token.
 *
 * `$http_host`, not `$host`: it keeps the port the client used; Gradio 4+ builds the URLs of the files it serves
 * from it (gradio-app/gradio, gradio/route_utils.py get_root_url).
 */
export function streamingProxyLines(readTimeoutSeconds: number): string[] {
  return [
    '        proxy_set_header Host $http_host;',
    '        proxy_set_header X-Real-IP $remote_addr;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto $scheme;',
    '        proxy_buffering off;',
    '        proxy_cache off;',
    `        proxy_read_timeout ${readTimeoutSeconds}s;`,
    `        proxy_send_timeout ${readTimeoutSeconds}s;`,
  ];
}

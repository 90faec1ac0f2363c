# STAND-IN for an app that loads slowly but well: prints a progress line every 2 s for
# REHEARSAL_APP_LOAD_SECONDS (from /run/rehearsal-app-load-seconds, default 20), then answers 200 on
# the host/port of GRADIO_SERVER_NAME / GRADIO_SERVER_PORT like app.py.
import os, time
from http.server import BaseHTTPRequestHandler, HTTPServer

try:
    total = float(open('/run/rehearsal-app-load-seconds').read())
except (OSError, ValueError):
    total = 20.0
start = time.time()
shard = 0
while time.time() - start < total:
    shard += 1
    print('Loading checkpoint shards: step %d (%.0f s)' % (shard, time.time() - start), flush=True)
    time.sleep(2)
print('Running on local URL: http://127.0.0.1:7860', flush=True)

class H(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'stand-in app ok\n'
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass

HTTPServer((os.environ.get('GRADIO_SERVER_NAME', '127.0.0.1'), int(os.environ.get('GRADIO_SERVER_PORT', '7860'))), H).serve_forever()

#!/usr/bin/python3
# STAND-IN for the ECS instance metadata service (no Alibaba Cloud here): listens on ADDRESS:80 inside the
# rehearsal sandbox and answers GET /latest/meta-data/instance-id with the text given (what an ECS instance
# would be told is its id, or a broken answer for a scenario); anything else is 404.
# Usage: metadata-server.py ADDRESS INSTANCE_ID
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

address, instance_id = sys.argv[1], sys.argv[2]

class H(BaseHTTPRequestHandler):
    def do_GET(self):
        found = self.path == '/latest/meta-data/instance-id'
        body = instance_id.encode() if found else b'not found (stand-in metadata service)\n'
        self.send_response(200 if found else 404)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass

HTTPServer((address, 80), H).serve_forever()

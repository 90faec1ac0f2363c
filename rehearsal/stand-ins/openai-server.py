#!/usr/bin/env python3
"""STAND-IN, NOT vLLM: an OpenAI-compatible HTTP server written for the tests.

It speaks the wire protocol of vLLM's OpenAI server (vllm.entrypoints.openai.api_server):
GET /health (200, empty body), GET /v1/models (a ModelList: object "list", data of ModelCard with
id, object "model", created, owned_by "vllm", root, parent, max_model_len, permission), and
POST /v1/chat/completions, non-streamed ("object": "chat.completion", choices[].message, usage) and
streamed (text/event-stream, "data: {chat.completion.chunk}" events, then "data: [DONE]").
There is no model: the answer is a fixed sentence, one word per chunk. It takes vLLM's command line
(the flags the library passes), so a rendered unit can run it in place of vLLM.

Stand-in controls (environment, or files when a rehearsal runs it as a systemd unit):
  STANDIN_LOG                 a file that gets one JSON line per request received and per stream event
                              (in a rehearsal, marked by /run/openai-standin.rehearsal: /run/openai-standin.jsonl)
  STANDIN_FAIL_COMPLETIONS=1  answer 500 to every chat completion (to test the deploy's FAILURE path);
                              also when /run/openai-standin.fail-completions exists
  STANDIN_CHUNK_DELAY         seconds between streamed chunks (default 0.2)
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BANNER = "stand-in OpenAI-compatible server (speaks vLLM's wire protocol; it is not vLLM and has no model)"
ANSWER = "OK, this is the stand-in answering instead of a model."

parser = argparse.ArgumentParser(description=BANNER)
parser.add_argument("--model", required=True)
parser.add_argument("--served-model-name")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8000)
parser.add_argument("--max-model-len", type=int, required=True)
parser.add_argument("--tensor-parallel-size", type=int, required=True)
parser.add_argument("--gpu-memory-utilization", type=float, required=True)
parser.add_argument("--reasoning-parser")
parser.add_argument("--enable-auto-tool-choice", action="store_true")
parser.add_argument("--tool-call-parser")
args = parser.parse_args()
if not 0 < args.gpu_memory_utilization <= 1:
    parser.error("--gpu-memory-utilization must be in (0, 1]")
if args.tensor_parallel_size not in (1, 2, 4, 8):
    parser.error("--tensor-parallel-size must be 1, 2, 4 or 8 here")
MODEL = args.served_model_name or args.model
LOG = os.environ.get("STANDIN_LOG") or ("/run/openai-standin.jsonl" if os.path.exists("/run/openai-standin.rehearsal") else None)
FAIL = os.environ.get("STANDIN_FAIL_COMPLETIONS") == "1" or os.path.exists("/run/openai-standin.fail-completions")
DELAY = float(os.environ.get("STANDIN_CHUNK_DELAY", "0.2"))
LOCK = threading.Lock()


def log(event, **fields):
    if not LOG:
        return
    with LOCK, open(LOG, "a") as f:
        f.write(json.dumps({"t": time.time(), "event": event, "uid": os.getuid(), **fields}) + "\n")


def error_body(message, kind, code):
    # vLLM's ErrorResponse shape.
    return {"object": "error", "message": message, "type": kind, "param": None, "code": code}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "openai-standin/1"

    def log_message(self, fmt, *a):  # requests go to STANDIN_LOG, not stderr
        pass

    def send_json(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        log("request", method="GET", path=self.path, authorization=self.headers.get("Authorization") is not None)
        if self.path == "/health":
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/v1/models":
            now = int(time.time())
            self.send_json(200, {"object": "list", "data": [{
                "id": MODEL, "object": "model", "created": now, "owned_by": "vllm", "root": args.model,
                "parent": None, "max_model_len": args.max_model_len,
                "permission": [{"id": "modelperm-standin", "object": "model_permission", "created": now,
                                "allow_create_engine": False, "allow_sampling": True, "allow_logprobs": True,
                                "allow_search_indices": False, "allow_view": True, "allow_fine_tuning": False,
                                "organization": "*", "group": None, "is_blocking": False}]}]})
        else:
            self.send_json(404, error_body("Not Found", "NotFoundError", 404))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        log("request", method="POST", path=self.path, authorization=self.headers.get("Authorization") is not None)
        if self.path != "/v1/chat/completions":
            return self.send_json(404, error_body("Not Found", "NotFoundError", 404))
        if FAIL:
            return self.send_json(500, error_body("stand-in told to fail completions", "InternalServerError", 500))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self.send_json(400, error_body("body is not JSON", "BadRequestError", 400))
        if body.get("model") != MODEL:
            return self.send_json(404, error_body(f"The model `{body.get('model')}` does not exist.", "NotFoundError", 404))
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return self.send_json(400, error_body("messages must be a non-empty list", "BadRequestError", 400))
        created = int(time.time())
        cid = f"chatcmpl-standin{created}"
        words = ANSWER.split(" ")
        if not body.get("stream"):
            return self.send_json(200, {
                "id": cid, "object": "chat.completion", "created": created, "model": MODEL,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": ANSWER, "tool_calls": []},
                             "logprobs": None, "finish_reason": "stop", "stop_reason": None}],
                "usage": {"prompt_tokens": 10, "completion_tokens": len(words), "total_tokens": 10 + len(words)}})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def event(obj):
            data = ("data: " + (obj if isinstance(obj, str) else json.dumps(obj)) + "\n\n").encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        log("stream-start")
        chunk = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL}
        event({**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": None, "finish_reason": None}]})
        for i, word in enumerate(words):
            time.sleep(DELAY)
            event({**chunk, "choices": [{"index": 0, "delta": {"content": (" " if i else "") + word}, "logprobs": None, "finish_reason": None}]})
        event({**chunk, "choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop", "stop_reason": None}]})
        event("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        log("stream-end")


def main():
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"{BANNER}: serving {MODEL} on {args.host}:{args.port}", flush=True)
    log("start", argv=sys.argv[1:])
    server.serve_forever()


if __name__ == "__main__":
    main()

"""STAND-IN chat app (no model, no GPU here): a real Gradio Blocks app whose "model" streams a
fixed reply token by token, for the browser test of the served chat page (see docs/rehearsal.md).

Works with Gradio 3.41.2 (the version the image pins; its queue streams over a websocket) and
Gradio 4 and later (server-sent events; the Chatbot takes role/content messages only since 6).
It also shows an image it serves itself (Gradio 4 and later build such URLs from the Host header
it sees).

Environment:
  GRADIO_CHAT_PORT        port on 127.0.0.1 (default 7860, the upstream port of the proxy)
  GRADIO_CHAT_TOKENS      number of tokens of the reply (default 20)
  GRADIO_CHAT_TOKEN_MS    pause before each token, in ms (default 150)
  GRADIO_CHAT_EVENTS      a file to append JSON lines to: {"event": "reply-start"|"first-token"|
                          "reply-done", "atMs": epoch ms, "message": the message, ...} (default: none)
"""
import json
import os
import struct
import sys
import tempfile
import time
import zlib

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402

PORT = int(os.environ.get("GRADIO_CHAT_PORT", "7860"))
TOKENS = int(os.environ.get("GRADIO_CHAT_TOKENS", "20"))
TOKEN_SECONDS = int(os.environ.get("GRADIO_CHAT_TOKEN_MS", "150")) / 1000.0
EVENTS = os.environ.get("GRADIO_CHAT_EVENTS", "")
MAJOR = int(gr.__version__.split(".")[0])


def reply_tokens():
    """The fixed reply: 'tok01 tok02 ... tokNN' (each token a word with a trailing space but the last)."""
    return [f"tok{i:02d}" + (" " if i < TOKENS else "") for i in range(1, TOKENS + 1)]


def record(event, message, **fields):
    if EVENTS:
        with open(EVENTS, "a", encoding="utf-8") as f:
            f.write(json.dumps({"event": event, "atMs": int(time.time() * 1000), "message": message, **fields}) + "\n")


def png(path, width=48, height=32):
    """Writes a small solid-colour PNG (no dependency beyond zlib)."""
    row = b"\x00" + bytes([200, 40, 40]) * width
    raw = row * height

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw)))
        f.write(chunk(b"IEND", b""))


def stream(message, history):
    history = list(history or [])
    record("reply-start", message)
    if MAJOR >= 6:
        history = history + [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
    else:
        history = history + [[message, ""]]
    text = ""
    for i, token in enumerate(reply_tokens()):
        time.sleep(TOKEN_SECONDS)
        text += token
        if MAJOR >= 6:
            history[-1] = {"role": "assistant", "content": text}
        else:
            history[-1] = [message, text]
        if i == 0:
            record("first-token", message)
        yield history, ""
    record("reply-done", message, reply=text)


def main():
    image_dir = tempfile.mkdtemp(prefix="gradio-chat-")
    image = os.path.join(image_dir, "served-image.png")
    png(image)
    with gr.Blocks(title="Qwen chat stand-in") as demo:
        gr.Markdown("Stand-in chat app: the reply is fixed text streamed token by token (no model).")
        chatbot = gr.Chatbot(elem_id="chat", label="Chat")
        box = gr.Textbox(elem_id="message", label="Message", placeholder="Say something")
        send = gr.Button("Send", elem_id="send")
        if MAJOR >= 4:
            # Gradio 4+ serves the file from its cache at a URL it builds from the Host it sees
            gr.Image(value=image, elem_id="served-image", label="Served image", interactive=False)
        else:
            # Gradio 3 would inline a gr.Image value as a data: URL; this img loads from the app
            gr.HTML(f'<div id="served-image"><img src="file={image}" alt="served image"></div>')
        send.click(stream, [box, chatbot], [chatbot, box])
        box.submit(stream, [box, chatbot], [chatbot, box])
    demo.queue()
    kwargs = dict(server_name="127.0.0.1", server_port=PORT, allowed_paths=[image_dir], show_error=True)
    if MAJOR >= 5:
        kwargs["ssr_mode"] = False  # the wheelhouse's Gradio 6 was built without server-side rendering
    print(f"gradio-chat stand-in: Gradio {gr.__version__} on 127.0.0.1:{PORT}, {TOKENS} tokens every "
          f"{int(TOKEN_SECONDS * 1000)} ms", flush=True)
    demo.launch(**kwargs)


if __name__ == "__main__":
    sys.exit(main())

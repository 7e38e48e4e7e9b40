"""A small real OpenAI-compatible HTTP server on 127.0.0.1, scripted by the tests.

It speaks just enough of the API for llama-index's OpenAILike (and the openai client under it):
`GET /v1/models`, `POST /v1/chat/completions` with and without `"stream": true` (SSE
`data: {chat.completion.chunk}` lines ending with `data: [DONE]`).

    server = FakeOpenAI().start()
    server.enqueue("Svar med kilde [1].")
    server.mode = "fail"     # every request gets HTTP `fail_status` (500)
    server.mode = "slow"     # completions sleep `slow_seconds` before answering (past a client timeout)
    server.mode = "break"    # a stream sends its first chunk, then the connection is cut
    server.mode = "empty"    # completions answer with empty content
    server.stop()
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from assistant.prompts import NO_SOURCE_MARKER

Mode = Literal["ok", "fail", "slow", "break", "empty"]
MODEL_ID = "fake-model"
_TOKENS = re.compile(r"\S+\s*|\s+")


def _chunk(content: str | None, finish: str | None = None) -> dict[str, Any]:
    delta: dict[str, Any] = {} if content is None else {"role": "assistant", "content": content}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class FakeOpenAI:
    """Scripted replies (`enqueue`), a record of requests, and failure modes."""

    def __init__(self, default_reply: str = NO_SOURCE_MARKER) -> None:
        self.replies: deque[str] = deque()
        self.default_reply = default_reply
        self.requests: list[dict[str, Any]] = []  # JSON bodies of POST /chat/completions
        self.headers: list[dict[str, str]] = []  # headers of every request
        self.mode: Mode = "ok"
        self.fail_status = 500
        self.slow_seconds = 5.0
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # A short poll interval makes stop() (shutdown) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )

    @property
    def base_url(self) -> str:
        """The `/v1` base URL (what VEIVISER_LLM__BASE_URL would be)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def enqueue(self, *texts: str) -> FakeOpenAI:
        """Script the next completions, one per request, in order."""
        self.replies.extend(texts)
        return self

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in slow mode
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next_reply(self) -> str:
        return self.replies.popleft() if self.replies else self.default_reply

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                return

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, message: str) -> None:
                self._json(status, {"error": {"message": message, "type": "server_error", "code": status}})

            def do_GET(self) -> None:
                fake.headers.append(dict(self.headers.items()))
                if fake.mode == "fail":
                    self._error(fake.fail_status, "the model server is down")
                elif self.path.rstrip("/") == "/v1/models":
                    self._json(200, {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "owned_by": "x"}]})
                else:
                    self._error(404, f"no route {self.path}")

            def do_POST(self) -> None:
                fake.headers.append(dict(self.headers.items()))
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._error(404, f"no route {self.path}")
                    return
                fake.requests.append(body)
                if fake.mode == "fail":
                    self._error(fake.fail_status, "internal error")
                    return
                if fake.mode == "slow" and fake._stopping.wait(fake.slow_seconds):
                    return
                text = "" if fake.mode == "empty" else fake._next_reply()
                if body.get("stream"):
                    self._stream(text)
                else:
                    self._json(200, _completion(text))

            def _stream(self, text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                tokens = _TOKENS.findall(text)
                for i, token in enumerate(tokens):
                    self.wfile.write(f"data: {json.dumps(_chunk(token))}\n\n".encode())
                    self.wfile.flush()
                    if fake.mode == "break" and i == 0:
                        # Cut the connection mid-stream without the closing chunk or [DONE].
                        self.wfile.write(b'data: {"id": "chatcmpl-fake", "choi')
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        return
                self.wfile.write(f"data: {json.dumps(_chunk(None, 'stop'))}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

        return Handler

"""ASGI guards in front of the app: a request-body size limit (413 before the body is read) and the
security headers every response carries, including a Content-Security-Policy.

The policy names no external host. Pages (the Gradio UI, /docs) get `script-src 'self'` plus the sha256
hash of each of their own inline scripts, computed from the page as it is sent, so Gradio's bootstrap
scripts run and no script injected into a page could; styles allow inline (Gradio sets style attributes at
run time). Gradio 6 renders every gr.HTML component by evaluating its template with `new Function`, so pages
under the UI path also allow 'unsafe-eval' (measured: without it no gr.HTML renders); /docs does not.
Every other response gets `default-src 'none'`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Headers that hold on every page and API response (the CSP is added per response, see below).
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


PAGE_POLICY = (
    "default-src 'self'; script-src 'self'{evaluate} {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' blob:; connect-src 'self'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def page_policy(html: bytes, allow_eval: bool = False) -> str:
    """The page's policy: its own inline scripts by hash, nothing else inline, no other host."""
    hashes = sorted(
        {
            f"'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
            for m in _INLINE_SCRIPT.finditer(html)
        }
    )
    return PAGE_POLICY.format(hashes=" ".join(hashes), evaluate=" 'unsafe-eval'" if allow_eval else "")


UPLOAD_OVERHEAD = 16 * 1024  # multipart headers around an uploaded file


def too_large_body(limit: int, upload: bool = False) -> bytes:
    what = "Filen er for stor" if upload else "Forespørselen er for stor"
    advice = "Last opp en mindre fil." if upload else "Send et kortere spørsmål."
    return json.dumps({"detail": f"{what} (maks {limit // 1024} kB). {advice}"}, ensure_ascii=False).encode()


class RequestGuard:
    """Rejects bodies over `max_body_bytes` with 413 (by Content-Length, or while a chunked body streams in)
    and adds the security headers to every HTTP response."""

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, ui_path: str = "/ui", max_upload_bytes: int | None = None
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.ui_path = ui_path
        # The UI's file uploads have their own limit (Gradio checks the file; this bounds the whole body).
        self.max_upload_bytes = max_upload_bytes or max_body_bytes
        self.upload_path = f"{ui_path}/gradio_api/upload"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        held: list[Message] = []  # an HTML page's start and body, held until its policy is known

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((n, v) for n, v in SECURITY_HEADERS if n not in names),
                ]
                content_type = dict(message["headers"]).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    held.append(message)
                    return
                message["headers"].append((b"content-security-policy", DATA_POLICY.encode()))
            elif message["type"] == "http.response.body" and held:
                held.append(message)
                if message.get("more_body", False):
                    return
                start, bodies = held[0], held[1:]
                html = b"".join(m.get("body", b"") for m in bodies)
                policy = page_policy(html, allow_eval=scope["path"].startswith(self.ui_path))
                start["headers"].append((b"content-security-policy", policy.encode()))
                held.clear()
                await send(start)
                await send({"type": "http.response.body", "body": html, "more_body": False})
                return
            await send(message)

        upload = scope["path"] == self.upload_path
        limit = self.max_upload_bytes + UPLOAD_OVERHEAD if upload else self.max_body_bytes
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._reject(send_with_headers, limit, upload)
            return
        if length is not None or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send_with_headers)
            return
        # No length given (chunked): read at most the limit here, then hand the app what was read.
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > limit:
                await self._reject(send_with_headers, limit, upload)
                return
            more = bool(message.get("more_body", False))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)

    async def _reject(self, send: Send, limit: int, upload: bool) -> None:
        body = too_large_body(limit - UPLOAD_OVERHEAD if upload else limit, upload)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

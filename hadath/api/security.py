"""Security defaults: request-body size limit and bearer-token checks.

The API is read-only for anonymous callers.  Endpoints that write need the
bearer token given to `create_app` (or `HADATH_TOKEN`); with no token
configured they are refused outright, so a server started without one can
never be written to.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException, Request, status

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_MAX_BODY = 1_000_000  # bytes: far above any news article (~10-50 kB)


class BodyTooLarge(Exception):
    """Raised from `receive` when the body passes the limit mid-stream."""


class BodySizeLimit:
    """ASGI middleware refusing request bodies over `max_body` bytes (413).

    Written as raw ASGI rather than an HTTP middleware so that the limit is
    enforced while the body streams in, before any of it is buffered whole:
    a declared Content-Length over the limit is refused at once, and chunked
    bodies are cut as soon as they pass it.
    """

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _plain(send, 400, b"bad Content-Length")
                    return
                if declared > self.max_body:
                    await _plain(send, 413, self._too_large())
                    return
        seen = 0
        started = False
        too_large = False

        async def limited_receive() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if too_large:
                # The framework turns the cut body into its own error (400);
                # that response is replaced by the 413 below.
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            pass
        if too_large and not started:
            await _plain(send, 413, self._too_large())

    def _too_large(self) -> bytes:
        return f'{{"detail":"request body over {self.max_body} bytes"}}'.encode()


class SecurityHeaders:
    """ASGI middleware adding security headers and a Server-Timing header.

    Raw ASGI rather than `@app.middleware("http")`, whose BaseHTTPMiddleware
    runs each response through an extra task and memory stream on every
    request.  Headers the app set itself win.
    `csp` goes on every response except the API docs pages (Swagger UI
    and ReDoc run inline scripts).
    """

    DOCS_PREFIXES = ("/docs", "/redoc", "/static-offline-docs")

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.page_headers = [(b"content-security-policy", csp.encode()),
                             (b"x-frame-options", b"DENY")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        docs = scope.get("path", "").startswith(self.DOCS_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                have = {name.lower() for name, _ in headers}
                elapsed = (time.perf_counter() - started) * 1000
                # Time spent in the app, for clients and benchmarks.
                headers.append((b"server-timing", f"app;dur={elapsed:.1f}".encode()))
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer")]
                if not docs:
                    extra += self.page_headers
                headers += [(k, v) for k, v in extra if k not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _plain(send: Send, code: int, body: bytes) -> None:
    await send({
        "type": "http.response.start",
        "status": code,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})


def require_token(request: Request) -> None:
    """Dependency for write endpoints: a valid `Authorization: Bearer` token."""
    expected: str | None = request.app.state.token
    if not expected:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            "writing is disabled: the server was started without HADATH_TOKEN")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bearer token required",
                            headers={"WWW-Authenticate": "Bearer"})
    # Constant-time comparison: the token must not leak through timing.
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token",
                            headers={"WWW-Authenticate": "Bearer"})

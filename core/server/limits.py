"""The request body limit, as ASGI middleware in front of the application.

A body over the limit is answered 413, with the reason, before any of it reaches a route: a
``Content-Length`` over the limit is refused without reading the body; a body sent in chunks
is read up to the limit and refused on the first byte past it. Nothing is changed, since no
route ran. A body within the limit is handed on as it was read.
"""

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send, declared)
            return
        body, more = await self._read(receive)
        if body is None:
            await self._refuse(send, None)
            return
        await self.app(scope, _replay(body, more, receive), send)

    async def _read(self, receive: Receive) -> tuple[bytes | None, Message | None]:
        """The whole body (None past the limit), and a message that was not part of it."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), message  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None, None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None

    async def _refuse(self, send: Send, declared: int | None) -> None:
        size = f"{declared:,} bytes" if declared is not None else "more"
        reason = (
            f"the request body is too large: {size}, where this server takes at most "
            f"{self.max_bytes:,} bytes (FIELDLOG_MAX_BODY_BYTES); send it in smaller parts"
        )
        payload = json.dumps({"reason": reason}).encode()
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, after: Message | None, receive: Receive) -> Receive:
    """The body as one message, then what the client sends next (its disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent, after
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if after is not None:
            message, after = after, None
            return message
        return await receive()

    return replayed

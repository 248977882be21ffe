"""ASGI middleware every request passes through."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.pg import request_connection
from core.request_context import current_request_id

_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestId:
    """Names each request: a well-formed incoming `X-Request-ID` is kept, else a new one is
    made. It is set for log lines below (`current_request_id`) and sent back on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _WELL_FORMED.fullmatch(incoming) else _new_id()
        scope.setdefault("state", {})["request_id"] = request_id
        current_request_id.set(request_id)

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        await self.app(scope, receive, tagged)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _new_id() -> str:
    return uuid.uuid4().hex[:16]


class OneConnection:
    """Every statement of one HTTP request runs on one pooled PostgreSQL connection (`core.pg`),
    instead of a checkout per statement. Websockets (long-lived streams) do not hold one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with request_connection():
            await self.app(scope, receive, send)

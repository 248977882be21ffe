"""Limits on the wire (R-ERR-3): what a request may weigh before any work is done for it.

- `BodyLimit` (ASGI middleware): an HTTP body over `PORTAL_MAX_BODY_BYTES` is answered 413
  from its `Content-Length`, or as soon as the streamed bytes pass the limit; it is never
  read whole.
- `WireLimits` (mixed into the GraphQL views): request bodies are strict UTF-8 JSON nested at
  most `PORTAL_MAX_JSON_DEPTH` deep, shaped as a GraphQL request (an object, or a list of them
  for a batch); websocket messages are at most `PORTAL_MAX_WS_MESSAGE_BYTES`; a session holds
  at most `PORTAL_MAX_WS_CONNECTIONS_PER_SESSION` websockets in this process. Every refusal
  over HTTP is a GraphQL-shaped JSON error with a 4xx status, never a 500.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import AsyncGenerator
from json import JSONDecodeError
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived

from core.settings import get_settings

_WS_SESSION = "portal.ws_session"
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_REQUEST_FIELDS = {"query": str, "operationName": str, "variables": dict, "extensions": dict}


def graphql_error_response(message: str, status: int, code: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


def too_large(limit: int) -> JSONResponse:
    return graphql_error_response(
        f"The request body is larger than {limit} bytes.", 413, "PAYLOAD_TOO_LARGE"
    )


class BodyLimit:
    """Reads an HTTP body up to the limit, then hands it on; refuses anything larger with 413."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = get_settings().max_body_bytes
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large(limit)(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await too_large(limit)(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class MalformedBody(JSONDecodeError):
    """A body or message that is not the JSON we accept; `str()` is the reason to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, "", 0)
        self.reason = reason


def too_deep(text: str, limit: int) -> bool:
    """Nesting beyond `limit`, found by a scan that skips strings and stops early."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


def decode_request_json(data: str | bytes) -> object:
    """Strict UTF-8 JSON, bounded nesting, an object or a list of objects at the top."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise MalformedBody("The request body is not valid UTF-8.") from exc
    depth = get_settings().max_json_depth
    if too_deep(text, depth):
        raise MalformedBody(f"The JSON is nested more than {depth} levels deep.")
    try:
        value = json.loads(text)
    except RecursionError as exc:  # pragma: no cover - too_deep refuses first
        raise MalformedBody(f"The JSON is nested more than {depth} levels deep.") from exc
    except JSONDecodeError as exc:
        raise MalformedBody(f"The request body is not valid JSON: {exc.msg}.") from exc
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, dict) for item in items):
        raise MalformedBody(
            "The request body must be a JSON object, or a list of objects for a batch."
        )
    return value


def check_request_data(data: GraphQLRequestData | list[GraphQLRequestData]) -> None:
    """Every operation of a batch has the types a single request is checked for."""
    for item in data if isinstance(data, list) else [data]:
        given = {
            "query": item.query,
            "operationName": item.operation_name,
            "variables": item.variables,
            "extensions": item.extensions,
        }
        for name, value in given.items():
            if value is not None and not isinstance(value, _REQUEST_FIELDS[name]):
                kind = "a string" if _REQUEST_FIELDS[name] is str else "an object"
                raise HTTPException(400, f"`{name}` must be {kind} or null, if provided.")


class LimitedWebSocketAdapter(ASGIWebSocketAdapter):
    """Closes the socket (1009) on a message over `PORTAL_MAX_WS_MESSAGE_BYTES`."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        limit = get_settings().max_ws_message_bytes
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                try:
                    text = await self.ws.receive_text()
                    if len(text) > limit or (
                        len(text) * 4 > limit and len(text.encode("utf-8", "surrogatepass")) > limit
                    ):
                        await self.close(1009, f"Messages are limited to {limit} bytes.")
                        return
                    yield self.view.decode_json(text)
                except JSONDecodeError as exc:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from exc
        except KeyError as exc:
            raise NonTextMessageReceived from exc
        except WebSocketDisconnect:  # pragma: no cover
            pass


class WireLimits:
    """Mixed into a Strawberry ASGI view, before it in the bases."""

    websocket_adapter_class: Any = LimitedWebSocketAdapter
    _open_sockets: Counter[int]

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except MalformedBody as exc:
            raise HTTPException(400, exc.reason) from exc

    async def parse_http_body(self, request: Any) -> Any:
        data = await super().parse_http_body(request)  # type: ignore[misc]
        check_request_data(data)
        return data

    def should_render_graphql_ide(self, request: Any) -> bool:
        """A GET with a persisted query's hash (and no text) is an operation, not a visit."""
        shown: bool = super().should_render_graphql_ide(request)  # type: ignore[misc]
        return shown and "extensions" not in request.query_params

    def admit_socket(self, scope: Scope, session_id: int) -> None:
        """Count this websocket against its session, or refuse it past the cap."""
        if not hasattr(self, "_open_sockets"):
            self._open_sockets = Counter()
        cap = get_settings().max_ws_connections_per_session
        if self._open_sockets[session_id] >= cap:
            raise ConnectionRejectionError(
                {"message": f"At most {cap} live connections per session; close one first."}
            )
        self._open_sockets[session_id] += 1
        scope[_WS_SESSION] = session_id

    def release_socket(self, scope: Scope) -> None:
        session_id = scope.pop(_WS_SESSION, None)
        if isinstance(session_id, int) and hasattr(self, "_open_sockets"):
            self._open_sockets[session_id] -= 1
            if self._open_sockets[session_id] <= 0:
                del self._open_sockets[session_id]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                response: Response = await self.run(Request(scope, receive))  # type: ignore[attr-defined]
            except HTTPException as exc:
                response = graphql_error_response(exc.reason, exc.status_code, "BAD_REQUEST")
            await response(scope, receive, send)
            return
        try:
            await super().__call__(scope, receive, send)  # type: ignore[misc]
        finally:
            self.release_socket(scope)

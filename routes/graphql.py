"""The two GraphQL endpoints: the customer API (HTTP and websockets) and the operator API.

Refusals say what happened, in GraphQL's shape:
- a session token that names no live session (expired, signed out, unknown): HTTP 401
  `UNAUTHENTICATED` "The session token is invalid or has expired…" (no token at all is fine:
  signed-out fields answer as for anyone);
- on a websocket, the close reason (code 4403) carries the message;
- operator API: 403 when it is switched off, 401 for a missing or wrong operator token.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.types.unset import UnsetType

from core import metrics
from core.settings import Settings
from routes.caller import bearer, identify, is_operator
from routes.limits import LimitedWebSocketAdapter, WireLimits
from routes.web import graphiql_page
from schema.context import Context
from schema.shared_events import encode_message, next_message, send_payloads_with

MAX_SUBSCRIPTIONS_PER_CONNECTION = 10

BAD_SESSION = (
    "The session token is invalid or has expired (signed out, revoked or too old): "
    "sign in again for a new one, or send no Authorization header."
)
NO_SESSION = "Sign in: send a session token as authorization in connection_init."
BAD_SESSION_SHORT = "The session token is invalid or has expired: sign in again."  # 123 bytes max
_REJECTION_KEY = "portal.ws_rejection"


def graphql_error(status: int, message: str, code: str, **headers: str) -> JSONResponse:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers or None)


class _WebSocket(LimitedWebSocketAdapter):
    """Strawberry closes a rejected connection with reason "Forbidden": say why instead."""

    async def close(self, code: int, reason: str) -> None:
        if code == 4403:
            reason = str(self.ws.scope.get(_REJECTION_KEY, reason))
        await super().close(code, reason)


class _TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, through which a subscription may send a `next` payload that is
    already encoded (the fast path of `schema.shared_events` for shared live events)."""

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        send_payloads_with(functools.partial(self._send_encoded, operation))  # this task's one
        await super().run_operation(operation)

    async def _send_encoded(self, operation: Operation[Context, None], payload: str) -> None:
        """As `Operation.send_next` sends it: nothing once the operation completed; a socket
        that is gone is left to the read loop, which ends the operation."""
        if operation.completed:
            return
        assert isinstance(self.websocket, _WebSocket)
        with contextlib.suppress(WebSocketDisconnect):
            await self.websocket.ws.send_text(next_message(operation.id, payload))


class CustomerGraphQL(WireLimits, GraphQL[Context, None]):
    """Customer API: the session comes from the Authorization header or `connection_init`."""

    websocket_adapter_class = _WebSocket
    graphql_transport_ws_handler_class = _TransportWS

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            metrics.WEBSOCKETS_OPEN.inc()
            try:
                await super().__call__(scope, receive, send)
            finally:
                metrics.WEBSOCKETS_OPEN.dec()
            return
        if scope["type"] == "http" and (await identify(Request(scope))).bad_token:
            response = graphql_error(
                401,
                BAD_SESSION,
                "UNAUTHENTICATED",
                **{"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def encode_json(self, data: object) -> str:
        if isinstance(data, dict):
            return encode_message(data)  # a live event's payload is encoded once per event
        return super().encode_json(data)  # type: ignore[return-value]

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        caller = await identify(request) if isinstance(request, Request) else None
        return Context(
            request=request,
            response=response,
            services=request.app.state.services,
            session=caller.session if caller else None,
            user=caller.user if caller else None,
            client_address=caller.client if caller else None,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        given = str(params.get("authorization") or params.get("Authorization") or "")
        caller = await identify(context.request, authorization=given)
        if caller.session is None:
            reason = BAD_SESSION_SHORT if caller.bad_token else NO_SESSION
            context.request.scope[_REJECTION_KEY] = reason  # a close reason: at most 123 bytes
            raise ConnectionRejectionError({"message": BAD_SESSION if caller.bad_token else reason})
        try:
            self.admit_socket(context.request.scope, caller.session.id)
        except ConnectionRejectionError as refused:
            message = str(dict(refused.payload).get("message", ""))
            context.request.scope[_REJECTION_KEY] = message.encode()[:123].decode(errors="ignore")
            raise
        context.session, context.user = caller.session, caller.user
        context.client_address = caller.client
        return None

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the project's own build (`web/`): nothing loads from elsewhere."""
        return graphiql_page(request)


class OperatorGraphQL(WireLimits, GraphQL[Context, None]):
    """Operator API: only with `Authorization: Bearer <PORTAL_OPERATOR_TOKEN>`."""

    def __init__(self, schema: BaseSchema, settings: Settings) -> None:
        super().__init__(schema, graphql_ide=None, allow_queries_via_get=False)
        self.settings = settings

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        caller = await identify(request)
        return Context(
            request=request,
            response=response,
            services=request.app.state.services,
            operator=True,
            client_address=caller.client,
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        refusal = self.refusal(Request(scope)) if scope["type"] == "http" else None
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def refusal(self, request: Request) -> JSONResponse | None:
        if self.settings.operator_token is None:
            return graphql_error(
                403,
                "The operator API is disabled on this server: "
                "it is switched on by setting PORTAL_OPERATOR_TOKEN.",
                "OPERATOR_API_DISABLED",
            )
        if is_operator(request, self.settings):
            return None
        sent = bearer(request.headers.get("authorization")) is not None
        message = (
            "Wrong operator token."
            if sent
            else "Operator token required: send Authorization: Bearer <PORTAL_OPERATOR_TOKEN>."
        )
        return graphql_error(401, message, "UNAUTHENTICATED", **{"WWW-Authenticate": "Bearer"})


def customer_graphql(schema: BaseSchema, settings: Settings) -> CustomerGraphQL:
    ide: Literal["graphiql"] | None = "graphiql" if settings.graphiql else None
    return CustomerGraphQL(
        schema,
        graphql_ide=ide,
        allowed_origins=settings.cors_origin_list,
        keep_alive=True,
        max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
    )

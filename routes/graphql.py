"""The two GraphQL endpoints: the customer API (HTTP and websockets) and the operator API."""

from __future__ import annotations

from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.types.unset import UnsetType

from core.settings import Settings
from routes.caller import identify, is_operator
from routes.limits import WireLimits
from routes.web import graphiql_page
from schema.context import Context

MAX_SUBSCRIPTIONS_PER_CONNECTION = 10


class CustomerGraphQL(WireLimits, GraphQL[Context, None]):
    """Customer API: the session comes from the Authorization header or `connection_init`."""

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
            raise ConnectionRejectionError(
                {
                    "message": "Sign in: send a valid session token "
                    "as authorization in connection_init."
                }
            )
        self.admit_socket(context.request.scope, caller.session.id)
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
        if scope["type"] == "http" and not is_operator(Request(scope), self.settings):
            response = JSONResponse(
                {
                    "errors": [
                        {
                            "message": "Operator token required.",
                            "extensions": {"code": "UNAUTHENTICATED"},
                        }
                    ]
                },
                status_code=401,
            )
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def customer_graphql(schema: BaseSchema, settings: Settings) -> CustomerGraphQL:
    ide: Literal["graphiql"] | None = "graphiql" if settings.graphiql else None
    return CustomerGraphQL(
        schema,
        graphql_ide=ide,
        allowed_origins=settings.cors_origin_list,
        keep_alive=True,
        max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
    )

"""The ASGI application: `uvicorn server:app`, or `python server.py`."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UnsetType
from tortoise.connection import connections
from tortoise.contrib.starlette import RegisterTortoise

from adapters.gitlab.routes import gitlab_routes
from documents.routes import document_routes
from notifications import live
from notifications.broadcast import Hub
from notifications.worker import worker_for
from portal.db import apply_migrations, tortoise_config
from portal.secrets import load_secret_key
from portal.settings import Settings, get_settings
from resolvers.auth import authenticate
from routes.web import graphiql_page, web_routes
from schema import operator_schema, schema
from schema.context import Context

log = logging.getLogger("portal")


def bearer(value: str | None) -> str | None:
    if value and value[:7].lower() == "bearer ":
        return value[7:].strip() or None
    return None


def tag_response(context: Context) -> None:
    """`X-Request-ID` names the request in the logs (a masked error's log line has it)."""
    if isinstance(context.response, Response):
        context.response.headers["x-request-id"] = context.request_id


class PortalGraphQL(GraphQL[Context, None]):
    """Customer API: the session comes from the Authorization header or `connection_init`."""

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        context = Context(request=request, response=response)
        tag_response(context)
        token = bearer(request.headers.get("authorization"))
        if token and isinstance(request, Request):
            found = await authenticate(token)
            if found is not None:
                context.session, context.user = found
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        token = bearer(str(params.get("authorization") or params.get("Authorization") or ""))
        found = await authenticate(token) if token else None
        if found is None:
            raise ConnectionRejectionError(
                {
                    "message": "Sign in: send a valid session token "
                    "as authorization in connection_init."
                }
            )
        context.session, context.user = found
        return None

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page(request)


class OperatorGraphQL(GraphQL[Context, None]):
    """Operator API: only with `Authorization: Bearer <PORTAL_OPERATOR_TOKEN>`."""

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        context = Context(request=request, response=response, operator=True)
        tag_response(context)
        return context

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not operator_allowed(Request(scope)):
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


def operator_allowed(request: Request) -> bool:
    settings = getattr(request.app.state, "settings", None) if "app" in request.scope else None
    expected = (settings or get_settings()).operator_token
    given = bearer(request.headers.get("authorization"))
    if expected is None or given is None:
        return False
    return hmac.compare_digest(given.encode(), expected.get_secret_value().encode())


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    checks = {"database": await _database_ready(), "broadcast": await request.app.state.hub.ping()}
    status = 200 if all(checks.values()) else 503
    return JSONResponse(
        {"status": "ready" if status == 200 else "unavailable", **checks}, status_code=status
    )


async def _database_ready() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    await apply_migrations(settings.database_url)
    async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
        await load_secret_key()
        if settings.demo:
            from portal.demo import seed_demo

            await seed_demo()
        hub = app.state.hub = Hub(settings.broadcast_url)
        await hub.start()
        live.attach(hub)
        stop = asyncio.Event()
        relay = asyncio.create_task(live.Relay(hub).run_forever(stop), name="live-relay")
        worker = (
            asyncio.create_task(worker_for(settings).run_forever(stop))
            if settings.run_worker
            else None
        )
        try:
            yield
        finally:
            stop.set()
            await relay
            if worker is not None:
                await worker
            live.attach(None)
            await hub.stop()


def routes(settings: Settings) -> list[BaseRoute]:
    ide: Literal["graphiql"] | None = "graphiql" if settings.graphiql else None
    allowed = settings.cors_origin_list
    customer = PortalGraphQL(
        schema,
        graphql_ide=ide,
        allowed_origins=allowed,
        keep_alive=True,
        max_subscriptions_per_connection=10,
    )
    operator = OperatorGraphQL(operator_schema, graphql_ide=None, allow_queries_via_get=False)
    return [
        Route("/graphql", customer, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", customer),
        Route("/operator/graphql", operator, methods=["POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *extra_routes(settings),
        *web_routes(settings),
    ]


def extra_routes(settings: Settings) -> list[BaseRoute]:
    """Routes other domains add (invoice PDFs, GitLab OAuth)."""
    return [*gitlab_routes(), *document_routes()]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    middleware = [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
        )
    ]
    app = Starlette(routes=routes(settings), middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    return app


app = create_app()

if __name__ == "__main__":
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    current = get_settings()
    uvicorn.run(app, host=current.host, port=current.port)

"""The ASGI application: `uvicorn server:app`, or `python server.py`.

The composition root: it builds the process's services at start-up and lists every route.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Route, WebSocketRoute

from core.db import open_database
from core.logs import banner, log_config
from core.logs import configure as configure_logging
from core.memory import tune_for_serving
from core.settings import Settings, get_settings
from notifications import live
from notifications.broadcast import Hub
from notifications.worker import worker_for
from resolvers.payments import reconcile
from resolvers.services import Services
from routes.access import AccessLog
from routes.caller import trusted_proxies
from routes.documents import document_routes
from routes.gitlab import gitlab_routes
from routes.graphql import OperatorGraphQL, customer_graphql
from routes.health import health_routes
from routes.limits import BodyLimit
from routes.metrics import metrics_routes
from routes.middleware import OneConnection, RequestId
from routes.problems import http_exception
from routes.web import web_routes
from schema import operator_schema, schema

log = logging.getLogger("portal")


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    services: Services = app.state.services
    async with open_database(settings):
        if settings.demo:
            from resolvers.demo import seed_demo

            await seed_demo(services.gateway, services.live, services.clock)
        hub = Hub(settings.broadcast_url)
        await hub.start()
        services.live.hub = hub  # announcements and streams use it from now on
        stop = asyncio.Event()
        relay = asyncio.create_task(
            services.live.run_relay(live.Relay(hub, services.clock), stop), name="live-relay"
        )
        worker = (
            asyncio.create_task(worker_for(settings, services.clock).run_forever(stop))
            if settings.run_worker
            else None
        )
        interval = settings.payment_reconcile_interval_seconds
        reconciler = (  # every instance may settle: outcomes are recorded once (R-ERR-6)
            asyncio.create_task(
                reconcile.run_forever(
                    stop, interval, services.gateway, services.live, services.clock
                ),
                name="payments",
            )
            if interval > 0
            else None
        )
        tune_for_serving()
        log.info("%s", banner(settings))  # last: uvicorn listens right after start-up
        try:
            yield
        finally:
            stop.set()
            await relay
            for task in (worker, reconciler):
                if task is not None:
                    await task
            services.live.hub = None
            await hub.stop()


def routes(settings: Settings) -> list[BaseRoute]:
    """Every route of the service, in one list."""
    customer = customer_graphql(schema, settings)
    return [
        Route("/graphql", customer, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", customer),
        Route("/operator/graphql", OperatorGraphQL(operator_schema, settings), methods=["POST"]),
        *health_routes(),
        *document_routes(),
        *gitlab_routes(),
        *web_routes(settings),
        *metrics_routes(settings),
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    middleware = [
        Middleware(RequestId),
        Middleware(AccessLog),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "x-request-id"],
            expose_headers=["x-request-id"],
        ),
        Middleware(trusted_proxies, settings=settings),
        Middleware(BodyLimit),
        Middleware(OneConnection),
    ]
    app = Starlette(
        routes=routes(settings),
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_exception},
    )
    app.state.settings = settings
    app.state.services = Services.from_settings(settings)
    return app


app = create_app()

if __name__ == "__main__":
    import uvicorn

    current = get_settings()
    configure_logging(current)
    uvicorn.run(
        app,
        host=current.host,
        port=current.port,
        ws_max_size=current.max_ws_message_bytes,
        log_config=log_config(current),
        access_log=False,  # routes.access writes one line per request, with its request id
    )

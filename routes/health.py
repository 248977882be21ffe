"""Liveness and readiness, for load balancers and orchestrators (not ready: a 503 problem)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.connection import connections

from resolvers.services import Services
from routes.problems import problem


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database answers and the broadcast hub is connected."""
    database, broadcast = await _database_ready(), await _broadcast_ready(request)
    if database and broadcast:
        return JSONResponse({"status": "ready", "database": database, "broadcast": broadcast})
    down = ", ".join(
        name for name, ok in (("database", database), ("broadcast", broadcast)) if not ok
    )
    return problem(
        503,
        f"Not ready: {down} unreachable.",
        readiness="unavailable",
        database=database,
        broadcast=broadcast,
    )


async def _database_ready() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


async def _broadcast_ready(request: Request) -> bool:
    services: Services = request.app.state.services
    hub = services.live.hub
    return hub is not None and await hub.ping()


def health_routes() -> list[BaseRoute]:
    return [Route("/healthz", healthz), Route("/readyz", readyz)]

"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.connection import connections


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database answers and the broadcast hub is connected."""
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


def health_routes() -> list[BaseRoute]:
    return [Route("/healthz", healthz), Route("/readyz", readyz)]

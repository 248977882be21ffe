"""Liveness and readiness, for load balancers and orchestrators (not ready: a 503 problem)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.connection import connections

from routes.problems import problem


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database answers and the broadcast hub is connected."""
    checks = {"database": await _database_ready(), "broadcast": await request.app.state.hub.ping()}
    if all(checks.values()):
        return JSONResponse({"status": "ready", **checks})
    down = ", ".join(name for name, ok in checks.items() if not ok)
    return problem(503, f"Not ready: {down} unreachable.", readiness="unavailable", **checks)


async def _database_ready() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


def health_routes() -> list[BaseRoute]:
    return [Route("/healthz", healthz), Route("/readyz", readyz)]

"""`GET /metrics`: Prometheus' text format (the metrics are listed in `core.metrics`).

`PORTAL_METRICS` decides who may read it:
- `operator` (default): `Authorization: Bearer <PORTAL_OPERATOR_TOKEN>`; without an operator
  token set, metrics are off (404).
- `open`: anyone who reaches the port (scraping on a private network).
- `off`: 404.

The outbox gauges are read from the database at scrape time, so they are right whichever
process (API or separate worker) delivers. With `PROMETHEUS_MULTIPROC_DIR` set, the
counters of every process sharing that directory are added up.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core import metrics
from core.clock import Clock
from core.settings import Settings
from resolvers.monitoring import outbox_backlog
from routes.caller import bearer, is_operator, services_of
from routes.problems import problem


async def refresh_outbox_gauges(clock: Clock) -> None:
    count, oldest_age = await outbox_backlog(clock)
    metrics.OUTBOX_PENDING.set(count)
    metrics.OUTBOX_OLDEST_AGE.set(oldest_age)


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def metrics_routes(settings: Settings) -> list[BaseRoute]:
    async def scrape(request: Request) -> Response:
        if settings.metrics == "off" or (
            settings.metrics == "operator" and settings.operator_token is None
        ):
            return problem(404, "Metrics are off: set PORTAL_METRICS.", instance="/metrics")
        if settings.metrics == "operator" and not is_operator(request, settings):
            wrong = bearer(request.headers.get("authorization")) is not None
            return problem(
                401,
                "Wrong operator token."
                if wrong
                else "Send Authorization: Bearer <PORTAL_OPERATOR_TOKEN>.",
                instance="/metrics",
                headers={"WWW-Authenticate": "Bearer"},
            )
        await refresh_outbox_gauges(services_of(request).clock)
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)

    return [Route("/metrics", scrape, methods=["GET"])]

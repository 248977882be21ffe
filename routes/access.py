"""One access line per request (and per websocket), its metrics, and the last-resort 500.

    portal.access INFO  POST /graphql 200 12.3ms op=SignIn

The line carries `method`, `path`, `operation` (the GraphQL operation names, set by
`schema.observability`), `status`, `duration_ms` and the request id (from `RequestId`,
which runs outside this middleware). Successful health probes are logged at DEBUG only.

An exception nothing below handled is logged here, once, at ERROR with its traceback, and
answered as a 500 problem (GraphQL's shape on a GraphQL path) naming the request id.
"""

from __future__ import annotations

import logging
import time

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import metrics
from core.request_context import current_request_id
from routes.problems import problem
from schema.observability import OPERATION_KEY

log = logging.getLogger("portal.access")
errors = logging.getLogger("portal.errors")

_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = {"status": 0, "responded": False}

        async def watched(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                state["status"], state["responded"] = message["status"], True
            elif kind == "websocket.accept":
                state["status"] = 101
            elif kind == "websocket.close" and not state["status"]:
                state["status"] = 403  # closed before the handshake completed
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            errors.error(
                "Unexpected error in %s %s", _method(scope), scope.get("path"), exc_info=True
            )
            if scope["type"] == "http" and not state["responded"]:
                await _server_error(scope)(scope, receive, send)
            state["status"] = 500
        finally:
            _record(scope, int(state["status"]), time.perf_counter() - started)


def _method(scope: Scope) -> str:
    return "WS" if scope["type"] == "websocket" else str(scope.get("method", "-"))


def route_of(scope: Scope) -> str:
    """The route template that served `scope` ("/invoices/{invoice_id}.pdf"), for labels."""
    if "endpoint" not in scope:
        return "unmatched"
    path = str(scope.get("path", ""))
    for name, value in (scope.get("path_params") or {}).items():
        path = path.replace(str(value), "{" + name + "}", 1)
    return path


def _record(scope: Scope, status: int, seconds: float) -> None:
    method, path, route = _method(scope), str(scope.get("path", "")), route_of(scope)
    metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
    metrics.HTTP_DURATION.labels(method, route).observe(seconds)
    operations = ",".join(scope.get(OPERATION_KEY) or []) or "-"
    duration_ms = round(seconds * 1000, 1)
    level = logging.INFO
    if path in _PROBES and status < 400:
        level = logging.DEBUG
    elif status >= 500:
        level = logging.WARNING
    log.log(
        level,
        "%s %s %s %.1fms op=%s",
        method,
        path,
        status,
        duration_ms,
        operations,
        extra={
            "method": method,
            "path": path,
            "operation": operations,
            "status": status,
            "duration_ms": duration_ms,
        },
    )


def _server_error(scope: Scope) -> Response:
    request_id = current_request_id.get()
    message = f"Unexpected error. Quote request id {request_id} when you report it."
    if str(scope.get("path", "")).endswith("/graphql"):
        return JSONResponse(
            {
                "errors": [
                    {
                        "message": message,
                        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                    }
                ]
            },
            status_code=500,
        )
    return problem(500, message, instance=str(scope.get("path", "")))

"""Errors of the non-GraphQL routes as RFC 9457 problem details (`application/problem+json`).

    {"type": "about:blank", "title": "Not Found", "status": 404,
     "detail": "No invoice with this id for your account.", "instance": "/invoices/x.pdf",
     "request_id": "3f2a…"}

GraphQL endpoints answer in GraphQL's own shape (`{"errors": [...]}`) instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.request_context import current_request_id

MEDIA_TYPE = "application/problem+json"


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def problem(
    status_code: int,
    detail: str,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **members: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body["request_id"] = current_request_id.get()
    body.update(members)
    return ProblemResponse(
        body, status_code=status_code, headers=dict(headers) if headers else None
    )


def unauthenticated(bad_token: bool) -> Response:
    """401 for a route behind a session token: none sent, or one that names no live session."""
    if bad_token:
        return problem(
            401,
            "The session token is invalid or has expired: sign in again for a new one.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return problem(
        401,
        "Sign in: send Authorization: Bearer <session token>.",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown route, wrong method) as problems."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    detail = exc.detail if exc.detail != HTTPStatus(exc.status_code).phrase else None
    return problem(
        exc.status_code,
        detail or _DETAILS.get(exc.status_code, HTTPStatus(exc.status_code).description),
        instance=request.url.path,
        headers=exc.headers,
    )


_DETAILS = {
    404: "Nothing is served at this address.",
    405: "This address does not answer this method.",
}

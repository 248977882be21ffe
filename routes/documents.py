"""Downloads behind a session token: invoice PDFs (R-BILL-2) and Self-Managed licenses (R-SUB-2).

    GET /invoices/{id}.pdf              Authorization: Bearer <session token>
    GET /subscriptions/{id}/license     Authorization: Bearer <session token>

Only managers of the owning account get the document; anyone else gets 404, the same as for
an id that does not exist (R-ERR-2). No session, or a dead one, is 401. Errors are RFC 9457
problems (`routes.problems`).
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core import ids
from core.clock import Clock
from models.users import User
from resolvers.access import confirmation_deadline_passed
from resolvers.errors import DomainError
from resolvers.invoices import invoice_for_viewer, invoice_pdf
from resolvers.subscriptions import license_for_viewer
from routes.caller import identify, services_of
from routes.problems import problem, unauthenticated


async def _viewer(request: Request, clock: Clock) -> User | Response:
    caller = await identify(request)
    if caller.user is None:
        return unauthenticated(caller.bad_token)
    if confirmation_deadline_passed(caller.user, clock.now()):
        return problem(
            403,
            "Confirm your email address to continue: use the link we sent you, "
            "or ask for a new one.",
            code="EMAIL_UNCONFIRMED",
        )
    return caller.user


def _not_found(what: str, request: Request) -> Response:
    return problem(
        404,
        f"No {what} with this id among the billing accounts you manage.",
        instance=request.url.path,
    )


def _pk(value: str, type_name: str) -> int | None:
    try:
        return ids.decode_as(value, type_name)
    except ids.InvalidId:
        return None


async def invoice_pdf_route(request: Request) -> Response:
    user = await _viewer(request, services_of(request).clock)
    if isinstance(user, Response):
        return user
    pk = _pk(request.path_params["invoice_id"], "Invoice")
    if pk is None:
        return _not_found("invoice", request)
    try:
        invoice = await invoice_for_viewer(user, pk)
    except DomainError:
        return _not_found("invoice", request)
    return Response(
        await invoice_pdf(invoice),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="invoice-{invoice.number}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


async def license_route(request: Request) -> Response:
    clock = services_of(request).clock
    user = await _viewer(request, clock)
    if isinstance(user, Response):
        return user
    pk = _pk(request.path_params["subscription_id"], "ProductSubscription")
    if pk is None:
        return _not_found("subscription", request)
    try:
        document = await license_for_viewer(clock, user, pk)
    except DomainError:
        return _not_found("subscription", request)
    name = document["license"]["subscription"]
    return Response(
        json.dumps(document, indent=2, sort_keys=True),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.license.json"',
            "Cache-Control": "private, no-store",
        },
    )


def document_routes() -> list[BaseRoute]:
    return [
        Route("/invoices/{invoice_id}.pdf", invoice_pdf_route, methods=["GET"]),
        Route("/subscriptions/{subscription_id}/license", license_route, methods=["GET"]),
    ]

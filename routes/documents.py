"""Downloads behind a session token: invoice PDFs (R-BILL-2) and Self-Managed licenses (R-SUB-2).

    GET /invoices/{id}.pdf              Authorization: Bearer <session token>
    GET /subscriptions/{id}/license     Authorization: Bearer <session token>

Only managers of the owning account get the document; anyone else gets 404, the same as for
an id that does not exist (R-ERR-2). No session at all is 401.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core import ids
from models.users import User
from resolvers.access import confirmation_deadline_passed
from resolvers.errors import DomainError
from resolvers.invoices import invoice_for_viewer, invoice_pdf
from resolvers.subscriptions import license_for_viewer
from routes.caller import identify


async def _viewer(request: Request) -> User | None:
    user = (await identify(request)).user
    if user is None or confirmation_deadline_passed(user):
        return None
    return user


def _not_found() -> Response:
    return JSONResponse({"error": "Not found."}, status_code=404)


def _unauthenticated() -> Response:
    return JSONResponse(
        {"error": "Sign in: send Authorization: Bearer <session token>."},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


def _pk(value: str, type_name: str) -> int | None:
    try:
        return ids.decode_as(value, type_name)
    except ids.InvalidId:
        return None


async def invoice_pdf_route(request: Request) -> Response:
    user = await _viewer(request)
    if user is None:
        return _unauthenticated()
    pk = _pk(request.path_params["invoice_id"], "Invoice")
    if pk is None:
        return _not_found()
    try:
        invoice = await invoice_for_viewer(user, pk)
    except DomainError:
        return _not_found()
    return Response(
        await invoice_pdf(invoice),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="invoice-{invoice.number}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


async def license_route(request: Request) -> Response:
    user = await _viewer(request)
    if user is None:
        return _unauthenticated()
    pk = _pk(request.path_params["subscription_id"], "ProductSubscription")
    if pk is None:
        return _not_found()
    try:
        document = await license_for_viewer(user, pk)
    except DomainError:
        return _not_found()
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

"""Who is calling: decided once per request, by one function every entry point uses.

GraphQL over HTTP and websockets, the operator API, every route, rate limits and logs read
the same `Caller`:

- `client`: the peer's address. `X-Forwarded-For` counts only when the peer is a proxy named
  in `PORTAL_TRUSTED_PROXIES` (see `trusted_proxies`), or one uvicorn itself trusts
  (`FORWARDED_ALLOW_IPS`, loopback by default), so nobody can pick their own rate-limit bucket.
- `session` / `user`: the live session behind `Authorization: Bearer <session token>` (or the
  `authorization` entry of a websocket's `connection_init`).
- `operator`: the bearer is `PORTAL_OPERATOR_TOKEN`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, cast

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from core.request_context import current_request_id
from core.settings import Settings
from models.auth import Session
from models.users import User
from resolvers.auth import authenticate
from resolvers.services import Services

_CACHE_KEY = "portal.caller"


@dataclass(frozen=True)
class Caller:
    client: str
    request_id: str
    token: str | None = None
    session: Session | None = None
    user: User | None = None

    @property
    def signed_in(self) -> bool:
        return self.user is not None

    @property
    def bad_token(self) -> bool:
        """A bearer token was sent but names no live session (expired, revoked, unknown)."""
        return self.token is not None and self.session is None


def bearer(value: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value."""
    if value and value[:7].lower() == "bearer ":
        return value[7:].strip() or None
    return None


def client_address(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else "unknown"


async def identify(conn: HTTPConnection, authorization: str | None = None) -> Caller:
    """The caller of this request; `authorization` overrides the header (websocket init)."""
    cached = conn.scope.get(_CACHE_KEY)
    if isinstance(cached, Caller) and authorization is None:
        return cached
    token = bearer(
        authorization if authorization is not None else conn.headers.get("authorization")
    )
    found = await authenticate(services_of(conn).clock, token) if token else None
    caller = Caller(
        client=client_address(conn),
        request_id=current_request_id.get(),
        token=token,
        session=found[0] if found else None,
        user=found[1] if found else None,
    )
    if authorization is None:
        conn.scope[_CACHE_KEY] = caller
    return caller


def services_of(conn: HTTPConnection) -> Services:
    """The process's services, built once at start-up (`server.create_app`)."""
    services: Services = conn.app.state.services
    return services


def is_operator(conn: HTTPConnection, settings: Settings) -> bool:
    """The request carries the operator token (and the operator API is switched on)."""
    expected = settings.operator_token
    given = bearer(conn.headers.get("authorization"))
    if expected is None or given is None:
        return False
    return hmac.compare_digest(given.encode(), expected.get_secret_value().encode())


def trusted_proxies(app: ASGIApp, settings: Settings) -> ASGIApp:
    """Believe `X-Forwarded-For` from the proxies `PORTAL_TRUSTED_PROXIES` names, only."""
    proxies = settings.trusted_proxy_list
    if not proxies:
        return app
    return cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, app), trusted_hosts=proxies))

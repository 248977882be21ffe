"""The reference web front end and GraphiQL, served from the committed build in `web/dist`.

    GET /assets/…                scripts and styles (content-hashed names, cached for a year)
    GET /, /sign-in, /confirm-email, /invitations/accept, /profile, /notifications,
        /accounts/…              the portal's page; the app routes on the client
    GET /graphql (a browser)     GraphiQL: `server.py`'s customer view answers with
                                 `graphiql_page` when PORTAL_GRAPHIQL is on

Only the paths above are the app's: the API's own routes (/graphql, /operator/graphql,
/invoices/…, /subscriptions/…/license, /auth/gitlab/…, /healthz, /readyz) are never shadowed.
The pages carry a Content-Security-Policy that allows this origin only, so nothing they do
reaches another site.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from core.settings import Settings

DIST = Path(__file__).resolve().parent.parent / "web" / "dist"

# Client-side routes of the SPA (web/src/App.tsx); email links land on the first three.
CLIENT_PATHS = (
    "/",
    "/sign-in",
    "/confirm-email",
    "/invitations/accept",
    "/profile",
    "/notifications",
    "/accounts/{rest:path}",
)

GITLAB_SIGN_IN = "/auth/gitlab/sign-in"
_GITLAB_META = '<meta name="portal-gitlab-sign-in" content="" />'


class Assets(StaticFiles):
    """Built files never change under a name (the name holds their hash)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


@functools.lru_cache(maxsize=4)
def _built(name: str) -> str | None:
    path = DIST / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _content_security_policy(request: Request) -> str:
    host = request.url.netloc
    return "; ".join(
        [
            "default-src 'self'",
            f"connect-src 'self' ws://{host} wss://{host}",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "style-src 'self' 'unsafe-inline'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def _page(request: Request, body: str | None) -> Response:
    if body is None:
        return PlainTextResponse(
            "The web app is not built: run `npm ci && npm run build` in web/.", status_code=503
        )
    return HTMLResponse(
        body,
        headers={
            "Cache-Control": "no-cache",
            "Content-Security-Policy": _content_security_policy(request),
            "Referrer-Policy": "no-referrer",  # the page's URL may hold a one-time token
            "X-Content-Type-Options": "nosniff",
        },
    )


def gitlab_configured(settings: Settings) -> bool:
    return bool(settings.gitlab_client_id) and settings.gitlab_client_secret is not None


def portal_page(settings: Settings) -> Any:
    """The SPA's index.html, told whether GitLab sign-in is offered."""

    async def endpoint(request: Request) -> Response:
        body = _built("index.html")
        if body is not None and gitlab_configured(settings):
            meta = f'<meta name="portal-gitlab-sign-in" content="{html.escape(GITLAB_SIGN_IN)}" />'
            body = body.replace(_GITLAB_META, meta)
        return _page(request, body)

    return endpoint


def graphiql_page(request: Request) -> Response:
    """GraphiQL, built from the `graphiql` package with the app: no CDN."""
    return _page(request, _built("graphiql.html"))


def web_routes(settings: Settings) -> list[BaseRoute]:
    page = portal_page(settings)
    return [
        Mount("/assets", app=Assets(directory=DIST / "assets", check_dir=False), name="assets"),
        *(Route(path, page, methods=["GET"]) for path in CLIENT_PATHS),
    ]

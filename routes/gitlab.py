"""The browser side of GitLab.com sign-in (R-AUTH-6/7): what `schema/` is for GraphQL.

GET /auth/gitlab/sign-in   → 302 to the provider's consent page
GET /auth/gitlab/callback  → 302 to the front end (PORTAL_APP_URL):
    sign-in: /sign-in?token=<5-minute one-time code for signInWithLink>
    link:    /profile?gitlab=linked
    failure: /sign-in?error=<CODE>&message=…  (link: /profile?gitlab_error=<CODE>&message=…)
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.settings import get_settings
from models.auth import OAuthPurpose
from resolvers import gitlab
from resolvers.errors import DomainError
from resolvers.services import CALLBACK_PATH, Services
from routes.caller import client_address


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def to_app(path: str, **params: str) -> RedirectResponse:
    url = get_settings().app_base_url + path + (f"?{urlencode(params)}" if params else "")
    return RedirectResponse(url, status_code=302, headers=NO_STORE)


def failed(purpose: OAuthPurpose, error: DomainError) -> RedirectResponse:
    code = str(error.reason) if isinstance(error, gitlab.GitlabFailure) else str(error.code)
    if purpose is OAuthPurpose.LINK:
        return to_app("/profile", gitlab_error=code, message=error.message)
    return to_app("/sign-in", error=code, message=error.message)


async def sign_in(request: Request) -> Response:
    found = services(request)
    try:
        url = await gitlab.begin_sign_in(found.clock, found.gitlab, client_address(request))
    except DomainError as error:
        return failed(OAuthPurpose.SIGN_IN, error)
    return RedirectResponse(url, status_code=302, headers=NO_STORE)


async def callback(request: Request) -> Response:
    params = request.query_params
    purpose = OAuthPurpose.SIGN_IN
    found = services(request)
    try:
        attempt = await gitlab.consume_state(found.clock, params.get("state"))
        purpose = attempt.purpose
        done = await gitlab.complete(
            found.clock, attempt, found.gitlab, params.get("code"), params.get("error")
        )
    except DomainError as error:
        return failed(purpose, error)
    if done.sign_in_code is None:
        return to_app("/profile", gitlab="linked")
    return to_app("/sign-in", token=done.sign_in_code)


def gitlab_routes() -> list[BaseRoute]:
    return [
        Route("/auth/gitlab/sign-in", sign_in, methods=["GET"]),
        Route(CALLBACK_PATH, callback, methods=["GET"]),
    ]

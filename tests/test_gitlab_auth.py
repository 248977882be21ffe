"""Sign in with GitLab.com, link it, change the linked account: R-AUTH-6, R-AUTH-7, R-CONF-1.

The whole flow runs over real HTTP: a small OAuth 2 / OpenID provider that behaves like GitLab
(`/oauth/authorize`, `/oauth/token` checking the client secret and the PKCE S256 verifier,
`/oauth/userinfo`, `/api/v4/user`) and the portal itself are both served by uvicorn on loopback,
and the test plays the browser with httpx, following redirects by hand. The portal runs on the
`db` fixture's database (its lifespan, which applies migrations, is off).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from adapters.gitlab import GitLabIdentity, GitLabOAuth, GrantRejected, ProviderUnavailable
from core.settings import Settings, get_settings
from models.auth import OAuthPurpose, OAuthState, OneTimeToken
from models.users import User
from resolvers import gitlab
from resolvers.auth import start_session
from resolvers.errors import DomainError, ErrorCode
from resolvers.services import Services
from server import create_app
from tests.conftest import emails_to, gql, make_user, sign_in, use_services

APP_URL = "http://app.test"
CLIENT_ID = "portal-app-id"
CLIENT_SECRET = "portal-app-secret"

SIGN_IN = """
mutation($token: String!) {
  signInWithLink(token: $token) {
    session { token }
    user { email firstName lastName emailConfirmed gitlabAccount { username } }
    userErrors { code message }
  }
}"""
ME = "query { me { email gitlabAccount { username linkedAt } } }"
LINK = "mutation { linkGitlabAccount { authorizationUrl userErrors { code message } } }"
UNLINK = """
mutation { unlinkGitlabAccount { user { gitlabAccount { username } } userErrors { code } } }
"""

ADA = {
    "sub": "4242",
    "nickname": "ada",
    "preferred_username": "ada",
    "name": "Ada King Lovelace",
    "email": "ada@example.com",
    "email_verified": True,
}
GRACE = {
    "sub": "5151",
    "nickname": "grace",
    "preferred_username": "grace",
    "name": "Grace Hopper",
    "email": "grace@example.com",
    "email_verified": True,
}


# --- a GitLab-like OAuth provider -------------------------------------------------------------


def s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


@dataclass
class FakeGitLab:
    """Auto-consents (or denies), and checks what GitLab checks at its token endpoint."""

    account: dict[str, Any] = field(default_factory=lambda: dict(ADA))
    deny: bool = False
    expire_codes: bool = False
    token_status: int | None = None  # e.g. 503: the provider is down
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorize_params: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/oauth/authorize", self.authorize),
                Route("/oauth/token", self.token, methods=["POST"]),
                Route("/oauth/userinfo", self.userinfo),
                Route("/api/v4/user", self.api_user),
            ]
        )

    async def authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.authorize_params.append(params)
        assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
        back = params["redirect_uri"]
        if self.deny:
            query = {
                "error": "access_denied",
                "error_description": "denied",
                "state": params["state"],
            }
            return RedirectResponse(f"{back}?{urlencode(query)}", status_code=302)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "challenge": params.get("code_challenge"),
            "method": params.get("code_challenge_method"),
            "redirect_uri": back,
            "account": dict(self.account),
        }
        query = {"code": code, "state": params["state"]}
        return RedirectResponse(f"{back}?{urlencode(query)}", status_code=302)

    async def token(self, request: Request) -> Response:
        if self.token_status is not None:
            return Response(
                "<html>502 Whoops, GitLab is taking too much time</html>", self.token_status
            )
        form = await request.form()
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(str(form.get("code")), None)
        if (
            grant is None
            or self.expire_codes
            or form.get("grant_type") != "authorization_code"
            or form.get("redirect_uri") != grant["redirect_uri"]
            or grant["method"] != "S256"
            or s256(str(form.get("code_verifier"))) != grant["challenge"]
        ):
            return JSONResponse(
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization "
                    "grant is invalid, expired, revoked, or was issued to another client.",
                },
                status_code=400,
            )
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant["account"]
        return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": 7200})

    def _account(self, request: Request) -> dict[str, Any] | None:
        header = request.headers.get("authorization", "")
        return self.tokens.get(header.removeprefix("Bearer "))

    async def userinfo(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse(account)

    async def api_user(self, request: Request) -> Response:
        account = self._account(request)
        if account is None:
            return JSONResponse({"message": "401 Unauthorized"}, status_code=401)
        return JSONResponse(
            {
                "id": int(account["sub"]),
                "username": account["nickname"],
                "name": account["name"],
                "email": account["email"],
                "state": "active",
            }
        )


# --- serving on loopback ----------------------------------------------------------------------


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@asynccontextmanager
async def serving(app: Any, sock: socket.socket) -> AsyncIterator[str]:
    config = uvicorn.Config(app, lifespan="off", log_level="warning", ws="none", http="h11")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        assert not task.done(), task.exception()
        await asyncio.sleep(0.01)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass
class Portal:
    url: str
    provider: FakeGitLab
    http: httpx.AsyncClient
    services: Services  # the portal's, which `gql` and the factories use too: one clock

    async def graphql(
        self, query: str, token: str | None = None, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        body = {"query": query, "variables": variables or {}}
        response = await self.http.post(f"{self.url}/graphql", json=body, headers=headers)
        body = response.json()
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]

    async def consent(self, authorization_url: str) -> str:
        """The browser at the provider: returns the callback URL it is sent back to."""
        response = await self.http.get(authorization_url)
        assert response.status_code == 302, response.text
        return response.headers["location"]

    async def start_sign_in(self) -> str:
        response = await self.http.get(f"{self.url}/auth/gitlab/sign-in")
        assert response.status_code == 302, response.text
        return await self.consent(response.headers["location"])

    async def callback(self, callback_url: str) -> tuple[str, dict[str, str]]:
        """The browser back at the portal: where the portal sends it in the front end."""
        response = await self.http.get(callback_url)
        assert response.status_code == 302, response.text
        assert response.headers["cache-control"] == "no-store"
        location = urlsplit(response.headers["location"])
        query = {k: v[0] for k, v in parse_qs(location.query).items()}
        return f"{location.scheme}://{location.netloc}{location.path}", query

    async def sign_in_with_gitlab(self) -> tuple[str, dict[str, str]]:
        return await self.callback(await self.start_sign_in())

    async def link(self, session_token: str) -> tuple[str, dict[str, str]]:
        payload = (await self.graphql(LINK, session_token))["linkGitlabAccount"]
        assert payload["userErrors"] == []
        return await self.callback(await self.consent(payload["authorizationUrl"]))


@pytest_asyncio.fixture
async def portal(db: None, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Portal]:
    provider = FakeGitLab()
    portal_sock = bound_socket()
    async with serving(provider.app(), bound_socket()) as gitlab_url:
        monkeypatch.setenv("PORTAL_GITLAB_URL", gitlab_url)
        monkeypatch.setenv("PORTAL_GITLAB_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv("PORTAL_GITLAB_CLIENT_SECRET", CLIENT_SECRET)
        monkeypatch.setenv("PORTAL_PUBLIC_URL", url_of(portal_sock))
        monkeypatch.setenv("PORTAL_APP_URL", APP_URL)
        get_settings.cache_clear()
        app = create_app(Settings())
        use_services(app.state.services)
        async with (
            serving(app, portal_sock) as url,
            httpx.AsyncClient(follow_redirects=False, timeout=10) as http,
        ):
            yield Portal(url=url, provider=provider, http=http, services=app.state.services)


# --- R-AUTH-6: sign in with GitLab.com --------------------------------------------------------


async def test_r_auth_6_new_gitlab_account_registers_a_confirmed_profile(portal: Portal) -> None:
    """R-AUTH-6, R-CONF-1: given a GitLab account no profile knows, when its owner signs in with
    GitLab.com, then a confirmed profile is registered (no confirmation email), the browser gets
    a one-time code (never a session) and the code signs in through signInWithLink."""
    page, query = await portal.sign_in_with_gitlab()

    assert page == f"{APP_URL}/sign-in" and set(query) == {"token"}
    sent = portal.provider.authorize_params[0]
    assert sent["code_challenge_method"] == "S256" and "code_verifier" not in sent
    assert sent["redirect_uri"] == f"{portal.url}/auth/gitlab/callback"
    assert set(sent["scope"].split()) >= {"openid", "email"} and sent["state"]
    signed_in = (await portal.graphql(SIGN_IN, variables={"token": query["token"]}))[
        "signInWithLink"
    ]
    assert signed_in["userErrors"] == []
    assert signed_in["user"] == {
        "email": "ada@example.com",
        "firstName": "Ada King",
        "lastName": "Lovelace",
        "emailConfirmed": True,
        "gitlabAccount": {"username": "ada"},
    }
    assert await emails_to("ada@example.com") == []
    me = (await portal.graphql(ME, signed_in["session"]["token"]))["me"]
    assert me["gitlabAccount"]["username"] == "ada"


async def test_r_auth_7_profile_registered_through_gitlab_signs_in_through_it(
    portal: Portal,
) -> None:
    """R-AUTH-7: given a profile linked to a GitLab account (matched by its id, whatever the
    email), when that account signs in again, then the same profile signs in; no new profile."""
    user = await make_user("ada.work@example.com")
    user.gitlab_id, user.gitlab_username = "4242", "ada-old"
    user.gitlab_linked_at = portal.services.clock.now()
    await user.save()

    _page, query = await portal.sign_in_with_gitlab()

    result = await gql(SIGN_IN, {"token": query["token"]})
    assert result["signInWithLink"]["user"]["email"] == "ada.work@example.com"
    assert await User.all().count() == 1
    assert (await User.get(id=user.id)).gitlab_username == "ada"


async def test_r_auth_6_existing_email_profile_is_linked_only_when_email_is_verified(
    portal: Portal,
) -> None:
    """R-AUTH-6/7: given a profile created by email and a GitLab account with the same address,
    when GitLab says the address is not verified, then the profile is not taken over; when it
    says it is verified, then the profile is linked and signs in (no second profile)."""
    user = await make_user("ada@example.com", confirmed=False)
    portal.provider.account["email_verified"] = False

    page, query = await portal.sign_in_with_gitlab()

    assert (page, query["error"]) == (f"{APP_URL}/sign-in", "EMAIL_NOT_VERIFIED")
    assert (await User.get(id=user.id)).gitlab_id is None

    portal.provider.account["email_verified"] = True
    page, query = await portal.sign_in_with_gitlab()

    result = await gql(SIGN_IN, {"token": query["token"]})
    assert result["signInWithLink"]["user"]["email"] == "ada@example.com"
    linked = await User.get(id=user.id)
    assert (linked.gitlab_id, linked.email_confirmed_at is not None) == ("4242", True)
    assert await User.all().count() == 1


async def test_r_auth_6_email_profile_linked_to_another_gitlab_account_is_not_taken_over(
    portal: Portal,
) -> None:
    """R-AUTH-6: given a profile with Ada's email linked to another GitLab account, when Ada's
    GitLab account signs in, then ACCOUNT_ALREADY_LINKED and nothing changes."""
    user = await make_user("ada@example.com")
    user.gitlab_id, user.gitlab_username = "9999", "other"
    user.gitlab_linked_at = portal.services.clock.now()
    await user.save()

    _page, query = await portal.sign_in_with_gitlab()

    assert query["error"] == "ACCOUNT_ALREADY_LINKED" and query["message"]
    assert (await User.get(id=user.id)).gitlab_id == "9999"
    assert await OneTimeToken.all().count() == 0


async def test_r_auth_6_one_time_code_expires_after_five_minutes(portal: Portal) -> None:
    """R-AUTH-6: given the code handed to the front end, when it is used after 5 minutes, then
    TOKEN_EXPIRED and no session starts."""
    _page, query = await portal.sign_in_with_gitlab()
    portal.services.clock.advance(timedelta(minutes=5, seconds=1))

    result = await gql(SIGN_IN, {"token": query["token"]})

    assert result["signInWithLink"]["userErrors"][0]["code"] == "TOKEN_EXPIRED"
    assert result["signInWithLink"]["session"] is None


# --- R-AUTH-7: link and change the linked account ---------------------------------------------


async def test_r_auth_7_link_then_change_the_linked_account(portal: Portal) -> None:
    """R-AUTH-7: given a profile created by email and signed in, when it links a GitLab account
    and later links another one, then the profile shows each in turn."""
    user = await make_user("ada.lovelace@example.com")
    session = await start_session(portal.services.clock, user)

    page, query = await portal.link(session.token)

    assert (page, query) == (f"{APP_URL}/profile", {"gitlab": "linked"})
    me = (await portal.graphql(ME, session.token))["me"]
    assert me["gitlabAccount"]["username"] == "ada"
    first_linked_at = (await User.get(id=user.id)).gitlab_linked_at

    portal.provider.account = dict(GRACE)
    portal.services.clock.advance(timedelta(minutes=1))
    page, query = await portal.link(session.token)

    assert query == {"gitlab": "linked"}
    changed = await User.get(id=user.id)
    assert (changed.gitlab_id, changed.gitlab_username) == ("5151", "grace")
    assert changed.gitlab_linked_at is not None and changed.gitlab_linked_at > first_linked_at  # type: ignore[operator]
    assert changed.email == "ada.lovelace@example.com"


async def test_r_auth_7_account_linked_to_another_profile_is_refused(portal: Portal) -> None:
    """R-AUTH-7: given a GitLab account linked to Grace's profile, when Ada tries to link it,
    then ACCOUNT_ALREADY_LINKED and neither profile changes."""
    grace = await make_user("grace@example.com")
    grace.gitlab_id, grace.gitlab_username = "4242", "ada"
    grace.gitlab_linked_at = portal.services.clock.now()
    await grace.save()
    ada = await make_user("ada@example.com")
    session = await start_session(portal.services.clock, ada)

    page, query = await portal.link(session.token)

    assert (page, query["gitlab_error"]) == (f"{APP_URL}/profile", "ACCOUNT_ALREADY_LINKED")
    assert (await User.get(id=ada.id)).gitlab_id is None
    assert (await User.get(id=grace.id)).gitlab_id == "4242"


async def test_r_auth_7_link_needs_the_session_that_started_it(portal: Portal) -> None:
    """R-AUTH-7: given a link started by a session, when the session signs out before the
    callback, then nothing is linked (a link never completes from a bare URL)."""
    user = await make_user()
    session = await start_session(portal.services.clock, user)
    url = (await portal.graphql(LINK, session.token))["linkGitlabAccount"]["authorizationUrl"]
    callback_url = await portal.consent(url)
    await portal.graphql("mutation { signOut { userErrors { code } } }", session.token)

    _page, query = await portal.callback(callback_url)

    assert query["gitlab_error"] == "SESSION_ENDED"
    assert (await User.get(id=user.id)).gitlab_id is None


async def test_r_auth_7_link_needs_sign_in_and_a_configured_provider(db: None) -> None:
    """R-AUTH-7: signed out, linkGitlabAccount is UNAUTHENTICATED; with no OAuth application
    configured, PROVIDER_UNAVAILABLE; no attempt is stored either way."""
    assert (await gql(LINK))["linkGitlabAccount"]["userErrors"][0]["code"] == "UNAUTHENTICATED"
    viewer = await sign_in(await make_user())
    assert (await gql(LINK, as_=viewer))["linkGitlabAccount"]["userErrors"][0]["code"] == (
        "PROVIDER_UNAVAILABLE"  # no OAuth application configured
    )
    assert await OAuthState.all().count() == 0


async def test_r_auth_7_unlink(db: None, services: Services) -> None:
    """R-AUTH-7: unlinking forgets the GitLab account; unlinking twice is INVALID."""
    user = await make_user()
    user.gitlab_id, user.gitlab_username, user.gitlab_linked_at = "1", "ada", services.clock.now()
    await user.save()
    viewer = await sign_in(user)

    result = (await gql(UNLINK, as_=viewer))["unlinkGitlabAccount"]

    assert result == {"user": {"gitlabAccount": None}, "userErrors": []}
    again = (await gql(UNLINK, as_=viewer))["unlinkGitlabAccount"]
    assert again["userErrors"] == [{"code": "INVALID"}]


# --- failures: clear error, nothing changed ---------------------------------------------------


async def assert_nothing_changed() -> None:
    assert await User.all().count() == 0
    assert await OneTimeToken.all().count() == 0


async def test_r_auth_6_denied_consent(portal: Portal) -> None:
    """R-AUTH-6: when the user denies consent on GitLab, then ACCESS_DENIED with a message."""
    portal.provider.deny = True

    page, query = await portal.sign_in_with_gitlab()

    assert page == f"{APP_URL}/sign-in" and query["error"] == "ACCESS_DENIED"
    assert "did not allow" in query["message"]
    await assert_nothing_changed()


async def test_r_auth_6_forged_state(portal: Portal) -> None:
    """R-AUTH-6: a callback with a state the portal never issued is INVALID_STATE."""
    forged = f"{portal.url}/auth/gitlab/callback?state=forged&code=x"
    page, query = await portal.callback(forged)

    assert (page, query["error"]) == (f"{APP_URL}/sign-in", "INVALID_STATE")
    _page, query = await portal.callback(f"{portal.url}/auth/gitlab/callback?code=x")
    assert query["error"] == "INVALID_STATE"
    await assert_nothing_changed()


async def test_r_auth_6_reused_state(portal: Portal) -> None:
    """R-AUTH-6: a callback replayed after it signed someone in is STATE_USED, no new code."""
    callback_url = await portal.start_sign_in()
    await portal.callback(callback_url)

    _page, query = await portal.callback(callback_url)

    assert query["error"] == "STATE_USED"
    assert await OneTimeToken.all().count() == 1


async def test_r_auth_6_state_expires_after_ten_minutes(portal: Portal) -> None:
    """R-AUTH-6: a callback more than 10 minutes after the attempt started is STATE_EXPIRED."""
    callback_url = await portal.start_sign_in()
    portal.services.clock.advance(timedelta(minutes=10, seconds=1))

    _page, query = await portal.callback(callback_url)

    assert query["error"] == "STATE_EXPIRED"
    await assert_nothing_changed()


async def test_r_auth_6_expired_code(portal: Portal) -> None:
    """R-AUTH-6: when the provider's token endpoint answers invalid_grant, CODE_EXPIRED."""
    callback_url = await portal.start_sign_in()
    portal.provider.expire_codes = True

    _page, query = await portal.callback(callback_url)

    assert query["error"] == "CODE_EXPIRED"
    await assert_nothing_changed()


async def test_r_auth_6_provider_down(portal: Portal) -> None:
    """R-AUTH-6: when the provider answers 5xx, PROVIDER_UNAVAILABLE; the state is spent."""
    callback_url = await portal.start_sign_in()
    portal.provider.token_status = 502

    _page, query = await portal.callback(callback_url)

    assert query["error"] == "PROVIDER_UNAVAILABLE" and query["message"]
    await assert_nothing_changed()
    assert await OAuthState.filter(used_at__isnull=False).count() == 1


async def test_r_auth_6_no_verified_email(portal: Portal) -> None:
    """R-AUTH-6, R-CONF-1: a new GitLab account without a verified email registers nothing."""
    portal.provider.account["email_verified"] = False

    page, query = await portal.sign_in_with_gitlab()
    assert (page, query["error"]) == (f"{APP_URL}/sign-in", "EMAIL_NOT_VERIFIED")
    await assert_nothing_changed()

    portal.provider.account.pop("email")
    portal.provider.account["email_verified"] = True
    _page, query = await portal.sign_in_with_gitlab()
    assert query["error"] == "EMAIL_NOT_VERIFIED"
    await assert_nothing_changed()


async def test_r_auth_6_not_configured(db: None, services: Services) -> None:
    """R-AUTH-6: with no OAuth application configured, sign-in answers NOT_CONFIGURED."""
    with pytest.raises(DomainError) as raised:
        await gitlab.begin_sign_in(services.clock, None, "203.0.113.7")
    assert raised.value.code is ErrorCode.PROVIDER_UNAVAILABLE


# --- the adapter and the rules without HTTP ---------------------------------------------------


async def test_r_auth_6_adapter_connection_refused_is_provider_unavailable() -> None:
    """R-AUTH-6: a GitLab that refuses connections is ProviderUnavailable, not a crash."""
    sock = bound_socket()  # bound, never listening: connections are refused
    client = GitLabOAuth(url_of(sock), CLIENT_ID, CLIENT_SECRET, "http://portal.test/cb")
    try:
        with pytest.raises(ProviderUnavailable):
            await client.exchange_code("code", "v" * 43)
        with pytest.raises(ProviderUnavailable):
            await client.fetch_identity("token")
    finally:
        sock.close()


async def test_r_auth_6_adapter_invalid_grant_and_self_managed_base_url() -> None:
    """R-AUTH-6: the base URL is configurable (self-managed GitLab under a path prefix works);
    invalid_grant is GrantRejected."""
    provider = FakeGitLab()
    outer = Starlette(routes=[])
    outer.mount("/gitlab", provider.app())
    async with serving(outer, bound_socket()) as url:
        client = GitLabOAuth(f"{url}/gitlab/", CLIENT_ID, CLIENT_SECRET, "http://portal.test/cb")
        authorize = client.authorization_url("state-1", "v" * 43)
        assert authorize.startswith(f"{url}/gitlab/oauth/authorize?")
        async with httpx.AsyncClient() as http:
            back = (await http.get(authorize)).headers["location"]
        code = parse_qs(urlsplit(back).query)["code"][0]
        with pytest.raises(GrantRejected):
            await client.exchange_code(code, "w" * 43)  # wrong PKCE verifier


class MemoryProvider:
    """A GitLabProvider without HTTP, for the rules."""

    def __init__(self, identity: GitLabIdentity) -> None:
        self.identity = identity

    def authorization_url(self, state: str, code_verifier: str) -> str:
        return f"https://gitlab.test/oauth/authorize?state={state}"

    async def exchange_code(self, code: str, code_verifier: str) -> str:
        return "access"

    async def fetch_identity(self, access_token: str) -> GitLabIdentity:
        return self.identity


class BarrierProvider(MemoryProvider):
    """Answers only once `parties` callbacks are waiting, so they reach the database together."""

    def __init__(self, identity: GitLabIdentity, parties: int) -> None:
        super().__init__(identity)
        self.barrier = asyncio.Barrier(parties)

    async def fetch_identity(self, access_token: str) -> GitLabIdentity:
        await self.barrier.wait()
        return self.identity


def identity(**changes: Any) -> GitLabIdentity:
    values: dict[str, Any] = {
        "id": "4242",
        "username": "ada",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "email_verified": True,
    }
    return GitLabIdentity(**(values | changes))


def state_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["state"][0]


async def test_r_auth_6_state_is_single_use_and_stored_hashed(db: None, services: Services) -> None:
    """R-AUTH-6: the state is stored only as a hash and spent by its first callback."""
    provider = MemoryProvider(identity())
    state = state_of(await gitlab.begin_sign_in(services.clock, provider, "203.0.113.7"))
    assert await OAuthState.filter(state_hash=state).count() == 0

    attempt = await gitlab.consume_state(services.clock, state)
    done = await gitlab.complete(services.clock, attempt, provider, "code", None)

    assert done.purpose is OAuthPurpose.SIGN_IN and done.sign_in_code
    with pytest.raises(gitlab.GitlabFailure) as raised:
        await gitlab.consume_state(services.clock, state)
    assert raised.value.reason is gitlab.Reason.STATE_USED


async def test_r_auth_7_link_rules(db: None, services: Services) -> None:
    """R-AUTH-7: relinking the same account keeps its link date; a taken one is refused."""
    ada, grace = await make_user("ada@example.com"), await make_user("grace@example.com")
    session = await start_session(services.clock, ada)
    provider = MemoryProvider(identity())

    async def link(user: User) -> User:
        attempt = await gitlab.consume_state(
            services.clock,
            state_of(await gitlab.begin_link(services.clock, user, session.session, provider)),
        )
        return (await gitlab.complete(services.clock, attempt, provider, "code", None)).user

    await gitlab.begin_link(services.clock, ada, session.session, provider)
    stored = await OAuthState.get(purpose=OAuthPurpose.LINK)
    assert (stored.user_id, stored.session_id) == (ada.id, session.session.id)  # type: ignore[attr-defined]
    linked = await link(ada)
    services.clock.advance(timedelta(hours=1))
    again = await link(ada)
    assert again.gitlab_linked_at == linked.gitlab_linked_at

    grace_session = await start_session(services.clock, grace)
    with pytest.raises(gitlab.GitlabFailure) as raised:
        attempt = await gitlab.consume_state(
            services.clock,
            state_of(
                await gitlab.begin_link(services.clock, grace, grace_session.session, provider)
            ),
        )
        await gitlab.complete(services.clock, attempt, provider, "code", None)
    assert raised.value.code is ErrorCode.ACCOUNT_ALREADY_LINKED
    assert (await User.get(id=grace.id)).gitlab_id is None


def test_r_auth_6_names_from_gitlab() -> None:
    """R-AUTH-6: a new profile's names come from the GitLab name: last word is the last name."""
    assert gitlab.split_name("Ada King Lovelace") == ("Ada King", "Lovelace")
    assert gitlab.split_name("Cher") == ("Cher", "")
    assert gitlab.split_name("  ") == ("", "")


async def test_r_auth_6_expired_attempts_are_cleaned_up(db: None, services: Services) -> None:
    """R-AUTH-6: attempts long expired are deleted when a new one starts."""
    provider = MemoryProvider(identity())
    await gitlab.begin_sign_in(services.clock, provider, "203.0.113.7")
    services.clock.advance(timedelta(minutes=21))

    await gitlab.begin_sign_in(services.clock, provider, "203.0.113.7")

    assert await OAuthState.all().count() == 1


@pytest.mark.postgres
async def test_r_auth_6_simultaneous_callbacks_spend_a_state_once(
    pg_db: None, services: Services
) -> None:
    """R-AUTH-6: the same callback arriving twice at once signs in once; the other is
    STATE_USED."""
    provider = MemoryProvider(identity())
    state = state_of(await gitlab.begin_sign_in(services.clock, provider, "203.0.113.7"))

    async def one() -> str:
        try:
            attempt = await gitlab.consume_state(services.clock, state)
            await gitlab.complete(services.clock, attempt, provider, "code", None)
        except gitlab.GitlabFailure as failure:
            return str(failure.reason)
        return "signed in"

    outcomes = await asyncio.gather(one(), one())

    assert sorted(outcomes) == ["STATE_USED", "signed in"]
    assert await OneTimeToken.all().count() == 1


@pytest.mark.postgres
async def test_r_auth_6_simultaneous_first_sign_ins_register_one_profile(
    pg_db: None, services: Services
) -> None:
    """R-AUTH-6: two first sign-ins of the same new GitLab account at once make one profile,
    and both sign in to it."""
    provider = BarrierProvider(identity(), parties=2)
    states = [
        state_of(await gitlab.begin_sign_in(services.clock, provider, "203.0.113.7"))
        for _ in range(2)
    ]

    async def one(state: str) -> int:
        attempt = await gitlab.consume_state(services.clock, state)
        return (await gitlab.complete(services.clock, attempt, provider, "code", None)).user.id

    ids = await asyncio.gather(*(one(state) for state in states))

    assert await User.all().count() == 1
    assert ids[0] == ids[1]

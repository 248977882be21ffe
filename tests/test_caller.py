"""Who is calling is decided once (routes/caller.py): the client address behind proxies.

`X-Forwarded-For` names the client only when the peer is a proxy that PORTAL_TRUSTED_PROXIES
lists; from anyone else it is ignored on every route, so nobody picks their own rate-limit
bucket (R-AUTH-3)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.clock import Clock
from core.settings import get_settings
from resolvers import gitlab

SIGN_IN_LINK = "mutation($e: String!) { requestSignInLink(email: $e) { userErrors { code } } }"
PEER = "198.51.100.20"


def client(peer: str = PEER) -> httpx.AsyncClient:
    from server import create_app

    transport = httpx.ASGITransport(app=create_app(get_settings()), client=(peer, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://portal.test")


async def sign_in_link_codes(http: httpx.AsyncClient, count: int) -> list[list[str]]:
    codes = []
    for n in range(count):
        response = await http.post(
            "/graphql",
            json={"query": SIGN_IN_LINK, "variables": {"e": f"user{n}@example.com"}},
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
        )
        errors = response.json()["data"]["requestSignInLink"]["userErrors"]
        codes.append([e["code"] for e in errors])
    return codes


@pytest.mark.usefixtures("db")
async def test_r_auth_3_forwarded_for_from_an_untrusted_peer_is_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R-AUTH-3: given no trusted proxies, when one peer sends sign-in requests each with
    another X-Forwarded-For, then they share the peer's bucket and the limit holds."""
    monkeypatch.setenv("PORTAL_SIGN_IN_LIMIT_PER_CLIENT", "2")
    get_settings.cache_clear()
    async with client() as http:
        assert await sign_in_link_codes(http, 3) == [[], [], ["RATE_LIMITED"]]


@pytest.mark.usefixtures("db")
async def test_r_auth_3_forwarded_for_from_a_trusted_proxy_names_the_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R-AUTH-3: given the peer is a trusted proxy, each forwarded client has its own bucket."""
    monkeypatch.setenv("PORTAL_SIGN_IN_LIMIT_PER_CLIENT", "2")
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "198.51.100.0/24")
    get_settings.cache_clear()
    async with client() as http:
        assert await sign_in_link_codes(http, 3) == [[], [], []]


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(("trusted", "expected"), [("", PEER), ("198.51.100.20", "203.0.113.99")])
async def test_r_auth_3_gitlab_sign_in_limits_the_same_client(
    monkeypatch: pytest.MonkeyPatch, trusted: str, expected: str
) -> None:
    """R-AUTH-3, R-AUTH-6: the GitLab sign-in route rate-limits the address the caller
    function decided, not a header anyone can set."""
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", trusted)
    get_settings.cache_clear()
    seen: list[str] = []

    async def begin_sign_in(clock: Clock, provider: Any, client: str) -> str:
        seen.append(client)
        return "https://gitlab.example/oauth/authorize"

    monkeypatch.setattr(gitlab, "begin_sign_in", begin_sign_in)
    async with client() as http:
        response = await http.get(
            "/auth/gitlab/sign-in", headers={"X-Forwarded-For": "203.0.113.99"}
        )
    assert response.status_code == 302
    assert seen == [expected]


async def test_request_id_is_kept_when_well_formed_and_replaced_otherwise() -> None:
    """Every response names its request; a caller's well-formed X-Request-ID is kept."""
    async with client() as http:
        kept = await http.get("/healthz", headers={"X-Request-ID": "abc-123"})
        replaced = await http.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
        fresh = await http.get("/healthz")
    assert kept.headers["x-request-id"] == "abc-123"
    assert replaced.headers["x-request-id"] not in ("", "bad id\twith spaces")
    assert len(fresh.headers["x-request-id"]) == 16

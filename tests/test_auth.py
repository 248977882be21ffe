"""Sign-in by email link, sessions, email confirmation and email change.

R-AUTH-1..5, R-CONF-1, R-CONF-2.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from unittest.mock import ANY

import pytest

from core.settings import get_settings
from models.auth import OneTimeToken, Session
from models.outbox import OutboxEmail
from resolvers.services import Services
from schema.relay import global_id
from tests.conftest import Viewer, emails_to, gql, link_token, make_account, make_user, sign_in

pytestmark = pytest.mark.usefixtures("db")

REQUEST_LINK = """
mutation($email: String!) {
  requestSignInLink(email: $email) { userErrors { field code message } }
}"""

SIGN_IN = """
mutation($token: String!) {
  signInWithLink(token: $token) {
    session { token expiresAt }
    user { email firstName }
    userErrors { field code message }
  }
}"""

SIGN_OUT = "mutation { signOut { userErrors { code message } } }"
ME = "query { me { email unconfirmedEmail emailConfirmed firstName } }"
CONFIRM = """
mutation($token: String!) {
  confirmEmail(token: $token) { user { email emailConfirmed } userErrors { field code message } }
}"""
RESEND = "mutation { resendEmailConfirmation { userErrors { code message } } }"
UPDATE_EMAIL = """
mutation($email: String!) {
  updateProfile(input: {email: $email}) {
    user { email unconfirmedEmail }
    userErrors { field code message }
  }
}"""
UPDATE_NAME = """
mutation { updateProfile(input: {firstName: "Augusta"}) { user { firstName } userErrors { code } } }
"""


async def request_link(email: str, client: str = "203.0.113.7") -> Any:
    return (await gql(REQUEST_LINK, {"email": email}, client=client))["requestSignInLink"]


async def sign_in_link_token(email: str) -> str:
    mails = [m for m in await emails_to(email) if "/sign-in?token=" in m.text_body]
    assert mails, f"no sign-in email to {email}"
    return link_token(mails[-1], "/sign-in")


async def use_link(token: str) -> Any:
    return (await gql(SIGN_IN, {"token": token}))["signInWithLink"]


def as_token(user: Any, token: str) -> Viewer:
    return Viewer(user=user, token=token)


# ------------------------------------------------------------------ R-AUTH-1 / R-AUTH-2


async def test_r_auth_1_link_by_email_signs_in() -> None:
    """R-AUTH-1: given a profile, when it asks for a link and opens it, then it is signed in."""
    user = await make_user("ada@example.com")
    assert await request_link("  Ada@Example.com ") == {"userErrors": []}
    token = await sign_in_link_token("ada@example.com")
    mail = (await emails_to("ada@example.com"))[-1]
    assert f"http://app.test/sign-in?token={token}" in mail.text_body
    assert f"http://app.test/sign-in?token={token}" in mail.html_body

    result = await use_link(token)
    assert result["userErrors"] == []
    assert result["user"]["email"] == "ada@example.com"
    me = await gql(ME, as_=as_token(user, result["session"]["token"]))
    assert me["me"]["email"] == "ada@example.com"


async def test_r_auth_2_link_works_once() -> None:
    """R-AUTH-2: a used link gets TOKEN_USED and signs no one in."""
    await make_user("ada@example.com")
    await request_link("ada@example.com")
    token = await sign_in_link_token("ada@example.com")
    assert (await use_link(token))["session"] is not None
    sessions = await Session.all().count()

    again = await use_link(token)
    assert again["session"] is None and again["user"] is None
    assert [e["code"] for e in again["userErrors"]] == ["TOKEN_USED"]
    assert await Session.all().count() == sessions


async def test_r_auth_2_link_expires_after_24_hours(services: Services) -> None:
    """R-AUTH-2: a link opened more than 24 hours after it was sent gets TOKEN_EXPIRED."""
    await make_user("ada@example.com")
    await request_link("ada@example.com")
    token = await sign_in_link_token("ada@example.com")
    services.clock.advance(timedelta(hours=24, seconds=1))

    result = await use_link(token)
    assert result["session"] is None
    assert [e["code"] for e in result["userErrors"]] == ["TOKEN_EXPIRED"]
    assert await Session.all().count() == 0


async def test_r_auth_2_link_still_works_just_before_24_hours(services: Services) -> None:
    """R-AUTH-2: within 24 hours the link works."""
    await make_user("ada@example.com")
    await request_link("ada@example.com")
    token = await sign_in_link_token("ada@example.com")
    services.clock.advance(timedelta(hours=23, minutes=59))
    assert (await use_link(token))["session"] is not None


async def test_r_auth_2_unknown_link_is_invalid() -> None:
    """R-AUTH-2: an unknown token gets INVALID with the field, and no session."""
    await make_user("ada@example.com")
    result = await use_link("not-a-real-token-" + "x" * 30)
    assert result["session"] is None
    assert result["userErrors"][0]["code"] == "INVALID"
    assert result["userErrors"][0]["field"] == ["token"]
    assert await Session.all().count() == 0


# ------------------------------------------------------------------ R-AUTH-3


async def test_r_auth_3_same_answer_for_known_and_unknown_addresses() -> None:
    """R-AUTH-3: known and unknown addresses get the identical answer; only a profile gets mail."""
    await make_user("ada@example.com")
    known = await gql(REQUEST_LINK, {"email": "ada@example.com"}, client="198.51.100.1")
    unknown = await gql(REQUEST_LINK, {"email": "nobody@example.com"}, client="198.51.100.2")
    assert known.errors is None and unknown.errors is None
    assert known.data == unknown.data == {"requestSignInLink": {"userErrors": []}}
    assert len(await emails_to("ada@example.com")) == 1
    assert await emails_to("nobody@example.com") == []
    assert await OutboxEmail.all().count() == 1


async def test_r_auth_3_response_floor_for_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """R-AUTH-3: both answers take at least the configured floor (same timing class)."""
    monkeypatch.setenv("PORTAL_SIGN_IN_RESPONSE_FLOOR_MS", "150")
    get_settings.cache_clear()
    await make_user("ada@example.com")
    for address in ("ada@example.com", "nobody@example.com"):
        started = time.monotonic()
        assert await request_link(address) == {"userErrors": []}
        assert time.monotonic() - started >= 0.15, address


async def test_r_auth_3_rate_limited_per_email(
    monkeypatch: pytest.MonkeyPatch, services: Services
) -> None:
    """R-AUTH-3: the (limit+1)th request for one address, even from other clients, is refused."""
    monkeypatch.setenv("PORTAL_SIGN_IN_LIMIT_PER_EMAIL", "3")
    get_settings.cache_clear()
    await make_user("ada@example.com")
    for n in range(3):
        assert await request_link("ada@example.com", client=f"198.51.100.{n}") == {"userErrors": []}
    refused = await request_link("ada@example.com", client="198.51.100.99")
    assert [e["code"] for e in refused["userErrors"]] == ["RATE_LIMITED"]
    assert len(await emails_to("ada@example.com")) == 3
    # unknown addresses are limited the same way (no enumeration through the limit)
    for _ in range(3):
        await request_link("nobody@example.com", client="198.51.100.50")
    refused_unknown = await request_link("nobody@example.com", client="198.51.100.51")
    assert refused_unknown == refused
    # the window passes: allowed again
    services.clock.advance(timedelta(minutes=61))
    assert await request_link("ada@example.com", client="198.51.100.77") == {"userErrors": []}


async def test_r_auth_3_rate_limited_per_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """R-AUTH-3: one client asking for many addresses is refused after its limit."""
    monkeypatch.setenv("PORTAL_SIGN_IN_LIMIT_PER_CLIENT", "4")
    get_settings.cache_clear()
    for n in range(4):
        assert await request_link(f"user{n}@example.com", client="192.0.2.9") == {"userErrors": []}
    refused = await request_link("user9@example.com", client="192.0.2.9")
    assert [e["code"] for e in refused["userErrors"]] == ["RATE_LIMITED"]
    assert await request_link("user9@example.com", client="192.0.2.10") == {"userErrors": []}


async def test_r_auth_3_client_limit_ignores_forwarded_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """R-AUTH-3: a client cannot escape its limit by sending made-up X-Forwarded-For headers."""
    from schema import schema
    from schema.context import Context
    from tests.conftest import current_services, fake_request

    monkeypatch.setenv("PORTAL_SIGN_IN_LIMIT_PER_CLIENT", "2")
    get_settings.cache_clear()
    answers = []
    for n in range(3):
        request = fake_request(client="192.0.2.9")
        request.scope["headers"] = [(b"x-forwarded-for", f"10.0.0.{n}".encode())]
        context = Context(request=request, response=None, services=current_services())
        result = await schema.execute(
            REQUEST_LINK, variable_values={"email": f"u{n}@example.com"}, context_value=context
        )
        assert result.errors is None and result.data is not None
        answers.append(result.data["requestSignInLink"]["userErrors"])
    assert answers == [[], [], [{"field": None, "code": "RATE_LIMITED", "message": ANY}]]


# ------------------------------------------------------------------ R-AUTH-4


async def test_r_auth_4_tokens_stored_only_as_hashes_with_128_bits() -> None:
    """R-AUTH-4: no raw link or session token appears in any column; tokens carry >= 128 bits."""
    user = await make_user("ada@example.com", confirmed=False)
    user.first_signed_in_at = None
    await user.save()
    await request_link("ada@example.com")
    link = await sign_in_link_token("ada@example.com")
    session_token = (await use_link(link))["session"]["token"]
    confirm = link_token(
        next(m for m in await emails_to("ada@example.com") if "/confirm-email" in m.text_body),
        "/confirm-email",
    )
    for token in (link, session_token, confirm):
        # base64url: 6 bits per character
        assert len(token) * 6 >= 128, token
    assert len({link, session_token, confirm}) == 3

    rows: list[Any] = [*await OneTimeToken.all(), *await Session.all()]
    assert len(rows) == 3
    for row in rows:
        for name in row._meta.fields_db_projection:
            value = str(getattr(row, name, ""))
            for token in (link, session_token, confirm):
                assert token not in value, f"{type(row).__name__}.{name} stores a raw token"


# ------------------------------------------------------------------ R-AUTH-5


async def test_r_auth_5_sign_out_revokes_the_session() -> None:
    """R-AUTH-5: after signOut the token no longer authenticates; me is null."""
    user = await make_user("ada@example.com")
    viewer = await sign_in(user)
    assert (await gql(ME, as_=viewer))["me"]["email"] == "ada@example.com"

    assert (await gql(SIGN_OUT, as_=viewer))["signOut"] == {"userErrors": []}
    assert (await gql(ME, as_=viewer))["me"] is None
    again = await gql(UPDATE_NAME, as_=viewer)
    assert again["updateProfile"]["userErrors"][0]["code"] == "UNAUTHENTICATED"
    session = await Session.get(user_id=user.id)
    assert session.revoked_at is not None


async def test_r_auth_5_sign_out_signed_out_is_a_user_error() -> None:
    """R-AUTH-5: signOut without a session is UNAUTHENTICATED, not a server error."""
    result = await gql(SIGN_OUT)
    assert result["signOut"]["userErrors"][0]["code"] == "UNAUTHENTICATED"


async def test_r_auth_5_sign_out_leaves_other_sessions() -> None:
    """R-AUTH-5: signing out one session keeps the user's other sessions."""
    user = await make_user("ada@example.com")
    first, second = await sign_in(user), await sign_in(user)
    await gql(SIGN_OUT, as_=first)
    assert (await gql(ME, as_=first))["me"] is None
    assert (await gql(ME, as_=second))["me"]["email"] == "ada@example.com"


async def test_r_auth_5_session_expires(services: Services) -> None:
    """R-AUTH-5: a session stops working after its lifetime."""
    viewer = await sign_in(await make_user("ada@example.com"))
    services.clock.advance(timedelta(days=get_settings().session_days, seconds=1))
    assert (await gql(ME, as_=viewer))["me"] is None


# ------------------------------------------------------------------ R-CONF-1


async def first_sign_in(email: str) -> tuple[Any, str]:
    user = await make_user(email, confirmed=False)
    user.first_signed_in_at = None
    await user.save()
    await request_link(email)
    session = (await use_link(await sign_in_link_token(email)))["session"]
    assert session is not None
    return user, session["token"]


def confirm_mails(mails: list[OutboxEmail]) -> list[OutboxEmail]:
    return [m for m in mails if "/confirm-email?token=" in m.text_body]


async def test_r_conf_1_first_sign_in_sends_confirmation_and_grace_period(
    services: Services,
) -> None:
    """R-CONF-1: the first sign-in sends a confirmation link; access works for 3 days."""
    user, token = await first_sign_in("ada@example.com")
    assert len(confirm_mails(await emails_to("ada@example.com"))) == 1
    viewer = as_token(user, token)
    services.clock.advance(timedelta(days=2, hours=23))
    me = await gql(ME, as_=viewer)
    assert me["me"] == {
        "email": "ada@example.com",
        "unconfirmedEmail": None,
        "emailConfirmed": False,
        "firstName": "Ada",
    }
    assert (await gql(UPDATE_NAME, as_=viewer))["updateProfile"]["userErrors"] == []


async def test_r_conf_1_after_grace_period_access_needs_confirmation(services: Services) -> None:
    """R-CONF-1: after 3 days, viewer-only mutations and sign-in give EMAIL_UNCONFIRMED;
    sign-in sends a fresh link; confirming restores access."""
    user, token = await first_sign_in("ada@example.com")
    viewer = as_token(user, token)
    services.clock.advance(timedelta(days=3, minutes=1))

    blocked = await gql(UPDATE_NAME, as_=viewer)
    assert blocked["updateProfile"]["userErrors"][0]["code"] == "EMAIL_UNCONFIRMED"
    account = await make_account(owner_email="ada@example.com")
    account_query = "query($id: ID!) { billingAccount(id: $id) { id } }"
    refused_query = await gql(
        account_query, {"id": global_id("BillingAccount", account.id)}, as_=viewer
    )
    assert refused_query.errors is not None
    assert refused_query.errors[0].extensions == {"code": "EMAIL_UNCONFIRMED"}, repr(
        refused_query.errors[0]
    )
    before = len(confirm_mails(await emails_to("ada@example.com")))
    await request_link("ada@example.com")
    refused = await use_link(await sign_in_link_token("ada@example.com"))
    assert refused["session"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["EMAIL_UNCONFIRMED"]
    fresh = confirm_mails(await emails_to("ada@example.com"))
    assert len(fresh) == before + 1

    confirmed = (await gql(CONFIRM, {"token": link_token(fresh[-1], "/confirm-email")}))[
        "confirmEmail"
    ]
    assert confirmed["userErrors"] == []
    assert confirmed["user"] == {"email": "ada@example.com", "emailConfirmed": True}
    assert (await gql(UPDATE_NAME, as_=viewer))["updateProfile"]["userErrors"] == []
    await request_link("ada@example.com")
    assert (await use_link(await sign_in_link_token("ada@example.com")))["session"] is not None


async def test_r_conf_1_first_confirmation_link_works_in_grace_period() -> None:
    """R-CONF-1: the link from the first sign-in confirms the address."""
    await first_sign_in("ada@example.com")
    mail = confirm_mails(await emails_to("ada@example.com"))[0]
    result = (await gql(CONFIRM, {"token": link_token(mail, "/confirm-email")}))["confirmEmail"]
    assert result["user"]["emailConfirmed"] is True
    again = (await gql(CONFIRM, {"token": link_token(mail, "/confirm-email")}))["confirmEmail"]
    assert again["userErrors"][0]["code"] == "TOKEN_USED"


async def test_r_conf_1_resend_confirmation(services: Services) -> None:
    """R-CONF-1: resendEmailConfirmation sends a new link, even after the grace period."""
    user, token = await first_sign_in("ada@example.com")
    services.clock.advance(timedelta(days=4))
    result = await gql(RESEND, as_=as_token(user, token))
    assert result["resendEmailConfirmation"] == {"userErrors": []}
    assert len(confirm_mails(await emails_to("ada@example.com"))) == 2


async def test_r_conf_1_resend_when_confirmed_is_refused() -> None:
    """R-CONF-1: nothing to resend for a confirmed address: INVALID, no mail."""
    viewer = await sign_in(await make_user("ada@example.com"))
    result = await gql(RESEND, as_=viewer)
    assert result["resendEmailConfirmation"]["userErrors"][0]["code"] == "INVALID"
    assert await emails_to("ada@example.com") == []


# ------------------------------------------------------------------ R-CONF-2


async def test_r_conf_2_email_change_waits_for_confirmation() -> None:
    """R-CONF-2: the new address is unconfirmed until its link is opened; then the old one
    is told and the new one signs in."""
    user = await make_user("ada@example.com")
    viewer = await sign_in(user)
    changed = (await gql(UPDATE_EMAIL, {"email": "ada@new.example"}, as_=viewer))["updateProfile"]
    assert changed["userErrors"] == []
    assert changed["user"] == {"email": "ada@example.com", "unconfirmedEmail": "ada@new.example"}
    assert (await gql(ME, as_=viewer))["me"]["unconfirmedEmail"] == "ada@new.example"

    # the old address still signs in; the new one does not yet
    await request_link("ada@new.example")
    assert not [m for m in await emails_to("ada@new.example") if "/sign-in?" in m.text_body]
    await request_link("ada@example.com")
    assert (await use_link(await sign_in_link_token("ada@example.com")))["session"]

    mail = confirm_mails(await emails_to("ada@new.example"))[-1]
    result = (await gql(CONFIRM, {"token": link_token(mail, "/confirm-email")}))["confirmEmail"]
    assert result["userErrors"] == []
    assert result["user"] == {"email": "ada@new.example", "emailConfirmed": True}
    assert (await gql(ME, as_=viewer))["me"]["unconfirmedEmail"] is None
    notice = (await emails_to("ada@example.com"))[-1]
    assert "ada@new.example" in notice.text_body
    assert "/sign-in?token=" not in notice.text_body

    await request_link("ada@new.example")
    assert (await use_link(await sign_in_link_token("ada@new.example")))["session"]


async def test_r_err_5_taken_email_answers_like_a_free_one() -> None:
    """R-ERR-5 (R-CONF-2): changing to another profile's address answers exactly as a free
    address does, so it can't be used to test for profiles; the change can never be
    confirmed, and the address's owner is told that someone tried."""
    await make_user("grace@example.com", first="Grace")
    viewer = await sign_in(await make_user("ada@example.com"))
    other = await sign_in(await make_user("alan@example.com", first="Alan"))
    taken = (await gql(UPDATE_EMAIL, {"email": "Grace@example.com"}, as_=viewer))["updateProfile"]
    free = (await gql(UPDATE_EMAIL, {"email": "Free@example.com"}, as_=other))["updateProfile"]
    assert taken["userErrors"] == free["userErrors"] == []
    assert set(taken) == set(free) and taken["user"].keys() == free["user"].keys()
    assert (await gql(ME, as_=viewer))["me"]["unconfirmedEmail"] == "grace@example.com"
    notices = await emails_to("grace@example.com")
    assert len(notices) == 1
    assert "Someone tried to use your email address" in notices[0].subject
    assert "/confirm-email?token=" not in notices[0].text_body
    assert confirm_mails(await emails_to("free@example.com"))


async def test_r_conf_2_invalid_email_is_refused() -> None:
    """R-CONF-2: a malformed address is INVALID with its field."""
    viewer = await sign_in(await make_user("ada@example.com"))
    result = (await gql(UPDATE_EMAIL, {"email": "not an email"}, as_=viewer))["updateProfile"]
    assert result["userErrors"][0]["code"] == "INVALID"
    assert result["userErrors"][0]["field"] == ["input", "email"]


async def test_r_conf_2_stale_link_after_second_change_is_refused() -> None:
    """R-CONF-2: after changing to a second new address, the first address's link is refused."""
    viewer = await sign_in(await make_user("ada@example.com"))
    await gql(UPDATE_EMAIL, {"email": "first@new.example"}, as_=viewer)
    await gql(UPDATE_EMAIL, {"email": "second@new.example"}, as_=viewer)
    stale = confirm_mails(await emails_to("first@new.example"))[-1]
    result = (await gql(CONFIRM, {"token": link_token(stale, "/confirm-email")}))["confirmEmail"]
    assert result["user"] is None
    assert result["userErrors"][0]["code"] in {"TOKEN_EXPIRED", "INVALID"}
    me = (await gql(ME, as_=viewer))["me"]
    assert me["email"] == "ada@example.com"
    assert me["unconfirmedEmail"] == "second@new.example"
    fresh = confirm_mails(await emails_to("second@new.example"))[-1]
    ok = (await gql(CONFIRM, {"token": link_token(fresh, "/confirm-email")}))["confirmEmail"]
    assert ok["user"]["email"] == "second@new.example"


async def test_r_conf_2_resend_goes_to_the_new_address() -> None:
    """R-CONF-2: confirmation can be resent, to the pending address."""
    viewer = await sign_in(await make_user("ada@example.com"))
    await gql(UPDATE_EMAIL, {"email": "ada@new.example"}, as_=viewer)
    assert (await gql(RESEND, as_=viewer))["resendEmailConfirmation"] == {"userErrors": []}
    assert len(confirm_mails(await emails_to("ada@new.example"))) == 2

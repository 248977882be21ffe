"""Profiles linked to GitLab.com sign in through it (R-AUTH-7), over HTTP with real emails.

Asking for an email link for a linked profile mails a pointer to GitLab.com sign-in and no
token; the API's answer is the same for a linked, an unlinked and an unknown address (R-AUTH-3,
R-ERR-5). The operator unlinks a profile whose owner lost the GitLab.com account.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from core.settings import get_settings
from models.auth import OneTimeToken
from models.outbox import OutboxEmail
from models.users import User
from resolvers.auth import request_sign_in_link
from resolvers.services import Services
from tests.conftest import current_services, make_user
from tests.smtp_support import MailedServer, html_of, mailed, text_of

__all__ = ["mailed"]

CREATE_ACCOUNT = """
mutation($input: CreateBillingAccountInput!) {
  createBillingAccount(input: $input) { billingAccount { id } userErrors { code } }
}"""
REQUEST_LINK = "mutation($e: String!) { requestSignInLink(email: $e) { userErrors { code } } }"
UNLINK = """
mutation($e: String!) {
  unlinkGitlabAccount(email: $e) {
    user { email gitlabAccount { username } } userErrors { field code message }
  }
}"""


async def _owner(server: MailedServer, email: str) -> User:
    owner = {"email": email, "firstName": "Lin", "lastName": "Ked"}
    data = await server.operator(
        CREATE_ACCOUNT,
        {"input": {"companyName": "Linked Ltd", "country": "US", "owner": owner}},
    )
    assert data["createBillingAccount"]["userErrors"] == []
    return await User.get(email=email)


async def _link(user: User, username: str = "lin") -> None:
    user.gitlab_id, user.gitlab_username, user.gitlab_linked_at = (
        "777",
        username,
        current_services().clock.now(),
    )
    await user.save()


async def test_r_auth_7_linked_profile_is_told_to_sign_in_with_gitlab(
    mailed: MailedServer,
) -> None:
    """R-AUTH-7: given a linked and an unlinked profile, asking for email links answers
    byte-for-byte the same (also for an unknown address); the linked one receives an email
    pointing at GitLab.com sign-in, with no token and no sign-in token stored."""
    linked = await _owner(mailed, "linked@example.com")
    await _owner(mailed, "plain@example.com")
    await _link(linked)

    answers = [
        await mailed.customer(REQUEST_LINK, {"e": address})
        for address in ("linked@example.com", "plain@example.com", "nobody@example.com")
    ]

    assert len({(a.status_code, a.content) for a in answers}) == 1
    assert answers[0].json() == {"data": {"requestSignInLink": {"userErrors": []}}}
    hint = await mailed.inbox.wait_for("linked@example.com", "with GitLab.com")
    text, html = text_of(hint), html_of(hint)
    assert "http://api.test/auth/gitlab/sign-in" in text
    assert 'href="http://api.test/auth/gitlab/sign-in"' in html
    assert "@lin" in text
    assert "token" not in text and "token" not in html
    plain = await mailed.inbox.wait_for("plain@example.com", "sign-in link")
    assert "http://app.test/sign-in?token=" in text_of(plain)
    assert not await OneTimeToken.filter(user_id=linked.id).exists()
    assert mailed.inbox.to("nobody@example.com") == []


async def test_r_auth_7_operator_unlinks_then_email_links_work_again(
    mailed: MailedServer,
) -> None:
    """R-AUTH-7: the operator unlinks the profile of someone who lost their GitLab.com account;
    from then on the profile gets an ordinary sign-in link. Unknown or unlinked: userErrors."""
    linked = await _owner(mailed, "lost@example.com")
    await _link(linked, "lost-account")

    done = (await mailed.operator(UNLINK, {"e": "Lost@Example.com"}))["unlinkGitlabAccount"]
    again = (await mailed.operator(UNLINK, {"e": "lost@example.com"}))["unlinkGitlabAccount"]
    unknown = (await mailed.operator(UNLINK, {"e": "who@example.com"}))["unlinkGitlabAccount"]

    assert done == {
        "user": {"email": "lost@example.com", "gitlabAccount": None},
        "userErrors": [],
    }
    assert [e["code"] for e in again["userErrors"]] == ["INVALID"]
    assert [(e["code"], e["field"]) for e in unknown["userErrors"]] == [("NOT_FOUND", ["email"])]
    await mailed.customer(REQUEST_LINK, {"e": "lost@example.com"})
    mail = await mailed.inbox.wait_for("lost@example.com", "sign-in link")
    assert "http://app.test/sign-in?token=" in text_of(mail)


async def test_r_auth_7_the_timing_floor_holds_for_linked_profiles(
    db: None, monkeypatch: pytest.MonkeyPatch, services: Services
) -> None:
    """R-AUTH-3, R-AUTH-7: answering for a linked profile takes at least the response floor,
    like every other answer, and writes the hint email (no token)."""
    monkeypatch.setenv("PORTAL_SIGN_IN_RESPONSE_FLOOR_MS", "150")
    get_settings.cache_clear()
    user = await make_user("floor@example.com")
    await _link(user)

    started = time.monotonic()
    await request_sign_in_link(services.clock, "floor@example.com", "198.51.100.1")

    assert timedelta(seconds=time.monotonic() - started) >= timedelta(milliseconds=150)
    [mail] = await OutboxEmail.filter(to="floor@example.com")
    assert "/auth/gitlab/sign-in" in mail.text_body
    assert not await OneTimeToken.exists(user_id=user.id)

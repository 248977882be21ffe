"""Inviting billing account managers (R-MGR-1, R-INV-1..4, R-AUTH-4)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from core.tokens import hash_token
from models.accounts import BillingAccount, Manager
from models.invitations import Invitation
from models.notifications import Event, EventKind
from models.users import User
from resolvers import invitations
from resolvers.errors import DomainError, ErrorCode
from resolvers.services import Services
from schema.relay import global_id
from tests.conftest import (
    Viewer,
    emails_to,
    gql,
    link_token,
    make_account,
    make_user,
    owner_of,
    sign_in,
)

INVITE = """
mutation($account: ID!, $email: String!) {
  inviteBillingAccountManager(billingAccountId: $account, email: $email) {
    invitation { id email displayName status expiresAt }
    userErrors { field code message }
  }
}"""

RESEND = """
mutation($id: ID!) {
  resendInvitation(invitationId: $id) {
    invitation { id status expiresAt }
    userErrors { field code message }
  }
}"""

REVOKE = """
mutation($id: ID!) {
  revokeInvitation(invitationId: $id) {
    invitation { id status }
    userErrors { field code message }
  }
}"""

ACCEPT = """
mutation($token: String!) {
  acceptInvitation(token: $token) {
    billingAccount { id company { name } managers { email } }
    session { token }
    userErrors { field code message }
  }
}"""

INVITATIONS = """
query($id: ID!, $status: InvitationStatus) {
  billingAccount(id: $id) {
    invitations(status: $status) { email displayName status invitedBy { email } }
  }
}"""

PENDING = """
{ me { pendingInvitations { email status companyName billingAccount { id } } } }
"""

ACCEPT_URL = "http://app.test/invitations/accept"


def account_id(account: BillingAccount) -> str:
    return global_id("BillingAccount", account.id)


async def invite(owner: Viewer, account: BillingAccount, email: str) -> Any:
    result = await gql(INVITE, {"account": account_id(account), "email": email}, as_=owner)
    return result["inviteBillingAccountManager"]


async def latest_token(email: str) -> str:
    return link_token((await emails_to(email))[-1], ACCEPT_URL)


async def test_r_mgr_1_invitation_email_holds_an_accept_link(db: None) -> None:
    """R-MGR-1, R-INV-3: the invitee gets a link; the list shows them awaiting registration."""
    account = await make_account()
    owner = await owner_of(account)

    result = await invite(owner, account, " Bob@Example.com ")

    assert result["userErrors"] == []
    assert result["invitation"]["email"] == "bob@example.com"
    assert result["invitation"]["displayName"] == "Awaiting user registration"
    assert result["invitation"]["status"] == "PENDING"
    [email] = await emails_to("bob@example.com")
    assert "Acme GmbH" in email.subject
    assert ACCEPT_URL in email.html_body
    token = link_token(email, ACCEPT_URL)
    listed = await gql(INVITATIONS, {"id": account_id(account)}, as_=owner)
    assert listed["billingAccount"]["invitations"] == [
        {
            "email": "bob@example.com",
            "displayName": "Awaiting user registration",
            "status": "PENDING",
            "invitedBy": {"email": "owner@example.com"},
        }
    ]
    stored = await Invitation.get(email="bob@example.com")
    assert stored.token_hash == hash_token(token) != token  # R-AUTH-4: only the hash is kept
    assert len(token) >= 22  # at least 128 bits of base64url


async def test_r_mgr_1_signed_out_invitee_is_registered_and_signed_in(db: None) -> None:
    """R-MGR-1: accepting signed out creates the profile (confirmed) and returns a session."""
    account = await make_account()
    await invite(await owner_of(account), account, "new@example.com")

    result = await gql(ACCEPT, {"token": await latest_token("new@example.com")})

    payload = result["acceptInvitation"]
    assert payload["userErrors"] == []
    assert payload["billingAccount"]["company"]["name"] == "Acme GmbH"
    assert "new@example.com" in [m["email"] for m in payload["billingAccount"]["managers"]]
    user = await User.get(email="new@example.com")
    assert user.email_confirmed_at is not None
    assert (user.first_name, user.last_name) == ("", "")
    me = await gql(
        "{ me { email billingAccounts { id } } }", as_=Viewer(user, payload["session"]["token"])
    )
    assert me["me"] == {
        "email": "new@example.com",
        "billingAccounts": [{"id": account_id(account)}],
    }
    event = await Event.get(account_id=account.id, kind=EventKind.MANAGER_ADDED)
    assert "new@example.com" in event.message


async def test_r_mgr_1_signed_in_invitee_must_use_the_invited_address(db: None) -> None:
    """R-MGR-1: signed in as someone else → INVITATION_EMAIL_MISMATCH; as the invitee → added."""
    account = await make_account()
    await invite(await owner_of(account), account, "bob@example.com")
    token = await latest_token("bob@example.com")
    mallory = await sign_in(await make_user("mallory@example.com"))
    bob = await sign_in(await make_user("bob@example.com", "Bob", "Builder"))

    refused = await gql(ACCEPT, {"token": token}, as_=mallory)
    accepted = await gql(ACCEPT, {"token": token}, as_=bob)

    assert refused["acceptInvitation"]["userErrors"][0]["code"] == "INVITATION_EMAIL_MISMATCH"
    assert not await Manager.exists(account_id=account.id, user_id=mallory.user.id)
    assert accepted["acceptInvitation"]["userErrors"] == []
    assert accepted["acceptInvitation"]["session"] is None
    assert await Manager.exists(account_id=account.id, user_id=bob.user.id)


async def test_r_inv_1_expired_after_7_days_and_a_new_one_can_be_sent(
    db: None, services: Services
) -> None:
    """R-INV-1: after 7 days the link gives TOKEN_EXPIRED and the address can be invited again."""
    account = await make_account()
    owner = await owner_of(account)
    await invite(owner, account, "bob@example.com")
    token = await latest_token("bob@example.com")

    services.clock.advance(timedelta(days=7, seconds=1))
    expired = await gql(ACCEPT, {"token": token})
    listed = await gql(INVITATIONS, {"id": account_id(account), "status": "EXPIRED"}, as_=owner)
    again = await invite(owner, account, "bob@example.com")

    assert expired["acceptInvitation"]["userErrors"][0]["code"] == "TOKEN_EXPIRED"
    assert [i["status"] for i in listed["billingAccount"]["invitations"]] == ["EXPIRED"]
    assert again["userErrors"] == []
    assert not await User.exists(email="bob@example.com")


async def test_r_inv_1_still_valid_just_before_7_days(db: None, services: Services) -> None:
    """R-INV-1: the boundary — one second before expiry the link still works."""
    account = await make_account()
    await invite(await owner_of(account), account, "bob@example.com")
    services.clock.advance(timedelta(days=7, seconds=-1))

    result = await gql(ACCEPT, {"token": await latest_token("bob@example.com")})

    assert result["acceptInvitation"]["userErrors"] == []


async def test_r_inv_3_revoked_invitation_cannot_be_accepted(db: None) -> None:
    """R-INV-3: revoke → status REVOKED, and the link answers "This invitation was revoked"."""
    account = await make_account()
    owner = await owner_of(account)
    created = await invite(owner, account, "bob@example.com")
    token = await latest_token("bob@example.com")

    revoked = await gql(REVOKE, {"id": created["invitation"]["id"]}, as_=owner)
    result = await gql(ACCEPT, {"token": token})

    assert revoked["revokeInvitation"]["invitation"]["status"] == "REVOKED"
    [error] = result["acceptInvitation"]["userErrors"]
    assert error["code"] == "INVALID"
    assert "revoked" in error["message"]
    assert not await User.exists(email="bob@example.com")
    pending = await gql(INVITATIONS, {"id": account_id(account)}, as_=owner)
    assert pending["billingAccount"]["invitations"] == []


async def test_r_mgr_1_used_link_gives_token_used(db: None) -> None:
    """R-MGR-1: an invitation link works once."""
    account = await make_account()
    await invite(await owner_of(account), account, "bob@example.com")
    token = await latest_token("bob@example.com")

    await gql(ACCEPT, {"token": token})
    again = await gql(ACCEPT, {"token": token})
    unknown = await gql(ACCEPT, {"token": "not-a-token"})

    assert again["acceptInvitation"]["userErrors"][0]["code"] == "TOKEN_USED"
    assert again["acceptInvitation"]["session"] is None
    assert unknown["acceptInvitation"]["userErrors"][0]["code"] == "INVALID"


async def test_resend_gives_a_fresh_link_and_fresh_7_days(db: None, services: Services) -> None:
    """R-INV-1: resending kills the old link and restarts the 7 days."""
    account = await make_account()
    owner = await owner_of(account)
    created = await invite(owner, account, "bob@example.com")
    old_token = await latest_token("bob@example.com")
    services.clock.advance(timedelta(days=8))

    resent = await gql(RESEND, {"id": created["invitation"]["id"]}, as_=owner)
    new_token = await latest_token("bob@example.com")

    assert resent["resendInvitation"]["userErrors"] == []
    assert resent["resendInvitation"]["invitation"]["status"] == "PENDING"
    assert new_token != old_token
    stale = await gql(ACCEPT, {"token": old_token})
    assert stale["acceptInvitation"]["userErrors"][0]["code"] == "INVALID"
    services.clock.advance(timedelta(days=6))
    fresh = await gql(ACCEPT, {"token": new_token})
    assert fresh["acceptInvitation"]["userErrors"] == []


async def test_r_inv_4_existing_manager_or_pending_invitee_refused(db: None) -> None:
    """R-INV-4: ALREADY_MANAGER for a manager, ALREADY_INVITED for a pending address."""
    account = await make_account()
    owner = await owner_of(account)
    await invite(owner, account, "bob@example.com")

    manager = await invite(owner, account, "OWNER@example.com")
    pending = await invite(owner, account, "bob@example.com")

    assert manager["userErrors"] == [
        {
            "field": ["email"],
            "code": "ALREADY_MANAGER",
            "message": "owner@example.com already manages this account.",
        }
    ]
    assert pending["userErrors"][0]["code"] == "ALREADY_INVITED"
    assert await Invitation.filter(account_id=account.id).count() == 1


async def test_invalid_email_refused(db: None) -> None:
    account = await make_account()

    result = await invite(await owner_of(account), account, "not an email")

    assert result["userErrors"][0]["code"] == "INVALID"
    assert result["userErrors"][0]["field"] == ["email"]


async def test_r_inv_2_sixteenth_pending_invitation_refused(db: None, services: Services) -> None:
    """R-INV-2: 15 pending is the cap; expired ones do not count."""
    account = await make_account()
    owner = await owner_of(account)
    for n in range(15):
        assert (await invite(owner, account, f"p{n}@example.com"))["userErrors"] == []

    refused = await invite(owner, account, "p15@example.com")
    services.clock.advance(timedelta(days=7, seconds=1))
    after_expiry = await invite(owner, account, "p15@example.com")

    assert refused["userErrors"][0]["code"] == "INVITATION_LIMIT_REACHED"
    assert after_expiry["userErrors"] == []


@pytest.mark.postgres
async def test_r_inv_2_cap_holds_for_20_simultaneous_invitations(
    pg_db: None, services: Services
) -> None:
    """R-INV-2: 20 concurrent invitations leave exactly 15 pending and 5 refused."""
    account = await make_account()
    owner = await User.get(email="owner@example.com")

    async def one(n: int) -> ErrorCode | None:
        try:
            await invitations.invite(services.clock, owner, account.id, f"c{n}@example.com")
        except DomainError as error:
            return error.code
        return None

    outcomes = await asyncio.gather(*(one(n) for n in range(20)))

    assert outcomes.count(None) == 15
    assert outcomes.count(ErrorCode.INVITATION_LIMIT_REACHED) == 5
    assert await Invitation.filter(account_id=account.id).count() == 15


async def test_pending_invitations_show_the_invitee_the_company_name_only(db: None) -> None:
    """R-MGR-1, R-ERR-2: the invitee sees the company name but not the account."""
    account = await make_account()
    await invite(await owner_of(account), account, "bob@example.com")
    bob = await sign_in(await make_user("bob@example.com"))

    result = await gql(PENDING, as_=bob)

    assert result["me"]["pendingInvitations"] == [
        {
            "email": "bob@example.com",
            "status": "PENDING",
            "companyName": "Acme GmbH",
            "billingAccount": None,
        }
    ]


async def test_non_manager_cannot_invite_or_see_invitations(db: None) -> None:
    """R-ERR-2: another account's id is NOT_FOUND."""
    account = await make_account()
    stranger = await owner_of(await make_account("other@example.com", "Other Ltd"))

    result = await invite(stranger, account, "bob@example.com")

    assert result["userErrors"][0]["code"] == "NOT_FOUND"
    assert await Invitation.all().count() == 0

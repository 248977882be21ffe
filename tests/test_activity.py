"""The account activity log: who changed what, and when, newest first."""

from __future__ import annotations

from datetime import timedelta

from resolvers.services import Services
from schema.relay import global_id
from tests.conftest import gql, make_account, owner_of

INVITE = """
mutation($account: ID!, $email: String!) {
  inviteBillingAccountManager(billingAccountId: $account, email: $email) {
    invitation { id }
    userErrors { code }
  }
}"""

REVOKE = """
mutation($id: ID!) { revokeInvitation(invitationId: $id) { userErrors { code } } }
"""

ACTIVITY = """
query($id: ID!, $first: Int, $after: String) {
  billingAccount(id: $id) {
    activity(first: $first, after: $after) {
      edges { cursor node { id actor action summary createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


async def test_activity_lists_who_did_what_newest_first_in_pages(
    db: None, services: Services
) -> None:
    """Invitations and account creation appear with actor and summary, newest first, paged."""
    account = await make_account()
    owner = await owner_of(account)
    account_id = global_id("BillingAccount", account.id)
    services.clock.advance(timedelta(minutes=1))
    invited = await gql(INVITE, {"account": account_id, "email": "bob@example.com"}, as_=owner)
    services.clock.advance(timedelta(minutes=1))
    await gql(REVOKE, {"id": invited["inviteBillingAccountManager"]["invitation"]["id"]}, as_=owner)

    first = await gql(ACTIVITY, {"id": account_id, "first": 2}, as_=owner)
    page = first["billingAccount"]["activity"]
    rest = await gql(
        ACTIVITY, {"id": account_id, "first": 2, "after": page["pageInfo"]["endCursor"]}, as_=owner
    )

    nodes = [edge["node"] for edge in page["edges"]]
    assert [n["action"] for n in nodes] == ["invitation_revoked", "manager_invited"]
    assert nodes[0]["actor"] == "Olga Owner"
    assert nodes[1]["summary"] == "Invited bob@example.com"
    assert page["pageInfo"]["hasNextPage"] is True
    tail = rest["billingAccount"]["activity"]
    assert [e["node"]["action"] for e in tail["edges"]] == ["account_created"]
    assert tail["edges"][0]["node"]["actor"] == "Billing team"
    assert tail["pageInfo"]["hasNextPage"] is False


async def test_activity_cursor_cannot_be_forged(db: None) -> None:
    """A cursor the server did not sign is refused."""
    account = await make_account()
    owner = await owner_of(account)

    result = await gql(
        ACTIVITY, {"id": global_id("BillingAccount", account.id), "after": "MTA"}, as_=owner
    )

    assert result.errors is not None
    assert "cursor" in result.errors[0].message

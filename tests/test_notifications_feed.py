"""The notification feed with read state (R-NOT-5), recipients (R-NOT-2), R-MGR-2, R-ERR-2."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from core import ids
from models.accounts import BillingAccount, Manager
from models.notifications import EventKind, Notification
from notifications.events import record_event
from tests.conftest import (
    current_services,
    gql,
    make_account,
    make_user,
    operator_gql,
    owner_of,
    sign_in,
)

FEED = """
query Feed($first: Int, $after: String, $unreadOnly: Boolean) {
  me {
    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
      unreadCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id event title message readAt createdAt billingAccount { id } } }
    }
  }
}
"""
MARK_READ = """
mutation Mark($ids: [ID!], $all: Boolean) {
  markNotificationsRead(ids: $ids, all: $all) { unreadCount userErrors { field code } }
}
"""
NODE = "query Node($id: ID!) { node(id: $id) { ... on Notification { id title } } }"


async def happen(
    account: BillingAccount, title: str, kind: EventKind = EventKind.INVOICE_ISSUED
) -> None:
    async with in_transaction():
        await record_event(
            current_services().live, current_services().clock, account, kind, title, f"{title}."
        )


async def test_r_not_5_feed_pages_newest_first_with_unread_count(db: None) -> None:
    """Given five notifications, pages of two come newest first and the cursor continues."""
    account = await make_account()
    owner = await owner_of(account)
    for n in range(5):
        await happen(account, f"Event {n}")
    first = (await gql(FEED, {"first": 2}, as_=owner))["me"]["notifications"]
    assert [e["node"]["title"] for e in first["edges"]] == ["Event 4", "Event 3"]
    assert first["unreadCount"] == 5
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["edges"][0]["node"]["billingAccount"]["id"] == ids.encode(
        "BillingAccount", account.id
    )
    rest = await gql(FEED, {"first": 10, "after": first["pageInfo"]["endCursor"]}, as_=owner)
    titles = [e["node"]["title"] for e in rest["me"]["notifications"]["edges"]]
    assert titles == ["Event 2", "Event 1", "Event 0"]
    assert rest["me"]["notifications"]["pageInfo"]["hasNextPage"] is False


async def test_r_not_5_mark_some_and_all_read(db: None) -> None:
    """Given three unread, marking one leaves two unread; unreadOnly hides it; all clears."""
    account = await make_account()
    owner = await owner_of(account)
    for n in range(3):
        await happen(account, f"Event {n}")
    feed = (await gql(FEED, as_=owner))["me"]["notifications"]
    newest = feed["edges"][0]["node"]["id"]
    marked = (await gql(MARK_READ, {"ids": [newest]}, as_=owner))["markNotificationsRead"]
    assert marked == {"unreadCount": 2, "userErrors": []}
    unread = (await gql(FEED, {"unreadOnly": True}, as_=owner))["me"]["notifications"]
    assert newest not in [e["node"]["id"] for e in unread["edges"]]
    assert len(unread["edges"]) == 2
    everything = (await gql(MARK_READ, {"all": True}, as_=owner))["markNotificationsRead"]
    assert everything["unreadCount"] == 0
    assert all(
        e["node"]["readAt"] for e in (await gql(FEED, as_=owner))["me"]["notifications"]["edges"]
    )


async def test_r_err_2_marking_anothers_notification_is_not_found_and_changes_nothing(
    db: None,
) -> None:
    """Given another user's notification id among mine, nothing is marked: NOT_FOUND."""
    acme = await make_account("olga@acme.example", "Acme")
    other = await make_account("oscar@other.example", "Other")
    olga = await owner_of(acme)
    await happen(acme, "Mine")
    await happen(other, "Theirs")
    mine = await Notification.get(account_id=acme.id)
    theirs = await Notification.get(account_id=other.id)
    result = (
        await gql(
            MARK_READ,
            {"ids": [ids.encode("Notification", mine.id), ids.encode("Notification", theirs.id)]},
            as_=olga,
        )
    )["markNotificationsRead"]
    assert result["userErrors"] == [{"field": ["ids"], "code": "NOT_FOUND"}]
    assert await Notification.filter(read_at__isnull=False).count() == 0
    assert (await gql(NODE, {"id": ids.encode("Notification", theirs.id)}, as_=olga))[
        "node"
    ] is None
    assert (await gql(NODE, {"id": ids.encode("Notification", mine.id)}, as_=olga))["node"][
        "title"
    ] == "Mine"


async def test_r_not_2_only_contacts_get_notifications_not_every_manager(
    db: None,
) -> None:
    """Given a manager who is not a contact, only contacts get notifications."""
    account = await make_account()
    owner = await owner_of(account)
    bob = await make_user("bob@example.com", "Bob")
    await Manager.create(account=account, user=bob, is_owner=False, added_at=account.created_at)
    await happen(account, "Renewed", EventKind.SUBSCRIPTION_RENEWED)
    assert await Notification.filter(user_id=owner.user.id).count() == 1
    assert await Notification.filter(user_id=bob.id).count() == 0
    feed = (await gql(FEED, as_=await sign_in(bob)))["me"]["notifications"]
    assert feed["edges"] == [] and feed["unreadCount"] == 0


async def test_r_mgr_2_a_removed_manager_no_longer_reads_the_accounts_notifications(
    db: None,
) -> None:
    """Given a manager with notifications of an account, once removed the feed hides them."""
    account = await make_account()
    owner = await owner_of(account)
    await happen(account, "Before removal")
    assert (await gql(FEED, as_=owner))["me"]["notifications"]["unreadCount"] == 1
    await Manager.filter(account_id=account.id, user_id=owner.user.id).delete()
    feed = (await gql(FEED, as_=owner))["me"]["notifications"]
    assert feed == {
        "unreadCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


async def test_signed_out_me_is_null_and_mark_read_is_unauthenticated(db: None) -> None:
    assert (await gql(FEED))["me"] is None
    result = (await gql(MARK_READ, {"all": True}))["markNotificationsRead"]
    assert result["userErrors"] == [{"field": None, "code": "UNAUTHENTICATED"}]


ISSUE_INVOICE = """
mutation Issue($input: IssueInvoiceInput!) {
  issueInvoice(input: $input) { invoice { id number } userErrors { field code message } }
}
"""
FEED_WITH_INVOICE = """
{ me { notifications { edges { node { event invoice { id number } subscription { id } } } } } }
"""


async def test_r_not_2_an_issued_invoice_appears_in_the_feed_with_its_invoice(db: None) -> None:
    """Given the operator issues an invoice, the billing contact's feed links to it."""
    account = await make_account()
    owner = await owner_of(account)
    issued = (
        await operator_gql(
            ISSUE_INVOICE,
            {
                "input": {
                    "billingAccountId": ids.encode("BillingAccount", account.id),
                    "lines": [{"description": "Seats", "quantity": 2, "unitPriceMinor": 1000}],
                }
            },
        )
    )["issueInvoice"]
    assert issued["userErrors"] == []
    edges = (await gql(FEED_WITH_INVOICE, as_=owner))["me"]["notifications"]["edges"]
    assert edges[0]["node"] == {
        "event": "INVOICE_ISSUED",
        "invoice": issued["invoice"],
        "subscription": None,
    }

"""Subscriptions: R-SUB-1 (what managers see), R-SUB-2 (reseller subscriptions), seat changes with
a prorated invoice, license download, R-NOT-1 (subscription events)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import httpx

from adapters.payments import SandboxGateway
from core.secrets import secret_key
from core.tokens import sign
from models.invoices import Invoice, InvoiceLine, InvoiceStatus
from models.notifications import Event, EventKind
from models.subscriptions import Deployment, Subscription
from resolvers.services import Services
from tests.billing_support import add_card, gateway, gid, make_subscription
from tests.conftest import gql, make_account, make_user, operator_gql, owner_of, sign_in

__all__ = ["gateway"]

CREATE = """
mutation($input: CreateSubscriptionInput!) {
  createSubscription(input: $input) {
    subscription { id name plan seats channel resellerName status autoRenew }
    userErrors { field code message }
  }
}"""

LIST = """
query($a: ID!) {
  billingAccount(id: $a) {
    subscriptions {
      id name plan deployment seats startDate endDate autoRenew status channel resellerName
      namespacePath canDownloadLicense
    }
  }
}"""

NAMESPACE = """
mutation($s: ID!, $p: String!) {
  associateSubscriptionNamespace(subscriptionId: $s, namespacePath: $p) {
    subscription { namespacePath } userErrors { field code message }
  }
}"""

SEATS = """
mutation($s: ID!, $n: Int!) {
  updateSubscriptionSeats(subscriptionId: $s, seats: $n) {
    subscription { seats } userErrors { field code message }
  }
}"""

AUTO = """
mutation($s: ID!, $on: Boolean!) {
  setSubscriptionAutoRenew(subscriptionId: $s, autoRenew: $on) {
    subscription { autoRenew } userErrors { code message }
  }
}"""

CANCEL = """
mutation($s: ID!) { cancelSubscription(subscriptionId: $s) {
  subscription { status autoRenew } userErrors { code } } }"""


def _input(account_id: int, **extra: object) -> dict[str, object]:
    return {
        "billingAccountId": gid("BillingAccount", account_id),
        "plan": "Ultimate",
        "deployment": "GITLAB_COM",
        "seats": 10,
        "unitPriceMinor": 118_800,
        "startDate": "2026-01-01",
        "endDate": "2027-01-01",
        **extra,
    }


async def test_r_sub_1_direct_subscription_issues_its_invoice(db: None) -> None:
    """R-SUB-1 / R-NOT-1: a direct sale gets a sequential name, its invoice and an event."""
    account = await make_account(country="US")
    first = (await operator_gql(CREATE, {"input": _input(account.id)}))["createSubscription"]
    second = (await operator_gql(CREATE, {"input": _input(account.id)}))["createSubscription"]
    assert first["subscription"]["name"] == "A-S00012345"
    assert second["subscription"]["name"] == "A-S00012346"
    invoices = await Invoice.filter(account_id=account.id).order_by("id")
    assert [i.total_minor for i in invoices] == [1_188_000, 1_188_000]
    line = await InvoiceLine.get(invoice_id=invoices[0].id)
    assert (line.quantity, line.unit_price_minor) == (10, 118_800)
    assert await Event.filter(kind=EventKind.SUBSCRIPTION_CREATED).count() == 2


async def test_r_sub_2_reseller_subscription_has_no_invoice(db: None) -> None:
    """R-SUB-2: a reseller subscription names its reseller and issues no invoice."""
    account = await make_account()
    created = await operator_gql(
        CREATE, {"input": _input(account.id, channel="RESELLER", resellerName="Partner AG")}
    )
    assert created["createSubscription"]["subscription"]["resellerName"] == "Partner AG"
    assert await Invoice.all().count() == 0
    missing = await operator_gql(CREATE, {"input": _input(account.id, channel="RESELLER")})
    assert missing["createSubscription"]["userErrors"][0]["field"] == ["input", "resellerName"]


async def test_r_sub_1_managers_see_subscriptions(db: None) -> None:
    """R-SUB-1: plan, deployment, seats, term, auto-renew and channel are listed."""
    account = await make_account()
    await make_subscription(account, deployment=Deployment.SELF_MANAGED)
    await make_subscription(account, reseller="Partner AG")
    owner = await owner_of(account)
    rows = (await gql(LIST, {"a": gid("BillingAccount", account.id)}, as_=owner))["billingAccount"][
        "subscriptions"
    ]
    assert [(r["deployment"], r["channel"], r["resellerName"]) for r in rows] == [
        ("SELF_MANAGED", "DIRECT", None),
        ("GITLAB_COM", "RESELLER", "Partner AG"),
    ]
    assert rows[0]["startDate"] == "2026-01-01" and rows[0]["endDate"] == "2027-01-01"
    assert [r["canDownloadLicense"] for r in rows] == [True, False]


async def test_r_sub_2_namespace_association_for_gitlab_com_also_for_resellers(db: None) -> None:
    """R-SUB-2: a GitLab.com subscription, even a reseller's, is tied to a valid group path."""
    account = await make_account()
    subscription = await make_subscription(account, reseller="Partner AG")
    sm = await make_subscription(account, deployment=Deployment.SELF_MANAGED)
    owner = await owner_of(account)
    sid = gid("ProductSubscription", subscription.id)

    ok = await gql(NAMESPACE, {"s": sid, "p": "acme/engineering"}, as_=owner)
    assert ok["associateSubscriptionNamespace"]["subscription"]["namespacePath"] == (
        "acme/engineering"
    )
    bad = await gql(NAMESPACE, {"s": sid, "p": "-bad name!"}, as_=owner)
    assert bad["associateSubscriptionNamespace"]["userErrors"][0]["field"] == ["namespacePath"]
    self_managed = await gql(
        NAMESPACE, {"s": gid("ProductSubscription", sm.id), "p": "acme"}, as_=owner
    )
    assert self_managed["associateSubscriptionNamespace"]["userErrors"][0]["code"] == "INVALID"
    assert (await Subscription.get(id=subscription.id)).namespace_path == "acme/engineering"


async def test_r_sub_2_reseller_subscription_changes_name_the_reseller(db: None) -> None:
    """R-SUB-2: seats and auto-renew of a reseller subscription are MANAGED_BY_RESELLER,
    and the message names the reseller; nothing changes."""
    account = await make_account()
    subscription = await make_subscription(account, reseller="Partner AG")
    owner = await owner_of(account)
    sid = gid("ProductSubscription", subscription.id)
    seats = (await gql(SEATS, {"s": sid, "n": 20}, as_=owner))["updateSubscriptionSeats"]
    auto = (await gql(AUTO, {"s": sid, "on": False}, as_=owner))["setSubscriptionAutoRenew"]
    for error in (seats["userErrors"][0], auto["userErrors"][0]):
        assert error["code"] == "MANAGED_BY_RESELLER"
        assert "Partner AG" in error["message"]
    stored = await Subscription.get(id=subscription.id)
    assert (stored.seats, stored.auto_renew) == (10, True)


async def test_seat_increase_issues_prorated_invoice(
    db: None, gateway: SandboxGateway, services: Services
) -> None:
    """R-SUB-1 / R-SUB-4 / R-NOT-1: 5 more seats with 183 of 365 days left: each seat costs
    348.00 x 183 / 365 = 174.4767 -> 174.48 (half up), 5 seats 872.40, charged at once to the
    card on file; plus events."""
    with services.clock.frozen(datetime(2026, 7, 2, 9, 0, tzinfo=UTC)):
        account = await make_account(country="US")
        subscription = await make_subscription(account, issue=False)
        await add_card(account)
        owner = await owner_of(account)
        result = await gql(
            SEATS, {"s": gid("ProductSubscription", subscription.id), "n": 15}, as_=owner
        )
    assert result["updateSubscriptionSeats"]["subscription"]["seats"] == 15
    invoice = await Invoice.get(subscription_id=subscription.id)
    line = await InvoiceLine.get(invoice_id=invoice.id)
    assert (line.quantity, line.unit_price_minor, invoice.total_minor) == (5, 17_448, 87_240)
    assert invoice.status is InvoiceStatus.PAID
    assert [c.amount_minor for c in gateway.charges] == [87_240]
    assert await Event.filter(kind=EventKind.SUBSCRIPTION_SEATS_CHANGED).count() == 1
    assert await Event.filter(kind=EventKind.INVOICE_ISSUED).count() == 1


async def test_r_sub_4_seats_without_a_card_are_refused_and_nothing_changes(
    db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-4: a manager with no card on file asks for 3 more seats (5 -> 8):
    PAYMENT_METHOD_REQUIRED; no seats, no invoice, no charge, no event."""
    account = await make_account(country="US")
    subscription = await make_subscription(account, seats=5, issue=False)
    owner = await owner_of(account)
    events_before = await Event.all().count()

    result = await gql(SEATS, {"s": gid("ProductSubscription", subscription.id), "n": 8}, as_=owner)

    payload = result["updateSubscriptionSeats"]
    assert payload["subscription"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("PAYMENT_METHOD_REQUIRED", ["paymentMethodId"])
    ]
    assert (await Subscription.get(id=subscription.id)).seats == 5
    assert await Invoice.all().count() == 0
    assert gateway.charges == []
    assert await Event.all().count() == events_before


async def test_seat_decrease_mid_term_is_refused(db: None, services: Services) -> None:
    """R-ERR-1: fewer seats mid-term is INVALID with a reason; nothing changes."""
    with services.clock.frozen(datetime(2026, 7, 2, 9, 0, tzinfo=UTC)):
        account = await make_account()
        subscription = await make_subscription(account, issue=False)
        owner = await owner_of(account)
        result = await gql(
            SEATS, {"s": gid("ProductSubscription", subscription.id), "n": 5}, as_=owner
        )
    error = result["updateSubscriptionSeats"]["userErrors"][0]
    assert error["code"] == "INVALID" and "renewal" in error["message"]
    assert (await Subscription.get(id=subscription.id)).seats == 10
    assert await Invoice.all().count() == 0


async def test_auto_renew_and_cancel(db: None) -> None:
    """R-NOT-1: auto-renew can be turned off; the operator cancels with an event."""
    account = await make_account()
    subscription = await make_subscription(account, issue=False)
    owner = await owner_of(account)
    sid = gid("ProductSubscription", subscription.id)
    off = await gql(AUTO, {"s": sid, "on": False}, as_=owner)
    assert off["setSubscriptionAutoRenew"]["subscription"]["autoRenew"] is False
    cancelled = (await operator_gql(CANCEL, {"s": sid}))["cancelSubscription"]
    assert cancelled["subscription"]["status"] == "CANCELLED"
    assert await Event.filter(kind=EventKind.SUBSCRIPTION_CANCELLED).count() == 1


async def test_r_err_2_strangers_get_not_found(db: None) -> None:
    """R-ERR-2: another account's subscription is not found for every mutation."""
    account = await make_account()
    subscription = await make_subscription(account, issue=False)
    stranger = await sign_in(await make_user("eve@example.com"))
    sid = gid("ProductSubscription", subscription.id)
    seats = await gql(SEATS, {"s": sid, "n": 20}, as_=stranger)
    assert seats["updateSubscriptionSeats"]["userErrors"][0]["code"] == "NOT_FOUND"
    ns = await gql(NAMESPACE, {"s": sid, "p": "x"}, as_=stranger)
    assert ns["associateSubscriptionNamespace"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_r_sub_2_license_download_for_self_managed_also_through_reseller(db: None) -> None:
    """R-SUB-2: managers download a signed license of a Self-Managed subscription, even one
    bought through a reseller; others get 404."""
    from server import create_app

    account = await make_account()
    subscription = await make_subscription(
        account, deployment=Deployment.SELF_MANAGED, reseller="Partner AG"
    )
    owner = await owner_of(account)
    stranger = await sign_in(await make_user("eve@example.com"))
    path = f"/subscriptions/{gid('ProductSubscription', subscription.id)}/license"
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        ok = await client.get(path, headers={"Authorization": f"Bearer {owner.token}"})
        other = await client.get(path, headers={"Authorization": f"Bearer {stranger.token}"})
    assert ok.status_code == 200
    document = ok.json()
    assert document["license"]["subscription"] == subscription.name
    assert document["license"]["seats"] == 10
    assert document["license"]["expires_at"] == date(2027, 1, 1).isoformat()
    canonical = json.dumps(document["license"], sort_keys=True, separators=(",", ":"))
    assert document["signature"] == sign(secret_key(), canonical)
    assert other.status_code == 404


async def test_r_sub_2_no_invoice_for_a_reseller_subscription(db: None) -> None:
    """R-SUB-2: invoices of a reseller subscription go through the reseller."""
    account = await make_account()
    subscription = await make_subscription(account, reseller="Partner AG")
    result = await operator_gql(
        """mutation($input: IssueInvoiceInput!) {
             issueInvoice(input: $input) { invoice { id } userErrors { code message } } }""",
        {
            "input": {
                "billingAccountId": gid("BillingAccount", account.id),
                "subscriptionId": gid("ProductSubscription", subscription.id),
                "lines": [{"description": "Seats", "quantity": 1, "unitPriceMinor": 100}],
            }
        },
    )
    error = result["issueInvoice"]["userErrors"][0]
    assert error["code"] == "MANAGED_BY_RESELLER" and "Partner AG" in error["message"]
    assert await Invoice.all().count() == 0

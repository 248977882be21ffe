"""Buying in the portal: R-SUB-4 (catalog, purchases priced, taxed, charged once, logged,
announced; a card is required), R-SUB-2 (reseller subscriptions stay view-only), R-PAY-6 (the
chosen card), R-SUB-5 (the confirmation says how to get access)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest

from adapters.payments import SandboxGateway
from models.accounts import BillingAccount
from models.activity import ActivityEntry
from models.invoices import Invoice, InvoiceStatus
from models.notifications import Event, EventKind, Notification
from models.outbox import OutboxEmail
from models.payments import Payment, PaymentStatus
from models.purchases import Purchase, PurchaseStatus
from models.subscriptions import Subscription
from resolvers.accounts import NewAccount, create_billing_account
from resolvers.services import Services
from tests.billing_support import add_card, gateway, gid, make_subscription
from tests.conftest import Viewer, current_services, gql, make_account, operator_gql, owner_of

__all__ = ["gateway"]

SAVE_PLAN = """
mutation($input: SaveCatalogPlanInput!) {
  saveCatalogPlan(input: $input) {
    plan { id code name active prices { amount currency } }
    userErrors { field code message }
  }
}"""
SAVE_ADD_ON = """
mutation($input: SaveCatalogAddOnInput!) {
  saveCatalogAddOn(input: $input) {
    addOn { id code kind packSize prices { amount currency } }
    userErrors { field code message }
  }
}"""
CATALOG = """
query { catalog { plans { code price(currency: "EUR") { amount } } addOns { code } } }
"""
OPERATOR_CATALOG = "query { catalog { plans { code active } } }"
BUY = """
mutation($input: PurchaseSubscriptionInput!) {
  purchaseSubscription(input: $input) {
    purchase { id kind status quantity unitPrice { amount currency } }
    subscription { id name plan deployment seats startDate endDate status channel
                   renewalPaymentMethod { last4 } renewsOnDefaultCard }
    invoice { id number status subtotal { amount } tax { amount } total { amount currency }
              taxTreatment lines { description quantity unitPrice { amount } } }
    payment { status amount { amount currency } paymentMethod { last4 } }
    userErrors { field code message }
  }
}"""
BUY_ADD_ON = """
mutation($input: PurchaseAddOnInput!) {
  purchaseAddOn(input: $input) {
    purchase { kind status quantity }
    subscription { addOns { name packs packSize } }
    invoice { status total { amount } lines { description quantity } }
    payment { status paymentMethod { last4 } }
    userErrors { field code message }
  }
}"""
PAY = """
mutation($input: PayInvoiceInput!) {
  payInvoice(input: $input) { invoice { status } userErrors { code } }
}"""

PREMIUM = {
    "code": "premium",
    "name": "Premium",
    "prices": [
        {"currency": "USD", "unitPriceMinor": 34_800},
        {"currency": "EUR", "unitPriceMinor": 32_400},
    ],
}
STORAGE = {
    "code": "storage-10gb",
    "name": "Storage 10 GB",
    "kind": "STORAGE",
    "packSize": 10,
    "prices": [{"currency": "EUR", "unitPriceMinor": 6_000}],
}


async def catalog() -> tuple[str, str]:
    plan = (await operator_gql(SAVE_PLAN, {"input": PREMIUM}))["saveCatalogPlan"]["plan"]
    add_on = (await operator_gql(SAVE_ADD_ON, {"input": STORAGE}))["saveCatalogAddOn"]["addOn"]
    return plan["id"], add_on["id"]


async def eur_account(tax_id: str | None = None) -> BillingAccount:
    """A German company billed in EUR: 19 % VAT without a VAT id (R-TAX-2)."""
    return await create_billing_account(
        current_services().clock,
        NewAccount(
            company_name="Acme GmbH",
            country="DE",
            tax_id=tax_id,
            currency="EUR",
            owner_email="owner@example.com",
            owner_first_name="Olga",
            owner_last_name="Owner",
        ),
    )


async def buy(viewer: Viewer, account: BillingAccount, plan: str, **extra: Any) -> Any:
    variables = {
        "input": {
            "billingAccountId": gid("BillingAccount", account.id),
            "planId": plan,
            "deployment": "GITLAB_COM",
            "seats": 5,
            "idempotencyKey": "order-1",
            **extra,
        }
    }
    return (await gql(BUY, variables, as_=viewer))["purchaseSubscription"]


async def test_r_sub_4_the_operator_maintains_the_catalog(db: None) -> None:
    """R-SUB-4: plans and add-ons are saved by code (saving again changes them); an inactive
    plan leaves the customers' catalog but stays in the operator's; bad prices are INVALID."""
    await catalog()
    changed = await operator_gql(
        SAVE_PLAN,
        {"input": {**PREMIUM, "prices": [{"currency": "eur", "unitPriceMinor": 33_000}]}},
    )
    assert changed["saveCatalogPlan"]["plan"]["prices"] == [{"amount": "330.00", "currency": "EUR"}]
    shown = await gql(CATALOG)
    assert shown["catalog"] == {
        "plans": [{"code": "premium", "price": {"amount": "330.00"}}],
        "addOns": [{"code": "storage-10gb"}],
    }

    await operator_gql(SAVE_PLAN, {"input": {**PREMIUM, "active": False}})
    assert (await gql(CATALOG))["catalog"]["plans"] == []
    operator_view = await operator_gql(OPERATOR_CATALOG)
    assert operator_view["catalog"]["plans"] == [{"code": "premium", "active": False}]

    bad = await operator_gql(
        SAVE_PLAN, {"input": {**PREMIUM, "prices": [{"currency": "XYZ", "unitPriceMinor": 1}]}}
    )
    assert bad["saveCatalogPlan"]["userErrors"][0]["field"] == ["input", "prices", "0", "currency"]
    negative = await operator_gql(
        SAVE_ADD_ON,
        {"input": {**STORAGE, "prices": [{"currency": "EUR", "unitPriceMinor": -1}]}},
    )
    assert negative["saveCatalogAddOn"]["userErrors"][0]["code"] == "INVALID"


async def test_r_sub_4_buy_a_subscription_priced_taxed_charged_logged_announced(
    db: None, gateway: SandboxGateway, services: Services
) -> None:
    """R-SUB-4, R-SUB-5: 5 Premium seats for a German company billed in EUR: 5 x 324.00 =
    1620.00 + 19 % VAT = 1927.80, charged once to the default card; the invoice is PAID, the
    subscription runs one year, the activity log and the contacts are told, and the
    confirmation says how to link it to a group."""
    plan, _ = await catalog()
    account = await eur_account()
    await add_card(account)
    owner = await owner_of(account)

    with services.clock.frozen(datetime(2026, 3, 10, 9, 0, tzinfo=UTC)):
        bought = await buy(owner, account, plan)

    assert bought["userErrors"] == []
    assert bought["purchase"]["status"] == "COMPLETED"
    assert bought["purchase"]["unitPrice"] == {"amount": "324.00", "currency": "EUR"}
    invoice = bought["invoice"]
    assert (invoice["status"], invoice["taxTreatment"]) == ("PAID", "STANDARD_RATE")
    assert (invoice["subtotal"], invoice["tax"]) == ({"amount": "1620.00"}, {"amount": "307.80"})
    assert invoice["total"] == {"amount": "1927.80", "currency": "EUR"}
    assert invoice["lines"] == [
        {
            "description": "Premium (GitLab.com), 2026-03-10 to 2027-03-10",
            "quantity": 5,
            "unitPrice": {"amount": "324.00"},
        }
    ]
    assert bought["payment"]["status"] == "SUCCEEDED"
    assert [(c.amount_minor, c.currency) for c in gateway.charges] == [(192_780, "EUR")]
    subscription = bought["subscription"]
    assert (subscription["plan"], subscription["seats"], subscription["channel"]) == (
        "Premium",
        5,
        "DIRECT",
    )
    assert (subscription["startDate"], subscription["endDate"]) == ("2026-03-10", "2027-03-10")
    assert subscription["renewsOnDefaultCard"] is True
    stored = await Invoice.get(number=invoice["number"])
    assert stored.subscription_id == (await Subscription.get(name=subscription["name"])).id  # type: ignore[attr-defined]

    actions: list[str] = await ActivityEntry.filter(account_id=account.id).values_list(  # type: ignore[assignment]
        "action", flat=True
    )
    assert "subscription_purchased" in actions and "payment_succeeded" in actions
    created = await Event.get(account_id=account.id, kind=EventKind.SUBSCRIPTION_CREATED)
    page = f"http://app.test/accounts/{gid('BillingAccount', account.id)}/subscriptions"
    assert "link subscription" in created.message and page in created.message
    assert await Notification.filter(event_id=created.id).count() == 1  # the owner
    [confirmation] = await OutboxEmail.filter(to="owner@example.com", subject__contains="access")
    assert "How to get access (GitLab.com)" in confirmation.text_body
    assert page in confirmation.text_body
    assert "Placed by Olga Owner" in confirmation.html_body


async def test_r_sub_4_same_key_returns_the_first_purchase_and_charges_once(
    db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-4: a retry with the same key returns the same purchase; the same key with other
    parameters is IDEMPOTENCY_KEY_REUSED; one subscription, one charge."""
    plan, _ = await catalog()
    account = await eur_account()
    await add_card(account)
    owner = await owner_of(account)

    first = await buy(owner, account, plan)
    again = await buy(owner, account, plan)
    other = await buy(owner, account, plan, seats=6)

    assert again["purchase"]["id"] == first["purchase"]["id"]
    assert again["subscription"]["name"] == first["subscription"]["name"]
    assert [e["code"] for e in other["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert len(gateway.charges) == 1
    assert await Subscription.filter(account_id=account.id).count() == 1


async def test_r_sub_4_no_card_on_record_is_refused_and_nothing_changes(
    db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-4: without a card: PAYMENT_METHOD_REQUIRED; no purchase, invoice, charge, event."""
    plan, _ = await catalog()
    account = await eur_account()
    owner = await owner_of(account)
    events = await Event.all().count()

    refused = await buy(owner, account, plan)

    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("PAYMENT_METHOD_REQUIRED", ["input", "paymentMethodId"])
    ]
    assert refused["purchase"] is None
    assert await Purchase.all().count() == 0
    assert await Invoice.all().count() == 0
    assert await Subscription.all().count() == 0
    assert await Event.all().count() == events
    assert gateway.charges == []


async def test_r_sub_4_a_plan_not_sold_in_the_accounts_currency(
    db: None, gateway: SandboxGateway, services: Services
) -> None:
    """R-SUB-4: priced in the account's currency only: a plan without a JPY price cannot be
    bought by an account billed in JPY."""
    plan, _ = await catalog()
    account = await create_billing_account(
        services.clock,
        NewAccount("Kabushiki", "JP", "jp@example.com", "Jun", "Pei", currency="JPY"),
    )
    await add_card(account)
    owner = await owner_of(account)

    refused = await buy(owner, account, plan)

    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("NOT_SOLD_IN_CURRENCY", ["input", "planId"])
    ]
    assert gateway.charges == [] and await Invoice.all().count() == 0


async def test_r_sub_4_declined_card_leaves_the_order_awaiting_payment_until_paid(
    db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-4, R-BILL-4: a declined card answers CARD_DECLINED, the invoice stays open and
    nothing is created; paying that invoice later with another card completes the order."""
    plan, _ = await catalog()
    account = await eur_account()
    await add_card(account, "tok_chargeDeclined")
    owner = await owner_of(account)

    declined = await buy(owner, account, plan)

    assert [e["code"] for e in declined["userErrors"]] == ["CARD_DECLINED"]
    assert declined["purchase"]["status"] == "AWAITING_PAYMENT"
    assert declined["invoice"]["status"] == "OPEN"
    assert declined["subscription"] is None
    assert await Subscription.all().count() == 0

    paid = await gql(
        PAY,
        {
            "input": {
                "invoiceId": declined["invoice"]["id"],
                "paymentToken": "tok_visa",
                "idempotencyKey": "second-try",
            }
        },
        as_=owner,
    )
    assert paid["payInvoice"]["invoice"]["status"] == "PAID"
    assert (await Purchase.get()).status is PurchaseStatus.COMPLETED
    assert (await Subscription.get()).seats == 5


async def test_r_pay_6_a_purchase_on_a_chosen_card_renews_on_it(
    db: None, gateway: SandboxGateway
) -> None:
    """R-PAY-6: buying with a card that is not the default charges that card, and the new
    subscription renews on it."""
    plan, _ = await catalog()
    account = await eur_account()
    await add_card(account)
    amex = await add_card(account, "tok_amex")
    owner = await owner_of(account)

    bought = await buy(owner, account, plan, paymentMethodId=gid("PaymentMethod", amex.id))

    assert bought["payment"]["paymentMethod"] == {"last4": "8431"}
    assert bought["subscription"]["renewalPaymentMethod"] == {"last4": "8431"}
    assert bought["subscription"]["renewsOnDefaultCard"] is False
    assert gateway.charges[0].card_ref == amex.gateway_ref


async def test_r_sub_4_add_ons_for_a_direct_subscription_not_a_resellers(
    db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-4, R-SUB-2: 3 storage packs for a direct subscription: 180.00 + VAT charged to its
    card, listed on it, ADD_ON_PURCHASED told; for a reseller's subscription
    MANAGED_BY_RESELLER naming the reseller, and nothing is charged."""
    _, add_on = await catalog()
    account = await eur_account()
    await add_card(account)
    owner = await owner_of(account)
    direct = await make_subscription(account, issue=False)
    resold = await make_subscription(account, reseller="Partner AG", issue=False)

    def order(subscription: Subscription, key: str) -> dict[str, Any]:
        return {
            "input": {
                "subscriptionId": gid("ProductSubscription", subscription.id),
                "addOnId": add_on,
                "quantity": 3,
                "idempotencyKey": key,
            }
        }

    bought = (await gql(BUY_ADD_ON, order(direct, "storage-1"), as_=owner))["purchaseAddOn"]
    refused = (await gql(BUY_ADD_ON, order(resold, "storage-2"), as_=owner))["purchaseAddOn"]

    assert bought["userErrors"] == []
    assert bought["invoice"]["status"] == "PAID"
    assert bought["invoice"]["total"] == {"amount": "214.20"}
    assert bought["subscription"]["addOns"] == [
        {"name": "Storage 10 GB", "packs": 3, "packSize": 10}
    ]
    assert await Event.exists(kind=EventKind.ADD_ON_PURCHASED, subscription_id=direct.id)
    [error] = refused["userErrors"]
    assert error["code"] == "MANAGED_BY_RESELLER" and "Partner AG" in error["message"]
    assert [c.amount_minor for c in gateway.charges] == [21_420]


@pytest.mark.postgres
async def test_r_sub_4_concurrent_purchases_under_one_key_charge_once(
    pg_db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-4 on PostgreSQL: 10 simultaneous purchaseSubscription calls with one key: one
    purchase, one invoice, one payment, one gateway charge, one subscription, and every caller
    gets that same purchase."""
    plan, _ = await catalog()
    account = await eur_account()
    await add_card(account)
    owner = await owner_of(account)

    results = await asyncio.gather(*(buy(owner, account, plan) for _ in range(10)))

    assert all(r["userErrors"] == [] for r in results), results
    assert {r["purchase"]["id"] for r in results} == {results[0]["purchase"]["id"]}
    assert len(gateway.charges) == 1
    assert await Purchase.all().count() == 1
    assert await Invoice.all().count() == 1
    assert await Payment.filter(status=PaymentStatus.SUCCEEDED).count() == 1
    assert await Subscription.all().count() == 1
    assert await Event.filter(kind=EventKind.SUBSCRIPTION_CREATED).count() == 1


@pytest.mark.postgres
async def test_r_sub_4_concurrent_seat_requests_buy_once(
    pg_db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-4 on PostgreSQL: 10 simultaneous "5 -> 8 seats" requests (no key given) buy 3
    seats once: one invoice, one charge, 8 seats."""
    account = await make_account(country="US")
    subscription = await make_subscription(
        account, seats=5, issue=False, start=date(2026, 1, 1), end=date(2027, 6, 1)
    )
    await add_card(account)
    owner = await owner_of(account)
    seats = """
    mutation($s: ID!) {
      updateSubscriptionSeats(subscriptionId: $s, seats: 8) {
        subscription { seats } userErrors { code }
      }
    }"""
    variables = {"s": gid("ProductSubscription", subscription.id)}

    results = await asyncio.gather(*(gql(seats, variables, as_=owner) for _ in range(10)))

    payloads = [r["updateSubscriptionSeats"] for r in results]
    assert all(p["userErrors"] == [] for p in payloads), payloads
    assert (await Subscription.get(id=subscription.id)).seats == 8
    assert len(gateway.charges) == 1
    assert await Invoice.filter(subscription_id=subscription.id).count() == 1
    assert (await Invoice.get(subscription_id=subscription.id)).status is InvoiceStatus.PAID
    assert await Event.filter(kind=EventKind.SUBSCRIPTION_SEATS_CHANGED).count() == 1


async def test_r_sub_5_self_managed_confirmation_says_download_and_activate_the_license(
    db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-5: for Self-Managed the confirmation (email, text and HTML, and the notification)
    says to download and activate the license, with the portal link; never the group link."""
    plan, _ = await catalog()
    account = await eur_account()
    await add_card(account)
    owner = await owner_of(account)

    await buy(owner, account, plan, deployment="SELF_MANAGED")

    link = f"http://app.test/accounts/{gid('BillingAccount', account.id)}/subscriptions"
    [mail] = await OutboxEmail.filter(to="owner@example.com", subject__contains="access")
    assert "How to get access (Self-Managed)" in mail.text_body
    assert "download the license" in mail.text_body and "activate it" in mail.text_body
    assert link in mail.text_body and f'href="{link}"' in mail.html_body
    assert "link subscription" not in mail.text_body
    event = await Event.get(kind=EventKind.SUBSCRIPTION_CREATED)
    assert "download the license" in event.message and link in event.message


async def test_r_sub_5_an_operator_order_confirms_to_the_subscription_contact(
    db: None, services: Services
) -> None:
    """R-SUB-5: a subscription the operator creates (a sales-assisted order) sends the same
    confirmation to the subscription contact, here Bob, not the owner."""
    from models.accounts import Manager
    from resolvers.contacts import set_subscription_contact
    from tests.conftest import make_user

    account = await make_account(country="US")
    owner = await owner_of(account)
    bob = await make_user("bob@example.com", "Bob", "Builder")
    manager = await Manager.create(account=account, user=bob, added_at=services.clock.now())
    await set_subscription_contact(
        services.live, services.clock, owner.user, account.id, manager.id
    )
    await OutboxEmail.all().delete()

    await make_subscription(account, issue=False)

    [mail] = await OutboxEmail.filter(subject__contains="access")
    assert mail.to == "bob@example.com"
    assert mail.text_body.startswith("Hello Bob Builder,")
    assert "link subscription" in mail.text_body


SEATS_WITH_KEY = """
mutation($s: ID!, $n: Int!, $k: String) {
  updateSubscriptionSeats(subscriptionId: $s, seats: $n, idempotencyKey: $k) {
    subscription { seats } userErrors { field code }
  }
}"""


async def test_r_sub_4_a_seat_purchase_retried_with_its_key_is_not_bought_again(
    db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-4: 10 -> 12 seats under key A, then 12 -> 15 under key B; retrying A later
    answers without buying (one charge each); A with other seats is IDEMPOTENCY_KEY_REUSED."""
    account = await make_account(country="US")
    subscription = await make_subscription(account, issue=False, end=date(2027, 6, 1))
    await add_card(account)
    owner = await owner_of(account)
    sid = gid("ProductSubscription", subscription.id)

    async def seats(n: int, key: str) -> Any:
        result = await gql(SEATS_WITH_KEY, {"s": sid, "n": n, "k": key}, as_=owner)
        return result["updateSubscriptionSeats"]

    first = await seats(12, "seats-a")
    second = await seats(15, "seats-b")
    retried = await seats(12, "seats-a")
    reused = await seats(13, "seats-a")

    assert first["subscription"] == {"seats": 12}
    assert second["subscription"] == {"seats": 15}
    assert retried == {"subscription": {"seats": 15}, "userErrors": []}
    assert reused["userErrors"] == [{"field": ["idempotencyKey"], "code": "IDEMPOTENCY_KEY_REUSED"}]
    assert len(gateway.charges) == 2
    assert (await Subscription.get(id=subscription.id)).seats == 15

"""No N+1 (STYLE.md, R-ERR-3): the dashboard query runs a number of SQL statements that does not
grow with the number of invoices, lines, payments, cards or subscriptions shown."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bench.dashboard_shape import DASHBOARD as SPA_DASHBOARD
from bench.dashboard_shape import seed_account
from models.accounts import BillingAccount, Contact, ContactRole
from models.invoices import Invoice, InvoiceLine, InvoiceStatus
from models.payments import Payment, PaymentMethod, PaymentStatus
from models.users import User
from resolvers.services import Services
from schema.context import Loaders
from tests.billing_support import gid, make_subscription
from tests.conftest import Result, Viewer, current_services, gql, make_account, owner_of, sign_in
from tests.statements import counting_statements

DASHBOARD = """
query($a: ID!, $first: Int!) {
  billingAccount(id: $a) {
    company { name taxTreatment }
    managers { firstName lastName email isOwner }
    paymentMethods { id brand last4 isDefault isExpired }
    defaultPaymentMethod { id }
    subscriptions { id name plan seats endDate autoRenew canDownloadLicense }
    invoices(first: $first) {
      totalCount
      edges {
        node {
          id number status total { amount } amountDue { amount } pdfUrl
          lines { description quantity amount { amount } }
          payments { status amount { amount } paymentMethod { last4 } }
          subscription { name }
        }
      }
    }
  }
}"""


async def seed_invoices(account: BillingAccount, count: int, subscription_id: int) -> None:
    """`count` invoices, each with two lines and a succeeded and a failed payment."""
    card = await PaymentMethod.create(
        account=account,
        gateway_ref="card_x_visa",
        brand="VISA",
        last4="4242",
        exp_month=12,
        exp_year=current_services().clock.today().year + 3,
        is_default=True,
        created_at=current_services().clock.now(),
    )
    now = current_services().clock.now()
    for index in range(count):
        invoice = await Invoice.create(
            account=account,
            subscription_id=subscription_id,
            number=f"2026-9{index:05d}",
            status=InvoiceStatus.PAID,
            issued_at=now + timedelta(seconds=index),
            due_date=now.date(),
            currency="USD",
            subtotal_minor=2_000,
            tax_minor=0,
            total_minor=2_000,
            amount_paid_minor=2_000,
            tax_treatment="NOT_APPLICABLE",
            buyer={"company_name": account.company_name, "country": "US"},
        )
        await InvoiceLine.bulk_create(
            [
                InvoiceLine(
                    invoice=invoice,
                    position=p,
                    description=f"Line {p}",
                    quantity=1,
                    unit_price_minor=1_000,
                    amount_minor=1_000,
                )
                for p in range(2)
            ]
        )
        for status, key in ((PaymentStatus.FAILED, "a"), (PaymentStatus.SUCCEEDED, "b")):
            await Payment.create(
                account=account,
                invoice=invoice,
                payment_method=card,
                status=status,
                amount_minor=2_000,
                currency="USD",
                idempotency_key=f"{index}-{key}",
                created_at=now,
            )


async def _dashboard(viewer: Viewer, account: BillingAccount, first: int) -> tuple[Result, int]:
    with counting_statements() as counter:
        result = await gql(
            DASHBOARD, {"a": gid("BillingAccount", account.id), "first": first}, as_=viewer
        )
    return result, counter.count


async def test_dashboard_statement_count_does_not_grow_with_invoices(db: None) -> None:
    """No N+1: first: 1 and first: 100 run the same number of SQL statements."""
    account = await make_account(country="US")
    subscription = await make_subscription(account, issue=False)
    await make_subscription(account, issue=False)
    await seed_invoices(account, 100, subscription.id)
    owner = await owner_of(account)

    one, one_count = await _dashboard(owner, account, 1)
    hundred, hundred_count = await _dashboard(owner, account, 100)

    edges = hundred["billingAccount"]["invoices"]["edges"]
    assert len(one["billingAccount"]["invoices"]["edges"]) == 1
    assert len(edges) == 100
    assert all(len(e["node"]["lines"]) == 2 and len(e["node"]["payments"]) == 2 for e in edges)
    assert edges[0]["node"]["payments"][0]["paymentMethod"]["last4"] == "4242"
    assert hundred_count == one_count
    assert hundred_count < 25


async def test_issue_11_dashboard_statements_do_not_grow_with_first(
    db: None, services: Services
) -> None:
    """The SPA dashboard of issue 11 (3 managers, both contacts, 2 cards, 3 subscriptions,
    50 invoices of 3 lines): `first: 1` and `first: 50` run the same few statements."""
    account_id, owner_id = await seed_account(services.clock, 0)
    await seed_account(services.clock, 1)  # a neighbour whose rows must not show
    viewer = await sign_in(await User.get(id=owner_id))
    variables = {"a": gid("BillingAccount", account_id)}

    with counting_statements() as one:
        small = await gql(SPA_DASHBOARD, {**variables, "first": 1}, as_=viewer)
    with counting_statements() as fifty:
        full = await gql(SPA_DASHBOARD, {**variables, "first": 50}, as_=viewer)

    invoices = full["billingAccount"]["invoices"]
    assert len(small["billingAccount"]["invoices"]["edges"]) == 1
    assert invoices["totalCount"] == 50 and len(invoices["edges"]) == 50
    assert all(len(e["node"]["lines"]) == 3 for e in invoices["edges"])
    assert len(full["billingAccount"]["managers"]) == 3
    assert full["billingAccount"]["billingContact"]["contact"]["firstName"] == "Bill"
    assert fifty.count == one.count, fifty.statements
    assert fifty.count <= 9, "\n".join(s[:150] for s in fifty.statements)


async def test_r_err_3_a_cancelled_field_does_not_cancel_a_shared_load_for_the_others(
    db: None,
) -> None:
    """Two fields wait for one batched read; graphql-core cancels one (a failed sibling): the
    other still gets its rows."""
    account = await make_account()
    loaders = Loaders()
    cancelled = asyncio.ensure_future(loaders.load_many(Contact, "account_id", account.id))
    waiting = asyncio.ensure_future(loaders.load_many(Contact, "account_id", account.id))
    await asyncio.sleep(0)
    cancelled.cancel()
    rows = await waiting
    assert [c.role for c in rows] == [ContactRole.SUBSCRIPTION]

"""The SPA dashboard query of issue 11 and its data shape, shared by `bench/dashboard.py` and
`tests/test_dashboard_queries.py`.

One manager's billing account with company and address, managers, both contacts, cards,
default card, subscriptions, and `invoices(first:)` with totalCount, pageInfo, money fields,
pdfUrl, `subscription { name }` and lines. Data: accounts with 3 managers, 2 cards,
3 subscriptions and 50 invoices of 3 lines each.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.clock import Clock

DASHBOARD = """
query Dashboard($a: ID!, $first: Int!) {
  billingAccount(id: $a) {
    id
    company {
      name taxId country taxTreatment
      address { line1 line2 city postalCode region country }
    }
    managers { id firstName lastName email isOwner }
    subscriptionContact { firstName lastName email phone }
    billingContact { kind contact { firstName lastName email phone } }
    paymentMethods { id brand last4 expMonth expYear isDefault isExpired }
    defaultPaymentMethod { id last4 }
    subscriptions { id name plan seats startDate endDate autoRenew status }
    invoices(first: $first) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id number status issuedAt dueDate
          subtotal { amount currency }
          tax { amount currency }
          total { amount currency }
          amountDue { amount currency }
          pdfUrl
          subscription { name }
          lines { description quantity amount { amount currency } }
        }
      }
    }
  }
}"""

MANAGERS = 3
CARDS = 2
SUBSCRIPTIONS = 3
INVOICES = 50
LINES = 3


def count_fields(value: Any) -> int:
    """How many fields a GraphQL response holds (objects and leaves, list items not counted)."""
    if isinstance(value, dict):
        return sum(1 + count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 0


async def seed_account(clock: Clock, index: int, invoices: int = INVOICES) -> tuple[int, int]:
    """One account of the dashboard's shape; (account id, owner user id)."""
    from models.accounts import BillingAccount, BillingContactKind, Contact, ContactRole, Manager
    from models.invoices import Invoice, InvoiceLine, InvoiceStatus
    from models.payments import PaymentMethod
    from models.subscriptions import Deployment, Subscription
    from models.users import User

    now = clock.now()
    account = await BillingAccount.create(
        company_name=f"Bench {index} GmbH",
        country="DE",
        tax_id=f"DE{100_000_000 + index}",
        address={"line1": f"Hauptstr. {index}", "city": "Berlin", "country": "DE"},
        currency="EUR",
        created_at=now,
        billing_contact_kind=BillingContactKind.CUSTOM,
    )
    users = [
        await User.create(
            email=f"m{m}.a{index}@bench.example",
            first_name=f"Manager{m}",
            last_name=f"Account{index}",
            created_at=now,
            first_signed_in_at=now,
            email_confirmed_at=now,
        )
        for m in range(MANAGERS)
    ]
    managers = [
        await Manager.create(account=account, user=u, is_owner=m == 0, added_at=now)
        for m, u in enumerate(users)
    ]
    owner = users[0]
    await Contact.create(
        account=account,
        role=ContactRole.SUBSCRIPTION,
        manager=managers[0],
        user=owner,
        first_name=owner.first_name,
        last_name=owner.last_name,
        email=owner.email,
        created_at=now,
    )
    await Contact.create(
        account=account,
        role=ContactRole.BILLING,
        first_name="Bill",
        last_name="Payer",
        email=f"billing.a{index}@bench.example",
        phone="+49 30 1234567",
        address={"line1": "Rechnungsweg 1", "city": "Berlin", "country": "DE"},
        created_at=now,
    )
    for c in range(CARDS):
        await PaymentMethod.create(
            account=account,
            gateway_ref=f"card_{index}_{c}",
            brand="VISA" if c == 0 else "MASTERCARD",
            last4=f"42{c}{index % 10}",
            exp_month=12,
            exp_year=now.year + 3,
            is_default=c == 0,
            created_at=now + timedelta(seconds=c),
        )
    subscriptions = [
        await Subscription.create(
            account=account,
            name=f"A{index:04d}-S{s}",
            plan=("Premium", "Ultimate", "Premium")[s],
            deployment=Deployment.GITLAB_COM,
            seats=10 + s,
            unit_price_minor=34_800,
            start_date=date(2026, 1, 1),
            end_date=date(2027, 1, 1),
            created_at=now,
        )
        for s in range(SUBSCRIPTIONS)
    ]
    for n in range(invoices):
        invoice = await Invoice.create(
            account=account,
            subscription=subscriptions[n % SUBSCRIPTIONS],
            number=f"B{index:04d}-{n:05d}",
            status=InvoiceStatus.PAID if n % 5 else InvoiceStatus.OPEN,
            issued_at=now - timedelta(days=invoices - n),
            due_date=(now - timedelta(days=invoices - n - 14)).date(),
            currency="EUR",
            subtotal_minor=3_000,
            tax_minor=570,
            total_minor=3_570,
            amount_paid_minor=3_570 if n % 5 else 0,
            tax_treatment="STANDARD_RATE",
            tax_rate_percent="19.00",
            buyer={"company_name": account.company_name, "country": "DE"},
        )
        await InvoiceLine.bulk_create(
            [
                InvoiceLine(
                    invoice=invoice,
                    position=p,
                    description=f"Line {p} of {invoice.number}",
                    quantity=p + 1,
                    unit_price_minor=500,
                    amount_minor=500 * (p + 1),
                )
                for p in range(LINES)
            ]
        )
    return account.id, owner.id

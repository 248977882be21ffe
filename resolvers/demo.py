"""Demo data for a newcomer (`PORTAL_DEMO=true`): a billing account to explore in GraphiQL.

`seed_demo(gateway, live, clock)` is idempotent: the account is created once; every start prints
a fresh sign-in link for its owner, demo@example.com. The extras (a second manager, an
invitation, a custom billing contact, subscriptions, invoices, cards, a catalog to buy from) are
best effort: a failure there is logged and never stops the service.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from adapters.payments import PaymentGateway
from core.clock import Clock
from models.accounts import BillingAccount, Manager
from models.auth import TokenPurpose
from models.users import User
from notifications.live import Live
from notifications.outbox import app_link
from resolvers.accounts import AddressValue, NewAccount, create_billing_account
from resolvers.auth import LINK_LIFETIME, issue_token

log = logging.getLogger("resolvers.demo")

DEMO_EMAIL = "demo@example.com"
DEMO_COMPANY = "Demo Corp GmbH"
DEMO_ADDRESS = AddressValue(
    line1="Friedrichstraße 123", city="Berlin", postal_code="10117", country="DE"
)


async def seed_demo(gateway: PaymentGateway, live: Live, clock: Clock) -> str:
    """Create the demo account if missing; return (and print) a sign-in link for its owner."""
    account = await BillingAccount.filter(
        company_name=DEMO_COMPANY, managers__user__email=DEMO_EMAIL
    ).first()
    if account is None:
        account = await create_billing_account(
            clock,
            NewAccount(
                company_name=DEMO_COMPANY,
                country="DE",
                tax_id="DE136695976",
                address=DEMO_ADDRESS,
                currency="EUR",
                owner_email=DEMO_EMAIL,
                owner_first_name="Demo",
                owner_last_name="Owner",
            ),
        )
        owner = await User.get(email=DEMO_EMAIL)
        now = clock.now()
        owner.first_signed_in_at = owner.first_signed_in_at or now
        owner.email_confirmed_at = owner.email_confirmed_at or now
        await owner.save(update_fields=["first_signed_in_at", "email_confirmed_at"])
        await _extras(gateway, live, clock, account, owner)
    owner = await User.get(email=DEMO_EMAIL)
    token = await issue_token(clock, owner, TokenPurpose.SIGN_IN, owner.email, LINK_LIFETIME)
    link = app_link("/sign-in", token)
    message = (
        f"Demo account {DEMO_COMPANY!r} (owner {DEMO_EMAIL}). Sign in with this link "
        f"(it works once, within 24 hours) or pass its token to signInWithLink in GraphiQL:"
        f"\n  {link}"
    )
    log.info(message)
    return link


async def _extras(
    gateway: PaymentGateway, live: Live, clock: Clock, account: BillingAccount, owner: User
) -> None:
    """What later features add to the demo; each step on its own, never fatal."""
    steps: list[tuple[str, Callable[[Clock, BillingAccount, User], Awaitable[None]]]] = [
        ("second manager", _second_manager),
        ("cards", functools.partial(_cards, gateway=gateway)),
        ("pending invitation", _invitation),
        ("custom billing contact", functools.partial(_billing_contact, live=live)),
        (
            "subscriptions and invoices",
            functools.partial(_subscriptions_and_invoices, gateway=gateway, live=live),
        ),
        ("catalog", _catalog),
    ]
    for name, step in steps:
        try:
            await account.refresh_from_db()  # what an earlier step changed (billing contact)
            await step(clock, account, owner)
        except Exception:
            log.exception("Demo data: %s skipped", name)


async def _second_manager(clock: Clock, account: BillingAccount, owner: User) -> None:
    now = clock.now()
    user, _ = await User.get_or_create(
        email="grace@example.com",
        defaults={
            "first_name": "Grace",
            "last_name": "Hopper",
            "created_at": now,
            "first_signed_in_at": now,
            "email_confirmed_at": now,
        },
    )
    await Manager.get_or_create(
        account=account, user=user, defaults={"is_owner": False, "added_at": now}
    )


async def _cards(
    clock: Clock, account: BillingAccount, owner: User, *, gateway: PaymentGateway
) -> None:
    from resolvers.payments import add_payment_method

    await add_payment_method(gateway, clock, owner, account.id, "tok_visa")
    await add_payment_method(gateway, clock, owner, account.id, "tok_mastercard")


async def _invitation(clock: Clock, account: BillingAccount, owner: User) -> None:
    from resolvers.invitations import invite

    await invite(clock, owner, account.id, "new.colleague@example.com")


async def _billing_contact(
    clock: Clock, account: BillingAccount, owner: User, *, live: Live
) -> None:
    from resolvers.contacts import ContactValue, set_billing_contact

    await set_billing_contact(
        live,
        clock,
        owner,
        account.id,
        custom=ContactValue(
            first_name="Bill",
            last_name="Payer",
            email="accounts-payable@example.com",
            phone="+49 30 1234567",
            address=DEMO_ADDRESS,
        ),
    )


async def _subscriptions_and_invoices(
    clock: Clock, account: BillingAccount, owner: User, *, gateway: PaymentGateway, live: Live
) -> None:
    from models.invoices import Invoice, InvoiceStatus
    from models.subscriptions import Deployment, SalesChannel
    from resolvers.invoices import LineValue, issue_invoice
    from resolvers.payments import default_method, pay_invoice
    from resolvers.subscriptions import NewSubscription, create_subscription

    today = clock.today()
    year = timedelta(days=365)
    # a direct subscription: its invoice stays open
    await create_subscription(
        live,
        clock,
        NewSubscription(
            account_id=account.id,
            plan="Premium",
            deployment=Deployment.SELF_MANAGED,
            seats=25,
            unit_price_minor=29_000,
            start_date=today,
            end_date=today + year,
        ),
    )
    # one bought through a reseller: managed there, no invoice here
    await create_subscription(
        live,
        clock,
        NewSubscription(
            account_id=account.id,
            plan="Ultimate",
            deployment=Deployment.GITLAB_COM,
            seats=10,
            unit_price_minor=99_000,
            start_date=today - timedelta(days=100),
            end_date=today - timedelta(days=100) + year,
            channel=SalesChannel.RESELLER,
            reseller_name="Example Reseller AG",
            issue_invoice=False,
        ),
    )
    # a paid invoice (with the default card) and a voided one
    paid = await issue_invoice(live, clock, account, [LineValue("Onboarding workshop", 1, 150_000)])
    card = await default_method(account.id)
    await pay_invoice(
        gateway,
        live,
        clock,
        owner,
        paid.id,
        idempotency_key="demo-onboarding",
        payment_method_id=card.id if card else None,
        payment_token=None if card else "tok_visa",
    )
    voided = await issue_invoice(
        live, clock, account, [LineValue("Training (cancelled)", 2, 40_000)]
    )
    await Invoice.filter(id=voided.id).update(status=InvoiceStatus.VOID)


async def _catalog(clock: Clock, account: BillingAccount, owner: User) -> None:
    """Plans and add-ons to try purchaseSubscription and purchaseAddOn with (R-SUB-4)."""
    from models.catalog import AddOnKind
    from resolvers.catalog import AddOnValue, PlanValue, PriceValue, save_add_on, save_plan

    for code, name, usd, eur in (
        ("premium", "Premium", 34_800, 32_400),
        ("ultimate", "Ultimate", 118_800, 110_400),
    ):
        await save_plan(
            clock, PlanValue(code, name, [PriceValue("USD", usd), PriceValue("EUR", eur)])
        )
    await save_add_on(
        clock,
        AddOnValue(
            "storage-10gb",
            "Storage 10 GB",
            AddOnKind.STORAGE,
            10,
            [PriceValue("USD", 6_000), PriceValue("EUR", 5_500)],
        ),
    )
    await save_add_on(
        clock,
        AddOnValue(
            "compute-1000",
            "Compute minutes 1,000",
            AddOnKind.COMPUTE_MINUTES,
            1000,
            [PriceValue("USD", 1_000), PriceValue("EUR", 900)],
        ),
    )

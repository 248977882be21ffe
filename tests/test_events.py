"""Recording events: once, in the change's transaction, to the right recipients, with emails
(R-NOT-1, R-NOT-2, R-NOT-6)."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from models.accounts import BillingAccount, BillingContactKind, Contact, ContactRole, Manager
from models.notifications import Event, EventKind, Notification
from models.outbox import OutboxEmail
from notifications.events import record_event
from resolvers.services import Services
from tests.billing_support import gid
from tests.conftest import current_services, emails_to, make_account, make_user


async def with_custom_billing_contact(account: BillingAccount) -> None:
    await Contact.create(
        account=account,
        role=ContactRole.BILLING,
        first_name="Carla",
        last_name="Custom",
        email="billing@acme.example",
        created_at=current_services().clock.now(),
    )
    account.billing_contact_kind = BillingContactKind.CUSTOM
    await account.save()


async def test_r_not_1_an_event_rolled_back_with_its_change_leaves_nothing(
    db: None, services: Services
) -> None:
    """Given a change that fails after recording its event, nothing of the event remains."""
    account = await make_account()
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await record_event(
                services.live,
                services.clock,
                account,
                EventKind.INVOICE_ISSUED,
                "Issued",
                "Invoice issued.",
            )
            raise RuntimeError("the change failed")
    assert await Event.all().count() == 0
    assert await Notification.all().count() == 0
    assert await OutboxEmail.filter(subject__startswith="Issued").count() == 0


async def test_r_not_2_subscription_events_go_to_both_contacts_invoices_to_billing_only(
    db: None,
    services: Services,
) -> None:
    """Given a portal-user subscription contact and a custom billing contact: subscription events
    reach both (the user live and by email, the custom contact by email); invoice events reach
    only the billing contact."""
    account = await make_account("olga@acme.example", "Acme")
    await with_custom_billing_contact(account)
    owner = await Manager.get(account_id=account.id, is_owner=True)
    async with in_transaction():
        await record_event(
            services.live,
            services.clock,
            account,
            EventKind.SUBSCRIPTION_RENEWED,
            "Renewed",
            "Renewed for a year.",
        )
    assert [e.subject for e in await emails_to("olga@acme.example")][-1] == "Renewed - Acme"
    assert [e.subject for e in await emails_to("billing@acme.example")] == ["Renewed - Acme"]
    assert await Notification.filter(user_id=owner.user_id).count() == 1  # type: ignore[attr-defined]
    async with in_transaction():
        await record_event(
            services.live,
            services.clock,
            account,
            EventKind.INVOICE_ISSUED,
            "Invoice issued",
            "INV-1 is due.",
        )
    assert [e.subject for e in await emails_to("billing@acme.example")][-1] == (
        "Invoice issued - Acme"
    )
    assert "Invoice issued - Acme" not in [e.subject for e in await emails_to("olga@acme.example")]
    assert await Notification.all().count() == 1


async def test_r_not_6_event_email_has_text_and_html_with_a_working_app_link(
    db: None, services: Services
) -> None:
    """Given PORTAL_APP_URL, the event email links to a page of that front end: by default the
    account's page (`/accounts/:id`, a route of the web app)."""
    account = await make_account("olga@acme.example", "Acme")
    async with in_transaction():
        await record_event(
            services.live,
            services.clock,
            account,
            EventKind.PAYMENT_FAILED,
            "Payment failed",
            "Your card was declined.",
        )
    email = (await emails_to("olga@acme.example"))[-1]
    page = f"http://app.test/accounts/{gid('BillingAccount', account.id)}"
    assert "Your card was declined." in email.text_body
    assert f"Update your payment method: {page}" in email.text_body
    assert f'href="{page}"' in email.html_body
    assert "Your card was declined." in email.html_body


async def test_r_not_2_a_removed_managers_stale_contact_gets_nothing(
    db: None, services: Services
) -> None:
    """Given a subscription contact whose manager was removed, no row and no email reach them."""
    account = await make_account("olga@acme.example", "Acme")
    bob = await make_user("bob@example.com", "Bob")
    manager = await Manager.create(
        account=account, user=bob, is_owner=False, added_at=services.clock.now()
    )
    await Contact.filter(account_id=account.id, role=ContactRole.SUBSCRIPTION).update(
        manager_id=manager.id, user_id=bob.id, email=bob.email
    )
    await manager.delete()
    async with in_transaction():
        await record_event(
            services.live,
            services.clock,
            account,
            EventKind.SUBSCRIPTION_EXPIRING,
            "Expiring",
            "Soon.",
        )
    assert await emails_to("bob@example.com") == []
    assert await Notification.filter(user_id=bob.id).count() == 0

"""Recording events once, in the caller's transaction, with their recipients (R-NOT-1, R-NOT-2).

    subscription events  -> subscription contact and billing contact
    invoice and payment  -> billing contact
    account events       -> subscription contact and billing contact

A recipient who is a portal user (a contact linked to a current manager) gets a `Notification`
row (the feed and the live stream) and an email. A custom billing contact gets the email only.
A subscription contact whose manager was removed has no row any more, so nothing reaches them
(R-CON-4). Live delivery happens after commit: see `notifications.live`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import ids
from core.clock import Clock
from models.accounts import BillingAccount, Contact, ContactRole, Manager
from models.invoices import Invoice
from models.notifications import Event, EventKind, Notification
from models.subscriptions import Subscription
from notifications.live import Live
from notifications.outbox import Attachment, app_link, enqueue_email

BILLING_ONLY = {EventKind.INVOICE_ISSUED, EventKind.PAYMENT_SUCCEEDED, EventKind.PAYMENT_FAILED}

# The button of each event's email (R-NOT-6); the link goes to `link_path` of PORTAL_APP_URL.
ACTIONS = {
    EventKind.INVOICE_ISSUED: "View and pay the invoice",
    EventKind.PAYMENT_SUCCEEDED: "View the receipt",
    EventKind.PAYMENT_FAILED: "Update your payment method",
    EventKind.SUBSCRIPTION_RENEWAL_FAILED: "Update your payment method",
    EventKind.SUBSCRIPTION_EXPIRING: "Review the subscription",
    EventKind.SUBSCRIPTION_CANCELLED: "Review the subscription",
    EventKind.ADD_ON_PURCHASED: "Review the subscription",
    EventKind.SUBSCRIPTION_CONTACT_CHANGED: "Review the contacts",
    EventKind.BILLING_CONTACT_CHANGED: "Review the contacts",
    EventKind.MANAGER_ADDED: "Review the managers",
    EventKind.MANAGER_REMOVED: "Review the managers",
}


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    user_id: int | None  # a portal user: gets the live notification too


async def recipients(account: BillingAccount, kind: EventKind) -> list[Recipient]:
    rows = await Contact.filter(account_id=account.id).select_related("user")
    contacts = {c.role: c for c in rows}
    chosen: list[Contact] = []
    billing = account.billing_contact_among(rows)
    if kind not in BILLING_ONLY and ContactRole.SUBSCRIPTION in contacts:
        chosen.append(contacts[ContactRole.SUBSCRIPTION])
    if billing is not None:
        chosen.append(billing)
    current = set(await Manager.filter(account_id=account.id).values_list("user_id", flat=True))
    found: dict[str, Recipient] = {}
    for contact in chosen:
        user_id = contact.user_id if contact.user_id in current else None  # type: ignore[attr-defined]
        linked = contact.manager_id is not None or contact.user_id is not None  # type: ignore[attr-defined]
        if linked and user_id is None:
            continue  # a removed manager's stale contact: nothing to them
        first, last, email = contact.shown_as(contact.user)  # R-PROF-1: the current profile
        key = email.lower()
        name = f"{first} {last}".strip()
        if key not in found or (found[key].user_id is None and user_id is not None):
            found[key] = Recipient(email=email, name=name, user_id=user_id)
    return list(found.values())


def account_page_path(account_id: int) -> str:
    return f"/accounts/{ids.encode('BillingAccount', account_id)}"


def invoice_page_path(invoice: Invoice) -> str:
    """Where the front end shows (and takes payment for) the invoice."""
    account_id: int = invoice.account_id  # type: ignore[attr-defined]
    return f"{account_page_path(account_id)}/invoices/{ids.encode('Invoice', invoice.id)}"


def event_page_path(
    account_id: int, invoice: Invoice | None = None, subscription: Subscription | None = None
) -> str:
    """The app page an event's email opens (R-NOT-6): its invoice, else the account's
    subscriptions, else the account (the routes of `web/src/App.tsx`)."""
    if invoice is not None:
        return invoice_page_path(invoice)
    if subscription is not None:
        return f"{account_page_path(account_id)}/subscriptions"
    return account_page_path(account_id)


async def record_event(
    live: Live,
    clock: Clock,
    account: BillingAccount,
    kind: EventKind,
    title: str,
    message: str,
    *,
    subscription: Subscription | None = None,
    invoice: Invoice | None = None,
    data: dict[str, Any] | None = None,
    attachments: tuple[Attachment, ...] = (),
    link_path: str | None = None,
    email_template: str = "event",
    email_context: dict[str, Any] | None = None,
) -> Event:
    """Call inside the transaction of the change that caused the event. The email is
    `email_template` (default: the generic event email) with `email_context` added; its
    button opens `link_path` (default: the app page of the event's invoice, subscriptions or
    account, `event_page_path`)."""
    now = clock.now()
    event = await Event.create(
        account=account,
        kind=kind,
        title=title,
        message=message,
        subscription=subscription,
        invoice=invoice,
        data=data or {},
        created_at=now,
    )
    for recipient in await recipients(account, kind):
        if recipient.user_id is not None:
            await Notification.create(
                event=event, user_id=recipient.user_id, account=account, created_at=now
            )
        context = {
            "name": recipient.name,
            "title": title,
            "message": message,
            "company": account.company_name,
            "action": ACTIONS.get(kind, "Open the Customers Portal"),
            "portal_user": recipient.user_id is not None,
            "link": app_link(link_path or event_page_path(account.id, invoice, subscription)),
            **(email_context or {}),
        }
        await enqueue_email(
            clock, recipient.email, email_template, attachments=attachments, **context
        )
    live.nudge()  # the relays of this process publish it right after the commit (R-NOT-3)
    return event

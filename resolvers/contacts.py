"""Subscription and billing contacts, and the prompts they raise (R-CON-1..4).

Prompts come from `PROMPT_SOURCES`: other domains append a source (an async function of the
account and the viewer returning prompts) and a code to `AccountPromptCode`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tortoise.transactions import in_transaction

from core.clock import Clock
from models.accounts import BillingAccount, BillingContactKind, Contact, ContactRole, Manager
from models.notifications import EventKind
from models.users import User
from notifications.events import record_event
from notifications.live import Live
from resolvers.access import managed_account
from resolvers.accounts import AddressValue, clean_address
from resolvers.activity import log_activity
from resolvers.auth import normalize_email
from resolvers.errors import invalid
from resolvers.managers import manager_in


class AccountPromptCode(StrEnum):
    UPDATE_CONTACT_NAME = "UPDATE_CONTACT_NAME"
    CHOOSE_SUBSCRIPTION_CONTACT = "CHOOSE_SUBSCRIPTION_CONTACT"
    DEFAULT_CARD_EXPIRES_BEFORE_RENEWAL = "DEFAULT_CARD_EXPIRES_BEFORE_RENEWAL"
    RENEWAL_CARD_EXPIRES_BEFORE_RENEWAL = "RENEWAL_CARD_EXPIRES_BEFORE_RENEWAL"


@dataclass(frozen=True)
class Prompt:
    code: AccountPromptCode
    message: str
    manager: Manager | None = None


@dataclass(frozen=True)
class ContactValue:
    first_name: str
    last_name: str
    email: str
    phone: str | None = None
    address: AddressValue | None = None


def clean_contact(value: ContactValue, *field: str) -> dict[str, Any]:
    def name(text: str, key: str) -> str:
        cleaned = " ".join(text.split())
        if not cleaned or len(cleaned) > 100:
            raise invalid("A name needs 1 to 100 characters.", *field, key)
        return cleaned

    phone = " ".join((value.phone or "").split()) or None
    if phone is not None and len(phone) > 40:
        raise invalid("A phone number has at most 40 characters.", *field, "phone")
    return {
        "first_name": name(value.first_name, "firstName"),
        "last_name": name(value.last_name, "lastName"),
        "email": normalize_email(value.email, *field, "email"),
        "phone": phone,
        "address": clean_address(value.address, *field, "address") if value.address else None,
    }


def _from_manager(manager: Manager, details: ContactValue | None, *field: str) -> dict[str, Any]:
    """A manager's contact: name and email follow the profile (R-PROF-1); the details may add
    a phone and an address, and may not give another name or email."""
    user = manager.user
    values: dict[str, Any] = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": None,
        "address": None,
    }
    if details is None:
        return {**values, "manager": manager, "user": user}
    edited = clean_contact(details, *field)
    for key, name in (("first_name", "firstName"), ("last_name", "lastName"), ("email", "email")):
        if str(edited[key]).casefold() != str(values[key]).casefold():
            raise invalid(
                "A manager's name and email are those of their profile: they update it "
                "themselves (or choose a custom billing contact). Only the phone and the "
                "address can be edited here.",
                *field,
                name,
            )
    return {
        **values,
        "phone": edited["phone"],
        "address": edited["address"],
        "manager": manager,
        "user": user,
    }


async def _put(
    clock: Clock, account: BillingAccount, role: ContactRole, values: dict[str, Any]
) -> None:
    await Contact.filter(account_id=account.id, role=role).delete()
    await Contact.create(account=account, role=role, created_at=clock.now(), **values)


async def set_subscription_contact(
    live: Live,
    clock: Clock,
    actor: User,
    account_id: int,
    manager_id: int,
    details: ContactValue | None = None,
) -> BillingAccount:
    """R-CON-1: chosen from the managers; its details can then be edited."""
    account = await managed_account(actor, account_id)
    manager = await manager_in(account.id, manager_id)
    values = _from_manager(manager, details, "contactDetails")
    async with in_transaction():
        await _put(clock, account, ContactRole.SUBSCRIPTION, values)
        await _changed(live, clock, account, actor, EventKind.SUBSCRIPTION_CONTACT_CHANGED, values)
    return account


async def set_billing_contact(
    live: Live,
    clock: Clock,
    actor: User,
    account_id: int,
    *,
    same_as_subscription_contact: bool | None = None,
    manager_id: int | None = None,
    custom: ContactValue | None = None,
    details: ContactValue | None = None,
) -> BillingAccount:
    """R-CON-2: exactly one of the subscription contact, another manager, or a custom contact."""
    account = await managed_account(actor, account_id)
    chosen = [same_as_subscription_contact is True, manager_id is not None, custom is not None]
    if sum(chosen) != 1:
        raise invalid(
            "Choose exactly one of sameAsSubscriptionContact, managerId or customContact.",
            "input",
        )
    if details is not None and manager_id is None:
        raise invalid("contactDetails only go with managerId.", "input", "contactDetails")
    values: dict[str, Any] | None = None
    if manager_id is not None:
        manager = await manager_in(account.id, manager_id, "input", "managerId")
        values = _from_manager(manager, details, "input", "contactDetails")
        kind = BillingContactKind.BILLING_ACCOUNT_MANAGER
    elif custom is not None:
        values = clean_contact(custom, "input", "customContact")
        kind = BillingContactKind.CUSTOM
    else:
        kind = BillingContactKind.SAME_AS_SUBSCRIPTION_CONTACT
    async with in_transaction():
        if values is None:
            await Contact.filter(account_id=account.id, role=ContactRole.BILLING).delete()
        else:
            await _put(clock, account, ContactRole.BILLING, values)
        account.billing_contact_kind = kind
        await account.save(update_fields=["billing_contact_kind"])
        await _changed(live, clock, account, actor, EventKind.BILLING_CONTACT_CHANGED, values)
    return account


async def _changed(
    live: Live,
    clock: Clock,
    account: BillingAccount,
    actor: User,
    kind: EventKind,
    values: dict[str, Any] | None,
) -> None:
    role = "subscription" if kind is EventKind.SUBSCRIPTION_CONTACT_CHANGED else "billing"
    who = (
        f"{values['first_name']} {values['last_name']} <{values['email']}>"
        if values
        else "the subscription contact"
    )
    summary = f"The {role} contact is now {who}."
    await record_event(live, clock, account, kind, f"{role.capitalize()} contact changed", summary)
    await log_activity(clock, account.id, actor, f"{role}_contact_changed", summary)


# ---------------------------------------------------------------- prompts (R-CON-3, R-CON-4)

PromptSource = Callable[[BillingAccount, User], Awaitable[list[Prompt]]]


async def choose_subscription_contact(account: BillingAccount, viewer: User) -> list[Prompt]:
    if await Contact.exists(account_id=account.id, role=ContactRole.SUBSCRIPTION):
        return []
    return [
        Prompt(
            AccountPromptCode.CHOOSE_SUBSCRIPTION_CONTACT,
            "This account has no subscription contact. Choose one of its managers; until then "
            "notifications go to the billing contact.",
        )
    ]


async def contact_names_differ(account: BillingAccount, viewer: User) -> list[Prompt]:
    """R-CON-3: a custom contact with a manager's email but another name. A manager's own
    contacts follow the profile, so updating the profile to match clears the prompt."""
    managers = await Manager.filter(account_id=account.id).select_related("user").order_by("id")
    custom = await Contact.filter(account_id=account.id, manager_id__isnull=True)
    prompts = []
    for manager in managers:
        user = manager.user
        differing = [
            c
            for c in custom
            if c.email.lower() == user.email
            and (c.first_name, c.last_name) != (user.first_name, user.last_name)
        ]
        if differing:
            prompts.append(_name_prompt(manager, differing[0], viewer))
    return prompts


def _name_prompt(manager: Manager, contact: Contact, viewer: User) -> Prompt:
    shown = f"{contact.first_name} {contact.last_name}".strip()
    if manager.user.id == viewer.id:
        message = (
            f"Your contact details on this account use the name {shown}, which differs from "
            "your profile. Update your profile so invoices and emails show the right name."
        )
    else:
        name = manager.user.full_name or manager.user.email
        message = (
            f"The contact details of {name} use the name {shown}, which differs from their "
            "profile. Ask them to update their profile."
        )
    return Prompt(AccountPromptCode.UPDATE_CONTACT_NAME, message, manager)


async def default_card_expires(account: BillingAccount, viewer: User) -> list[Prompt]:
    from resolvers.payments import default_card_expiry_message  # payments imports this module

    message = await default_card_expiry_message(account.id)
    code = AccountPromptCode.DEFAULT_CARD_EXPIRES_BEFORE_RENEWAL
    return [Prompt(code, message)] if message else []


async def renewal_cards_expire(account: BillingAccount, viewer: User) -> list[Prompt]:
    from resolvers.payments import renewal_card_expiry_messages  # payments imports this module

    code = AccountPromptCode.RENEWAL_CARD_EXPIRES_BEFORE_RENEWAL
    return [Prompt(code, message) for message in await renewal_card_expiry_messages(account.id)]


PROMPT_SOURCES: list[PromptSource] = [
    choose_subscription_contact,
    contact_names_differ,
    default_card_expires,
    renewal_cards_expire,
]


async def account_prompts(account: BillingAccount, viewer: User) -> list[Prompt]:
    prompts: list[Prompt] = []
    for source in PROMPT_SOURCES:
        prompts.extend(await source(account, viewer))
    return prompts

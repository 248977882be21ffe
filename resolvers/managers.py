"""Removing managers and transferring ownership (R-MGR-2, R-MGR-3, R-PROF-2, R-CON-4).

Access is read from `Manager` rows on every request, so a removal takes effect at once.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from core.clock import Clock
from models.accounts import BillingAccount, BillingContactKind, Contact, ContactRole, Manager
from models.notifications import EventKind
from models.users import User
from notifications.events import record_event
from notifications.live import Live
from resolvers.access import can_see_account, manager_of
from resolvers.activity import log_activity
from resolvers.errors import DomainError, ErrorCode, NotFound, invalid


async def visible_manager(clock: Clock, user: User, manager_id: int, *field: str) -> Manager:
    """A manager row of an account the user manages; anything else is NOT_FOUND (R-ERR-2)."""
    manager = await Manager.get_or_none(id=manager_id).select_related("user")
    if manager is None or not await can_see_account(clock, user, manager.account_id):  # type: ignore[attr-defined]
        raise NotFound("Billing account manager", list(field) or ["managerId"])
    return manager


async def still_manages(user: User, account_id: int) -> bool:
    return await Manager.exists(account_id=account_id, user_id=user.id)


async def manager_in(account_id: int, manager_id: int, *field: str) -> Manager:
    manager = await Manager.get_or_none(id=manager_id, account_id=account_id).select_related("user")
    if manager is None:
        raise NotFound("Billing account manager", list(field) or ["managerId"])
    return manager


async def _lock(account_id: int) -> BillingAccount:
    return await BillingAccount.filter(id=account_id).select_for_update().get()


async def _drop_contacts_of(clock: Clock, account: BillingAccount, manager: Manager) -> None:
    """R-CON-4: the removed person stops being a contact.

    A billing contact falls back to "same as the subscription contact". If that one is gone too,
    the owner becomes the billing contact, so notifications keep a recipient until a new
    subscription contact is chosen.
    """
    contacts = await Contact.filter(account_id=account.id, manager_id=manager.id)
    for contact in contacts:
        if contact.role is ContactRole.BILLING:
            account.billing_contact_kind = BillingContactKind.SAME_AS_SUBSCRIPTION_CONTACT
        await contact.delete()
    same = account.billing_contact_role is ContactRole.SUBSCRIPTION
    if same and not await Contact.exists(account_id=account.id, role=ContactRole.SUBSCRIPTION):
        owner = await Manager.get(account_id=account.id, is_owner=True).select_related("user")
        await Contact.create(
            account=account,
            role=ContactRole.BILLING,
            manager=owner,
            user=owner.user,
            first_name=owner.user.first_name,
            last_name=owner.user.last_name,
            email=owner.user.email,
            created_at=clock.now(),
        )
        account.billing_contact_kind = BillingContactKind.BILLING_ACCOUNT_MANAGER
    await account.save(update_fields=["billing_contact_kind"])


async def remove_manager(live: Live, clock: Clock, actor: User, manager_id: int) -> BillingAccount:
    """R-MGR-2/3: never the last manager, never the owner before a transfer."""
    async with in_transaction():
        target = await visible_manager(clock, actor, manager_id)
        account = await _lock(target.account_id)  # type: ignore[attr-defined]
        if await Manager.filter(account_id=account.id).count() <= 1:
            raise DomainError(
                ErrorCode.LAST_MANAGER,
                "The last manager of an account cannot be removed.",
                ["managerId"],
            )
        if target.is_owner:
            raise DomainError(
                ErrorCode.OWNER_CANNOT_BE_REMOVED,
                "The owner cannot be removed. Transfer ownership to another manager first.",
                ["managerId"],
            )
        await _drop_contacts_of(clock, account, target)
        await target.delete()
        email = target.user.email
        await record_event(
            live,
            clock,
            account,
            EventKind.MANAGER_REMOVED,
            "Manager removed",
            f"{email} no longer manages {account.company_name}.",
        )
        await log_activity(clock, account.id, actor, "manager_removed", f"Removed manager {email}")
    await live.announce_membership_change(target.user.id, account.id)  # open streams end now
    return account


async def transfer_ownership(
    clock: Clock, actor: User, account_id: int, manager_id: int
) -> BillingAccount:
    """R-PROF-2: the owner hands ownership to another manager of the same account."""
    async with in_transaction():
        me = await manager_of(actor, account_id)
        target = await manager_in(account_id, manager_id)
        account = await _lock(account_id)
        if not me.is_owner:
            raise DomainError(
                ErrorCode.FORBIDDEN, "Only the owner can transfer ownership.", ["managerId"]
            )
        if target.id == me.id:
            raise invalid("You already own this account.", "managerId")
        await Manager.filter(account_id=account_id).update(is_owner=False)
        await Manager.filter(id=target.id).update(is_owner=True)
        await log_activity(
            clock,
            account_id,
            actor,
            "ownership_transferred",
            f"Transferred ownership to {target.user.email}",
        )
    return account

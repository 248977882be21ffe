"""The one authorization path, for reads and writes: an object is reachable only through an
account its viewer may use now.

A viewer sees an account while they manage it and their email is confirmed or still within
the grace period (R-CONF-1); the operator sees every account. Every resolver that takes an id
goes through `managed_account`, `manager_of` or `can_see_account`, so another account's object
behaves exactly like a missing one (R-ERR-2), and a rule like the grace period holds on every
path (`tests/test_visibility.py` walks them all).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from tortoise.models import Model

from core.clock import Clock
from core.settings import get_settings
from models.accounts import BillingAccount, Manager
from models.users import User
from resolvers import statements
from resolvers.errors import DomainError, ErrorCode, NotFound


def confirmation_deadline_passed(user: User, now: datetime) -> bool:
    """R-CONF-1: after the grace period an unconfirmed email blocks further use."""
    if user.email_confirmed_at is not None or user.first_signed_in_at is None:
        return False
    grace = timedelta(days=get_settings().email_confirmation_grace_days)
    return now > user.first_signed_in_at + grace


def require_user(clock: Clock, user: User | None, *, allow_unconfirmed: bool = False) -> User:
    if user is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in to continue.")
    if not allow_unconfirmed and confirmation_deadline_passed(user, clock.now()):
        raise DomainError(
            ErrorCode.EMAIL_UNCONFIRMED,
            "Confirm your email address to continue: use the link we sent you, "
            "or ask for a new one.",
        )
    return user


async def manager_of(user: User, account_id: int) -> Manager:
    manager = await Manager.get_or_none(account_id=account_id, user_id=user.id)
    if manager is None:
        raise NotFound("Billing account")
    return manager


async def managed_account(user: User, account_id: int) -> BillingAccount:
    """The account, if `user` manages it (one statement: the membership is a join)."""
    found = await statements.models(
        BillingAccount,
        "managed by",
        [account_id, user.id, 1],
        lambda: BillingAccount.filter(id=account_id, managers__user_id=user.id).limit(1),
    )
    account = found[0] if found else None
    if account is None:
        raise NotFound("Billing account")
    return account


async def managed_account_ids(user: User) -> list[int]:
    return list(await Manager.filter(user_id=user.id).values_list("account_id", flat=True))  # type: ignore[arg-type]


def may_use_portal(user: User | None, now: datetime) -> bool:
    return user is not None and not confirmation_deadline_passed(user, now)


async def can_see_account(
    clock: Clock, user: User | None, account_id: int, *, operator: bool = False
) -> bool:
    """The operator, or a manager of the account who may use the portal now (R-ERR-2)."""
    if operator:
        return True
    if user is None or not may_use_portal(user, clock.now()):
        return False
    return await Manager.exists(account_id=account_id, user_id=user.id)


async def visible_accounts(clock: Clock, user: User) -> list[BillingAccount]:
    """The accounts `user` manages, if they may use the portal now; oldest first."""
    if not may_use_portal(user, clock.now()):
        return []
    return await BillingAccount.filter(managers__user_id=user.id).order_by("id")


async def visible_account(clock: Clock, user: User | None, account_id: int) -> BillingAccount:
    """The account, for a viewer who may see it; EMAIL_UNCONFIRMED past the grace period (say
    so, rather than pretend it is missing); NOT_FOUND otherwise."""
    return await managed_account(require_user(clock, user), account_id)


M = TypeVar("M", bound=Model)


async def account_row(
    clock: Clock, model: type[M], pk: int, user: User | None, *, operator: bool = False
) -> M | None:
    """A row an account owns (it has `account_id`), if the viewer may see that account."""
    row = await model.get_or_none(id=pk)
    if row is None or not await can_see_account(clock, user, row.account_id, operator=operator):  # type: ignore[attr-defined]
        return None
    return row

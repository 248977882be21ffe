"""Inviting billing account managers (R-MGR-1, R-INV-1..4).

An invitation's link carries a one-time token (stored hashed, R-AUTH-4). Opening it while signed
out signs the invitee in, creating their profile if the address has none; signed in, the viewer
must be the invited address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.clock import Clock
from core.tokens import hash_token, new_token
from models.accounts import BillingAccount, Manager
from models.invitations import Invitation, InvitationState, InvitationStatus
from models.notifications import EventKind
from models.users import User
from notifications.events import record_event
from notifications.live import Live
from notifications.outbox import app_link, enqueue_email
from resolvers.access import can_see_account, manager_of, may_use_portal
from resolvers.activity import log_activity
from resolvers.auth import SignedIn, normalize_email, start_session
from resolvers.errors import DomainError, ErrorCode, NotFound, invalid

LIFETIME = timedelta(days=7)
MAX_PENDING = 15
PENDING_NAME = "Awaiting user registration"


@dataclass(frozen=True)
class Accepted:
    account: BillingAccount
    user: User
    signed_in: SignedIn | None  # a fresh session when the invitee was signed out


def pending_filter(now: datetime) -> Q:
    return Q(state=InvitationState.PENDING, expires_at__gt=now)


async def pending_for(clock: Clock, user: User) -> list[Invitation]:
    """Invitations addressed to the user's email that can still be accepted."""
    return await Invitation.filter(pending_filter(clock.now()), email=user.email).order_by(
        "-created_at"
    )


async def visible_invitation(clock: Clock, user: User, invitation_id: int) -> Invitation:
    """An invitation of an account the user manages; anything else is NOT_FOUND (R-ERR-2)."""
    invitation = await Invitation.get_or_none(id=invitation_id)
    if invitation is None or not await can_see_account(clock, user, invitation.account_id):  # type: ignore[attr-defined]
        raise NotFound("Invitation", ["invitationId"])
    return invitation


async def invitation_for_viewer(clock: Clock, user: User, invitation_id: int) -> Invitation | None:
    """For the account's managers; for the invitee while it is pending (R-MGR-1)."""
    invitation = await Invitation.get_or_none(id=invitation_id)
    now = clock.now()
    if invitation is None or not may_use_portal(user, now):
        return None
    pending = invitation.status_at(now) is InvitationStatus.PENDING
    if pending and invitation.email == user.email:
        return invitation
    return invitation if await can_see_account(clock, user, invitation.account_id) else None  # type: ignore[attr-defined]


async def _lock_account(account_id: int) -> BillingAccount:
    """Serialise invitation changes of one account (R-INV-2 under concurrency)."""
    return await BillingAccount.filter(id=account_id).select_for_update().get()


async def _check_can_invite(
    clock: Clock, account_id: int, email: str, exclude_id: int | None = None
) -> None:
    if await Manager.exists(account_id=account_id, user__email=email):
        raise DomainError(
            ErrorCode.ALREADY_MANAGER, f"{email} already manages this account.", ["email"]
        )
    pending = Invitation.filter(pending_filter(clock.now()), account_id=account_id)
    if exclude_id is not None:
        pending = pending.exclude(id=exclude_id)
    if await pending.filter(email=email).exists():
        raise DomainError(
            ErrorCode.ALREADY_INVITED,
            f"{email} already has a pending invitation. Resend or revoke it instead.",
            ["email"],
        )
    if await pending.count() >= MAX_PENDING:
        raise DomainError(
            ErrorCode.INVITATION_LIMIT_REACHED,
            f"An account can have at most {MAX_PENDING} pending invitations. "
            "Revoke one or wait until one is accepted.",
        )


async def _send(
    clock: Clock, invitation: Invitation, account: BillingAccount, inviter: User
) -> None:
    token = new_token()
    invitation.token_hash = hash_token(token)
    invitation.expires_at = clock.now() + LIFETIME
    await invitation.save(update_fields=["token_hash", "expires_at"])
    await enqueue_email(
        clock,
        invitation.email,
        "invitation",
        inviter=inviter.full_name or inviter.email,
        company=account.company_name,
        link=app_link("/invitations/accept", token),
    )


async def invite(clock: Clock, actor: User, account_id: int, email: str) -> Invitation:
    """R-MGR-1: invite an address; refused for managers, pending invitees and past the cap."""
    address = normalize_email(email, "email")
    async with in_transaction():
        inviter = await manager_of(actor, account_id)
        account = await _lock_account(account_id)
        await _check_can_invite(clock, account_id, address)
        now = clock.now()
        invitation = await Invitation.create(
            account=account,
            email=address,
            token_hash=hash_token(new_token()),
            invited_by=inviter,
            created_at=now,
            expires_at=now + LIFETIME,
        )
        await _send(clock, invitation, account, actor)
        await log_activity(clock, account_id, actor, "manager_invited", f"Invited {address}")
    return invitation


async def resend(clock: Clock, actor: User, invitation_id: int) -> Invitation:
    """A fresh token and a fresh 7 days; the old link stops working."""
    async with in_transaction():
        invitation = await visible_invitation(clock, actor, invitation_id)
        account = await _lock_account(invitation.account_id)  # type: ignore[attr-defined]
        if invitation.state is not InvitationState.PENDING:
            raise invalid(
                f"This invitation was {invitation.state.value.lower()} and cannot be resent.",
                "invitationId",
            )
        await _check_can_invite(clock, account.id, invitation.email, exclude_id=invitation.id)
        await _send(clock, invitation, account, actor)
        await log_activity(
            clock,
            account.id,
            actor,
            "invitation_resent",
            f"Resent the invitation to {invitation.email}",
        )
    return invitation


async def revoke(clock: Clock, actor: User, invitation_id: int) -> Invitation:
    """R-INV-3: a revoked invitation cannot be accepted."""
    async with in_transaction():
        invitation = await visible_invitation(clock, actor, invitation_id)
        if invitation.state is InvitationState.ACCEPTED:
            raise invalid("This invitation was already accepted.", "invitationId")
        if invitation.state is InvitationState.PENDING:
            invitation.state = InvitationState.REVOKED
            invitation.revoked_at = clock.now()
            await invitation.save(update_fields=["state", "revoked_at"])
            await log_activity(
                clock,
                invitation.account_id,  # type: ignore[attr-defined]
                actor,
                "invitation_revoked",
                f"Revoked the invitation to {invitation.email}",
            )
    return invitation


def _token_error(code: ErrorCode, message: str) -> DomainError:
    return DomainError(code, message, ["token"])


async def _usable(clock: Clock, token: str) -> Invitation:
    invitation = await Invitation.get_or_none(token_hash=hash_token(token.strip()))
    if invitation is None:
        raise _token_error(ErrorCode.INVALID, "This invitation link is not valid.")
    if invitation.state is InvitationState.REVOKED:
        raise _token_error(ErrorCode.INVALID, "This invitation was revoked.")
    if invitation.state is InvitationState.ACCEPTED:
        raise _token_error(ErrorCode.TOKEN_USED, "This invitation was already accepted.")
    if invitation.expires_at <= clock.now():
        raise _token_error(
            ErrorCode.TOKEN_EXPIRED,
            "This invitation has expired. Ask a manager of the account to invite you again.",
        )
    return invitation


async def _invitee(email: str, now: datetime) -> User:
    """The invited address's profile, created if new; the link proves the address."""
    user = await User.get_or_none(email=email)
    if user is None:
        return await User.create(
            email=email, created_at=now, email_confirmed_at=now, first_signed_in_at=now
        )
    if user.email_confirmed_at is None or user.first_signed_in_at is None:
        user.email_confirmed_at = user.email_confirmed_at or now
        user.first_signed_in_at = user.first_signed_in_at or now
        await user.save(update_fields=["email_confirmed_at", "first_signed_in_at"])
    return user


async def accept(live: Live, clock: Clock, token: str, viewer: User | None) -> Accepted:
    """R-MGR-1: the invitee becomes a manager; signed out, they are signed in."""
    invitation = await _usable(clock, token)
    if viewer is not None and viewer.email != invitation.email:
        raise _token_error(
            ErrorCode.INVITATION_EMAIL_MISMATCH,
            f"This invitation is for {invitation.email}. Sign in with that address to accept it.",
        )
    async with in_transaction():
        now = clock.now()
        taken = await Invitation.filter(id=invitation.id, state=InvitationState.PENDING).update(
            state=InvitationState.ACCEPTED, accepted_at=now
        )
        if not taken:
            raise _token_error(ErrorCode.TOKEN_USED, "This invitation was already accepted.")
        user = await _invitee(invitation.email, now)
        account = await BillingAccount.get(id=invitation.account_id)  # type: ignore[attr-defined]
        if not await Manager.exists(account_id=account.id, user_id=user.id):
            await Manager.create(account=account, user=user, added_at=now)
            await record_event(
                live,
                clock,
                account,
                EventKind.MANAGER_ADDED,
                "Manager added",
                f"{user.email} accepted the invitation and now manages {account.company_name}.",
            )
            await log_activity(
                clock, account.id, user, "manager_added", f"{user.email} accepted the invitation"
            )
        signed_in = await start_session(clock, user) if viewer is None else None
    return Accepted(account=account, user=user, signed_in=signed_in)

"""Sign-in by one-time email link, sessions, and email confirmation (R-AUTH-1..5, R-CONF-1..2)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from tortoise.transactions import in_transaction

from core.clock import Clock
from core.settings import get_settings
from core.tokens import hash_token, new_token
from models.auth import OneTimeToken, Session, TokenPurpose
from models.users import User
from notifications.live import Live
from notifications.outbox import app_link, enqueue_email
from resolvers import ratelimit, statements
from resolvers.access import confirmation_deadline_passed
from resolvers.errors import DomainError, ErrorCode, invalid

LINK_LIFETIME = timedelta(hours=24)
GITLAB_SIGN_IN_PATH = "/auth/gitlab/sign-in"  # served by routes.gitlab


@dataclass(frozen=True)
class SignedIn:
    token: str
    session: Session
    user: User


EMAIL_MAX = 254  # RFC 5321: a path holds at most 256 octets, the brackets included
EMAIL_LOCAL_MAX = 64  # RFC 5321 4.5.3.1.1


def normalize_email(email: str, *field: str) -> str:
    """A valid address, lower-cased; length is checked first, so a huge text costs nothing."""
    where = field or ("email",)
    if len(email) > EMAIL_MAX + 100 or len(email := email.strip()) > EMAIL_MAX:
        raise invalid(f"An email address has at most {EMAIL_MAX} characters.", *where)
    if len(email.rpartition("@")[0]) > EMAIL_LOCAL_MAX:
        raise invalid(f"The part before the @ has at most {EMAIL_LOCAL_MAX} characters.", *where)
    try:
        checked = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise invalid(f"Enter a valid email address: {exc}", *where) from exc
    return checked.normalized.lower()


async def issue_token(
    clock: Clock, user: User, purpose: TokenPurpose, email: str, lifetime: timedelta
) -> str:
    token = new_token()
    now = clock.now()
    await OneTimeToken.create(
        purpose=purpose,
        token_hash=hash_token(token),
        user=user,
        email=email,
        created_at=now,
        expires_at=now + lifetime,
    )
    return token


async def request_sign_in_link(clock: Clock, email: str, client: str) -> None:
    """Always answers the same way, in at least the same time, known address or not (R-AUTH-3),
    linked to GitLab.com or not (R-AUTH-7)."""
    started = time.monotonic()
    settings = get_settings()
    window = timedelta(minutes=settings.rate_limit_window_minutes)
    await ratelimit.hit(  # the cheap per-client limit before any work on the address
        clock,
        f"sign-in:client:{client}",
        limit=settings.sign_in_limit_per_client,
        window=window,
    )
    address = normalize_email(email)
    await ratelimit.hit(
        clock, f"sign-in:email:{address}", limit=settings.sign_in_limit_per_email, window=window
    )
    user = await User.get_or_none(email=address)
    if user is not None and user.gitlab_id is not None:
        await send_gitlab_sign_in_hint(clock, user)
    elif user is not None:
        async with in_transaction():
            token = await issue_token(clock, user, TokenPurpose.SIGN_IN, address, LINK_LIFETIME)
            await enqueue_email(
                clock, address, "sign_in", name=user.first_name, link=app_link("/sign-in", token)
            )
    floor = settings.sign_in_response_floor_ms / 1000
    await asyncio.sleep(max(0.0, floor - (time.monotonic() - started)))


async def send_gitlab_sign_in_hint(clock: Clock, user: User) -> None:
    """R-AUTH-7: a profile linked to GitLab.com signs in through it: the email says so and
    links to the start of GitLab sign-in; it holds no sign-in token."""
    await enqueue_email(
        clock,
        user.email,
        "sign_in_gitlab",
        name=user.first_name,
        email=user.email,
        gitlab_username=user.gitlab_username or "",
        link=f"{get_settings().public_url.rstrip('/')}{GITLAB_SIGN_IN_PATH}",
    )


async def _consume(clock: Clock, token: str, purposes: set[TokenPurpose]) -> OneTimeToken:
    """Mark a one-time token used; the conditional update makes a race use it at most once."""
    row = await OneTimeToken.get_or_none(token_hash=hash_token(token.strip()))
    if row is None or row.purpose not in purposes:
        raise DomainError(
            ErrorCode.INVALID, "This link is not valid. Ask for a new one.", ["token"]
        )
    if row.used_at is not None:
        raise DomainError(
            ErrorCode.TOKEN_USED, "This link was already used. Ask for a new one.", ["token"]
        )
    now = clock.now()
    if row.expires_at <= now:
        raise DomainError(
            ErrorCode.TOKEN_EXPIRED, "This link has expired. Ask for a new one.", ["token"]
        )
    if not await OneTimeToken.filter(id=row.id, used_at__isnull=True).update(used_at=now):
        raise DomainError(
            ErrorCode.TOKEN_USED, "This link was already used. Ask for a new one.", ["token"]
        )
    return row


async def start_session(clock: Clock, user: User) -> SignedIn:
    token = new_token()
    now = clock.now()
    session = await Session.create(
        user=user,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=get_settings().session_days),
    )
    return SignedIn(token=token, session=session, user=user)


async def sign_in_with_link(clock: Clock, token: str) -> SignedIn:
    async with in_transaction():
        row = await _consume(clock, token, {TokenPurpose.SIGN_IN, TokenPurpose.GITLAB_SIGN_IN})
        user = await User.get(id=row.user_id)  # type: ignore[attr-defined]
        if row.purpose is TokenPurpose.SIGN_IN and user.email != row.email:
            raise DomainError(
                ErrorCode.INVALID, "This link is not valid. Ask for a new one.", ["token"]
            )
        blocked = await _check_confirmation(
            clock, user, by_email=row.purpose is TokenPurpose.SIGN_IN
        )
        if not blocked:
            return await start_session(clock, user)
    raise DomainError(
        ErrorCode.EMAIL_UNCONFIRMED,
        f"Confirm your email address to continue. We sent a new confirmation link to {user.email}.",
    )


async def _check_confirmation(clock: Clock, user: User, *, by_email: bool) -> bool:
    """R-CONF-1: the first email sign-in sends a confirmation link and starts the grace period.

    Returns True when the grace period is over: a fresh link is sent and sign-in is refused.
    """
    if user.first_signed_in_at is None:
        user.first_signed_in_at = clock.now()
        await user.save(update_fields=["first_signed_in_at"])
        if by_email and user.email_confirmed_at is None:
            await send_confirmation(clock, user, user.email)
        return False
    if by_email and confirmation_deadline_passed(user, clock.now()):
        await send_confirmation(clock, user, user.email)
        return True
    return False


async def authenticate(clock: Clock, token: str) -> tuple[Session, User] | None:
    """The live session and its user for a bearer token, or None."""
    token_hash = hash_token(token)
    found = await statements.models(
        Session,
        "by token",
        [token_hash, 1],
        lambda: Session.filter(token_hash=token_hash).select_related("user").limit(1),
        related="user",
    )
    session = found[0] if found else None
    if session is None or session.revoked_at is not None or session.expires_at <= clock.now():
        return None
    return session, session.user


async def sign_out(live: Live, clock: Clock, session: Session) -> None:
    await Session.filter(id=session.id).update(revoked_at=clock.now())
    await live.announce_session_revoked(session.id)  # open streams end at once (R-AUTH-5)


async def session_active(clock: Clock, session_id: int) -> bool:
    session = await Session.get_or_none(id=session_id)
    return session is not None and session.revoked_at is None and session.expires_at > clock.now()


async def send_confirmation(clock: Clock, user: User, email: str) -> None:
    token = await issue_token(clock, user, TokenPurpose.CONFIRM_EMAIL, email, LINK_LIFETIME)
    await enqueue_email(
        clock,
        email,
        "confirm_email",
        name=user.first_name,
        email=email,
        link=app_link("/confirm-email", token),
    )


async def confirm_email(clock: Clock, token: str) -> User:
    async with in_transaction():
        row = await _consume(clock, token, {TokenPurpose.CONFIRM_EMAIL})
        user: User = await User.get(id=row.user_id).select_for_update()  # type: ignore[attr-defined]
        now = clock.now()
        if row.email == user.email:
            user.email_confirmed_at = user.email_confirmed_at or now
            await user.save(update_fields=["email_confirmed_at"])
            return user
        if row.email != user.unconfirmed_email:
            raise DomainError(
                ErrorCode.TOKEN_EXPIRED,
                "This confirmation link was replaced by a newer one.",
                ["token"],
            )
        if await User.exists(email=row.email):
            raise DomainError(
                ErrorCode.EMAIL_TAKEN, "Another profile uses this email address.", ["token"]
            )
        old_email = user.email
        user.email, user.unconfirmed_email, user.email_confirmed_at = row.email, None, now
        await user.save(update_fields=["email", "unconfirmed_email", "email_confirmed_at"])
        await enqueue_email(
            clock,
            old_email,
            "email_changed",
            name=user.first_name,
            old_email=old_email,
            new_email=user.email,
        )
        return user


async def resend_confirmation(clock: Clock, user: User) -> None:
    target = user.unconfirmed_email or user.email
    if user.unconfirmed_email is None and user.email_confirmed_at is not None:
        raise DomainError(ErrorCode.INVALID, "Your email address is already confirmed.")
    window = timedelta(minutes=get_settings().rate_limit_window_minutes)
    await ratelimit.hit(
        clock,
        f"confirm:user:{user.id}",
        limit=get_settings().sign_in_limit_per_email,
        window=window,
    )
    async with in_transaction():
        await send_confirmation(clock, user, target)

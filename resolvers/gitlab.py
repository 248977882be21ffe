"""Sign in with GitLab.com, link it to a profile, change the linked account (R-AUTH-6, R-AUTH-7).

One attempt = one `OAuthState` row: a hashed random `state` and a PKCE verifier, single use,
10 minutes. A LINK attempt is bound to the user and session that asked for it, so linking never
starts from a bare link. The callback spends the state first (so it cannot be replayed), then
talks to the provider, then changes the database in one transaction, or changes nothing.

Sign-in, by the GitLab account's id:
- linked to a profile: that profile signs in;
- not linked, and no profile has its email: a new, confirmed profile is registered (R-CONF-1:
  no confirmation email) when GitLab says the email is verified;
- not linked, and a profile has its email: that profile is linked and signed in only when GitLab
  says the email is verified (the same proof of control an email sign-in link gives); it is
  never taken over when it is already linked to another GitLab account.
The session never travels in a URL: the browser gets a 5-minute GITLAB_SIGN_IN one-time code
that the front end exchanges through `signInWithLink`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from adapters.gitlab import GitLabIdentity, GitLabProvider, GrantRejected, ProviderUnavailable
from core.clock import Clock
from core.settings import get_settings
from core.tokens import hash_token, new_token
from models.auth import OAuthPurpose, OAuthState, Session, TokenPurpose
from models.users import User
from resolvers import ratelimit
from resolvers.auth import issue_token, normalize_email, session_active
from resolvers.errors import DomainError, ErrorCode, NotFound

STATE_LIFETIME = timedelta(minutes=10)
HANDOFF_LIFETIME = timedelta(minutes=5)


class Reason(StrEnum):
    """Why a GitLab attempt failed; the callback puts it in the front end's URL."""

    NOT_CONFIGURED = "NOT_CONFIGURED"
    ACCESS_DENIED = "ACCESS_DENIED"
    AUTHORIZATION_FAILED = "AUTHORIZATION_FAILED"
    INVALID_STATE = "INVALID_STATE"
    STATE_USED = "STATE_USED"
    STATE_EXPIRED = "STATE_EXPIRED"
    CODE_EXPIRED = "CODE_EXPIRED"
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"
    ACCOUNT_ALREADY_LINKED = "ACCOUNT_ALREADY_LINKED"
    SESSION_ENDED = "SESSION_ENDED"


_CODES = {
    Reason.NOT_CONFIGURED: ErrorCode.PROVIDER_UNAVAILABLE,
    Reason.ACCESS_DENIED: ErrorCode.FORBIDDEN,
    Reason.AUTHORIZATION_FAILED: ErrorCode.INVALID,
    Reason.INVALID_STATE: ErrorCode.INVALID,
    Reason.STATE_USED: ErrorCode.TOKEN_USED,
    Reason.STATE_EXPIRED: ErrorCode.TOKEN_EXPIRED,
    Reason.CODE_EXPIRED: ErrorCode.TOKEN_EXPIRED,
    Reason.PROVIDER_UNAVAILABLE: ErrorCode.PROVIDER_UNAVAILABLE,
    Reason.EMAIL_NOT_VERIFIED: ErrorCode.FORBIDDEN,
    Reason.ACCOUNT_ALREADY_LINKED: ErrorCode.ACCOUNT_ALREADY_LINKED,
    Reason.SESSION_ENDED: ErrorCode.UNAUTHENTICATED,
}


class GitlabFailure(DomainError):
    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(_CODES[reason], message)
        self.reason = reason


@dataclass(frozen=True)
class Completed:
    purpose: OAuthPurpose
    user: User
    sign_in_code: str | None = None  # GITLAB_SIGN_IN one-time code, for sign-in only


def require_provider(provider: GitLabProvider | None) -> GitLabProvider:
    if provider is None:
        raise GitlabFailure(
            Reason.NOT_CONFIGURED, "Signing in with GitLab.com is not set up on this portal."
        )
    return provider


async def begin_sign_in(clock: Clock, provider: GitLabProvider | None, client: str) -> str:
    """R-AUTH-6: the provider's authorization URL for a new sign-in attempt."""
    provider = require_provider(provider)
    settings = get_settings()
    await ratelimit.hit(
        clock,
        f"gitlab:client:{client}",
        limit=settings.sign_in_limit_per_client,
        window=timedelta(minutes=settings.rate_limit_window_minutes),
    )
    return await _begin(clock, provider, OAuthPurpose.SIGN_IN)


async def begin_link(
    clock: Clock, user: User, session: Session, provider: GitLabProvider | None
) -> str:
    """R-AUTH-7: the authorization URL of a link attempt bound to this user and session."""
    return await _begin(clock, require_provider(provider), OAuthPurpose.LINK, user, session)


async def _begin(
    clock: Clock,
    provider: GitLabProvider,
    purpose: OAuthPurpose,
    user: User | None = None,
    session: Session | None = None,
) -> str:
    state, verifier = new_token(), new_token()
    now = clock.now()
    await OAuthState.filter(expires_at__lt=now - STATE_LIFETIME).delete()  # housekeeping
    await OAuthState.create(
        state_hash=hash_token(state),
        code_verifier=verifier,
        purpose=purpose,
        user=user,
        session=session,
        created_at=now,
        expires_at=now + STATE_LIFETIME,
    )
    return provider.authorization_url(state, verifier)


async def consume_state(clock: Clock, state: str | None) -> OAuthState:
    """Spend an attempt's state; a forged, reused or expired one is refused."""
    row = await OAuthState.get_or_none(state_hash=hash_token(state.strip())) if state else None
    if row is None:
        raise GitlabFailure(
            Reason.INVALID_STATE, "This GitLab.com sign-in was not started here. Start again."
        )
    if row.used_at is not None:
        raise GitlabFailure(
            Reason.STATE_USED, "This GitLab.com sign-in was already completed. Start again."
        )
    now = clock.now()
    if row.expires_at <= now:
        raise GitlabFailure(
            Reason.STATE_EXPIRED, "This GitLab.com sign-in took too long. Start again."
        )
    if not await OAuthState.filter(id=row.id, used_at__isnull=True).update(used_at=now):
        raise GitlabFailure(
            Reason.STATE_USED, "This GitLab.com sign-in was already completed. Start again."
        )
    return row


async def complete(
    clock: Clock,
    attempt: OAuthState,
    provider: GitLabProvider | None,
    code: str | None,
    error: str | None,
) -> Completed:
    """Finish a spent attempt: ask the provider who signed in, then sign in or link."""
    provider = require_provider(provider)
    identity = await _identity(provider, attempt, code, error)
    if attempt.purpose is OAuthPurpose.LINK:
        return Completed(OAuthPurpose.LINK, await _link(clock, attempt, identity))
    try:
        return await _sign_in(clock, identity)
    except IntegrityError:  # a concurrent first sign-in registered the same account
        return await _sign_in(clock, identity)


async def _identity(
    provider: GitLabProvider, attempt: OAuthState, code: str | None, error: str | None
) -> GitLabIdentity:
    if error == "access_denied":
        raise GitlabFailure(
            Reason.ACCESS_DENIED, "You did not allow the portal to use your GitLab.com account."
        )
    if error or not code:
        raise GitlabFailure(
            Reason.AUTHORIZATION_FAILED,
            f"GitLab.com did not authorize the sign-in ({error or 'no code'}). Try again.",
        )
    try:
        return await provider.fetch_identity(
            await provider.exchange_code(code, attempt.code_verifier)
        )
    except GrantRejected as exc:
        raise GitlabFailure(
            Reason.CODE_EXPIRED, "The GitLab.com authorization expired. Start again."
        ) from exc
    except ProviderUnavailable as exc:
        raise GitlabFailure(
            Reason.PROVIDER_UNAVAILABLE,
            "GitLab.com cannot be reached right now. Try again in a few minutes.",
        ) from exc


def _already_linked(what: str) -> GitlabFailure:
    return GitlabFailure(Reason.ACCOUNT_ALREADY_LINKED, what)


async def _link(clock: Clock, attempt: OAuthState, identity: GitLabIdentity) -> User:
    """R-AUTH-7: link, or change the linked account, to one not linked to another profile."""
    if attempt.session_id is None or not await session_active(clock, attempt.session_id):  # type: ignore[attr-defined]
        raise GitlabFailure(Reason.SESSION_ENDED, "Sign in again, then link your account.")
    try:
        async with in_transaction():
            user: User = await User.get(id=attempt.user_id).select_for_update()  # type: ignore[attr-defined]
            holder = await User.get_or_none(gitlab_id=identity.id)
            if holder is not None and holder.id != user.id:
                raise _already_linked(
                    f"The GitLab.com account @{identity.username} is linked to another profile."
                )
            if user.gitlab_id != identity.id:
                user.gitlab_linked_at = clock.now()
            user.gitlab_id, user.gitlab_username = identity.id, identity.username
            await user.save(update_fields=["gitlab_id", "gitlab_username", "gitlab_linked_at"])
            return user
    except IntegrityError as exc:
        raise _already_linked(
            f"The GitLab.com account @{identity.username} is linked to another profile."
        ) from exc


async def _sign_in(clock: Clock, identity: GitLabIdentity) -> Completed:
    async with in_transaction():
        user = await _user_for(clock, identity)
        code = await issue_token(
            clock, user, TokenPurpose.GITLAB_SIGN_IN, user.email, HANDOFF_LIFETIME
        )
        return Completed(OAuthPurpose.SIGN_IN, user, code)


async def _user_for(clock: Clock, identity: GitLabIdentity) -> User:
    """R-AUTH-6/7, R-CONF-1: the linked profile, the verified email's profile, or a new one."""
    now = clock.now()
    user = await User.filter(gitlab_id=identity.id).select_for_update().first()
    if user is not None:
        if user.gitlab_username != identity.username:
            user.gitlab_username = identity.username
            await user.save(update_fields=["gitlab_username"])
        return user
    if not identity.email or not identity.email_verified:
        raise GitlabFailure(
            Reason.EMAIL_NOT_VERIFIED,
            "Your GitLab.com account has no verified email address. "
            "Verify it on GitLab.com, or sign in with an email link.",
        )
    user = await User.filter(email=identity.email).select_for_update().first()
    if user is None:
        first, last = split_name(identity.name)
        return await User.create(
            email=identity.email,
            first_name=first,
            last_name=last,
            created_at=now,
            email_confirmed_at=now,
            gitlab_id=identity.id,
            gitlab_username=identity.username,
            gitlab_linked_at=now,
        )
    if user.gitlab_id == identity.id:  # registered by a concurrent first sign-in
        return user
    if user.gitlab_id is not None:
        raise _already_linked(
            f"The profile for {identity.email} is linked to another GitLab.com account. "
            "Sign in with that account, or with an email link."
        )
    user.gitlab_id, user.gitlab_username, user.gitlab_linked_at = (
        identity.id,
        identity.username,
        now,
    )
    user.email_confirmed_at = user.email_confirmed_at or now
    await user.save(
        update_fields=["gitlab_id", "gitlab_username", "gitlab_linked_at", "email_confirmed_at"]
    )
    return user


def split_name(name: str) -> tuple[str, str]:
    """ "Ada King Lovelace" → ("Ada King", "Lovelace"); one word is a first name."""
    parts = name.split()
    if len(parts) < 2:
        return (parts[0][:100] if parts else ""), ""
    return " ".join(parts[:-1])[:100], parts[-1][:100]


async def unlink(user: User) -> User:
    """R-AUTH-7: forget the linked GitLab.com account; the profile signs in by email link."""
    if user.gitlab_id is None:
        raise DomainError(ErrorCode.INVALID, "No GitLab.com account is linked to your profile.")
    return await _forget_gitlab(user)


async def operator_unlink(email: str) -> User:
    """R-AUTH-7: the operator unlinks the profile of someone who lost their GitLab.com account,
    so that it signs in by email link again."""
    user = await User.get_or_none(email=normalize_email(email, "email"))
    if user is None:
        raise NotFound("Profile", ["email"])
    if user.gitlab_id is None:
        raise DomainError(
            ErrorCode.INVALID, "No GitLab.com account is linked to this profile.", ["email"]
        )
    return await _forget_gitlab(user)


async def _forget_gitlab(user: User) -> User:
    async with in_transaction():
        user.gitlab_id = user.gitlab_username = user.gitlab_linked_at = None
        await user.save(update_fields=["gitlab_id", "gitlab_username", "gitlab_linked_at"])
    return user

"""Personal details (R-PROF-1) and email change through confirmation (R-CONF-2)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from core.clock import Clock
from models.users import User
from notifications.outbox import enqueue_email
from resolvers.auth import normalize_email, send_confirmation
from resolvers.errors import invalid

NAME_MAX = 100


def clean_name(value: str, field: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise invalid("A name cannot be empty.", "input", field)
    if len(name) > NAME_MAX:
        raise invalid(f"A name can be at most {NAME_MAX} characters.", "input", field)
    return name


async def update_profile(
    clock: Clock, user: User, *, first_name: str | None, last_name: str | None, email: str | None
) -> User:
    """Names change at once. A new email waits for confirmation through a link sent to it.

    R-ERR-5: an address that another profile uses gets the same answer (the change waits for a
    confirmation that can't come), and that profile's owner is told someone tried.
    """
    fields: dict[str, str | None] = {}
    if first_name is not None:
        fields["first_name"] = clean_name(first_name, "firstName")
    if last_name is not None:
        fields["last_name"] = clean_name(last_name, "lastName")
    new_email = normalize_email(email, "input", "email") if email is not None else None
    async with in_transaction():
        if new_email is not None and new_email != user.email:
            owner = await User.get_or_none(email=new_email)
            if owner is None:
                await send_confirmation(clock, user, new_email)
            else:
                await enqueue_email(
                    clock, new_email, "email_in_use", name=owner.first_name, email=new_email
                )
            fields["unconfirmed_email"] = new_email
        elif new_email == user.email:
            fields["unconfirmed_email"] = None
        if fields:
            await User.filter(id=user.id).update(**fields)
            await user.refresh_from_db()
    return user

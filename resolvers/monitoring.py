"""What monitoring reads from the database at scrape time (see `routes.metrics`)."""

from __future__ import annotations

from core.clock import Clock
from models.outbox import OutboxEmail, OutboxStatus


async def outbox_backlog(clock: Clock) -> tuple[int, float]:
    """How many emails wait for delivery, and the age in seconds of the oldest (0 if none)."""
    pending = OutboxEmail.filter(status=OutboxStatus.PENDING)
    count = await pending.count()
    oldest = await pending.order_by("created_at").first()
    age = (clock.now() - oldest.created_at).total_seconds() if oldest else 0.0
    return count, max(age, 0.0)

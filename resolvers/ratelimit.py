"""Fixed-window rate limits stored in the database, so every server process shares them."""

from __future__ import annotations

from datetime import timedelta

from models.system import RateLimitHit
from portal import clock
from resolvers.errors import DomainError, ErrorCode


async def hit(bucket: str, *, limit: int, window: timedelta) -> None:
    """Count one attempt in `bucket`; refuse with RATE_LIMITED once `limit` is reached."""
    now = clock.now()
    since = now - window
    await RateLimitHit.filter(bucket=bucket, created_at__lt=since).delete()
    if await RateLimitHit.filter(bucket=bucket, created_at__gte=since).count() >= limit:
        raise DomainError(
            ErrorCode.RATE_LIMITED,
            "Too many requests. Wait a while and try again.",
        )
    await RateLimitHit.create(bucket=bucket, created_at=now)

"""R-AUTH-3: the sign-in limits hold when many requests arrive at the same moment."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from models.system import RateLimitHit
from resolvers import ratelimit
from resolvers.errors import DomainError, ErrorCode
from tests.conftest import current_services

WINDOW = timedelta(minutes=60)


async def _attempts(bucket: str, count: int, limit: int) -> list[bool]:
    async def one() -> bool:
        try:
            await ratelimit.hit(current_services().clock, bucket, limit=limit, window=WINDOW)
        except DomainError as error:
            assert error.code is ErrorCode.RATE_LIMITED
            return False
        return True

    return await asyncio.gather(*(one() for _ in range(count)))


async def test_r_auth_3_concurrent_attempts_never_exceed_the_limit(db: None) -> None:
    """R-AUTH-3: given a limit of 5, when 20 attempts arrive together, then exactly 5 pass."""
    allowed = await _attempts("sign-in:email:race@example.com", 20, 5)
    assert allowed.count(True) == 5
    assert await RateLimitHit.filter(bucket="sign-in:email:race@example.com").count() == 5


@pytest.mark.postgres
async def test_r_auth_3_concurrent_attempts_on_postgres(pg_db: None) -> None:
    """R-AUTH-3: on PostgreSQL, with pooled connections racing, exactly `limit` pass."""
    allowed = await _attempts("sign-in:client:203.0.113.9", 20, 5)
    assert allowed.count(True) == 5


async def test_r_auth_3_buckets_do_not_share_a_limit(db: None) -> None:
    """R-AUTH-3: one address at its limit does not block another address."""
    assert (await _attempts("sign-in:email:a@example.com", 3, 2)).count(True) == 2
    assert (await _attempts("sign-in:email:b@example.com", 2, 2)).count(True) == 2

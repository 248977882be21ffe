"""Sliding-window rate limits stored in the database, so every server process shares them.

Counting and recording one attempt happen under a lock of the bucket, so simultaneous
requests cannot all slip under the limit: a transaction-scoped advisory lock on PostgreSQL
(every process), and a per-bucket asyncio lock in the process (the embedded SQLite default
is a single process).
"""

from __future__ import annotations

import asyncio
import weakref
from datetime import timedelta

from tortoise.transactions import in_transaction

from core.clock import Clock
from models.system import RateLimitHit
from resolvers.errors import DomainError, ErrorCode

_local: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def _lock_of(bucket: str) -> asyncio.Lock:
    lock = _local.get(bucket)
    if lock is None:
        lock = _local[bucket] = asyncio.Lock()
    return lock


async def hit(clock: Clock, bucket: str, *, limit: int, window: timedelta) -> None:
    """Count one attempt in `bucket`; refuse with RATE_LIMITED once `limit` is reached."""
    lock = _lock_of(bucket)
    async with lock, in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))", [bucket])
        now = clock.now()
        since = now - window
        await RateLimitHit.filter(bucket=bucket, created_at__lt=since).using_db(conn).delete()
        recent = RateLimitHit.filter(bucket=bucket, created_at__gte=since).using_db(conn)
        if await recent.count() >= limit:
            raise DomainError(
                ErrorCode.RATE_LIMITED, "Too many requests. Wait a while and try again."
            )
        await RateLimitHit.create(bucket=bucket, created_at=now, using_db=conn)

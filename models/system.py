from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SystemValue(Model):
    """Process-wide values kept in the database, e.g. the generated secret key."""

    key = fields.CharField(max_length=64, primary_key=True)
    value = fields.TextField()

    class Meta:
        table = "system_values"


class RateLimitHit(Model):
    """One counted attempt in a rate-limit window, shared by every server process."""

    id = fields.BigIntField(primary_key=True)
    bucket = fields.CharField(max_length=200, db_index=True)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "rate_limit_hits"

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.accounts import BillingAccount
from models.users import User


class ActivityEntry(Model):
    """Who changed what in a billing account, and when."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="activity", on_delete=fields.CASCADE
    )
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_label = fields.CharField(max_length=200)
    action = fields.CharField(max_length=60)
    summary = fields.CharField(max_length=500)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "activity_entries"

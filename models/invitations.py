from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.accounts import BillingAccount, Manager


class InvitationState(StrEnum):
    """Stored state. EXPIRED is derived from `expires_at`, never stored."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REVOKED = "REVOKED"


class Invitation(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="invitations", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    token_hash = fields.CharField(max_length=64, unique=True)
    state = fields.CharEnumField(InvitationState, max_length=10, default=InvitationState.PENDING)
    invited_by: fields.ForeignKeyNullableRelation[Manager] = fields.ForeignKeyField(
        "models.Manager", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "invitations"

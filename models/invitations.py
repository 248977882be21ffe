from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.accounts import BillingAccount, Manager


class InvitationState(StrEnum):
    """Stored state. EXPIRED is derived from `expires_at`, never stored."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REVOKED = "REVOKED"


class InvitationStatus(StrEnum):
    """What clients see: the stored state, with EXPIRED for a pending one past `expires_at`."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


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

    def status_at(self, now: datetime) -> InvitationStatus:
        if self.state is InvitationState.PENDING and self.expires_at <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus(self.state.value)

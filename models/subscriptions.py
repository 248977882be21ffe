from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.accounts import BillingAccount

if TYPE_CHECKING:
    from models.payments import PaymentMethod


class Deployment(StrEnum):
    GITLAB_COM = "GITLAB_COM"
    SELF_MANAGED = "SELF_MANAGED"


class SalesChannel(StrEnum):
    DIRECT = "DIRECT"
    RESELLER = "RESELLER"


class SubscriptionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"


class Subscription(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="subscriptions", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=40, unique=True)
    plan = fields.CharField(max_length=60)
    deployment = fields.CharEnumField(Deployment, max_length=20)
    seats = fields.IntField()
    unit_price_minor = fields.BigIntField()
    start_date = fields.DateField()
    end_date = fields.DateField()
    auto_renew = fields.BooleanField(default=True)
    status = fields.CharEnumField(SubscriptionStatus, max_length=10, default="ACTIVE")
    channel = fields.CharEnumField(SalesChannel, max_length=10, default="DIRECT")
    reseller_name = fields.CharField(max_length=200, null=True)
    namespace_path = fields.CharField(max_length=255, null=True)
    expiring_notice_for = fields.DateField(null=True)
    renewal_failed_for = fields.DateField(null=True)  # end date whose renewal failure was told
    # The card renewals and purchases for it charge; none: the account's default (R-PAY-6).
    payment_method: fields.ForeignKeyNullableRelation[PaymentMethod] = fields.ForeignKeyField(
        "models.PaymentMethod",
        related_name="renewing_subscriptions",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "subscriptions"
        indexes = (("account_id",),)  # the dashboard reads by these (issue 11)


class SubscriptionSequence(Model):
    """The counter behind subscription names ("A-S00012345"), taken under a row lock."""

    name = fields.CharField(max_length=20, primary_key=True)
    last_value = fields.IntField(default=0)

    class Meta:
        table = "subscription_sequences"

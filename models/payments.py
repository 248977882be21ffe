from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.accounts import BillingAccount
from models.users import User


class PaymentMethod(Model):
    """A card on file: only the gateway's reference and display details, never the number."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="payment_methods", on_delete=fields.CASCADE
    )
    gateway_ref = fields.CharField(max_length=128)
    brand = fields.CharField(max_length=20)
    last4 = fields.CharField(max_length=4)
    exp_month = fields.SmallIntField()
    exp_year = fields.SmallIntField()
    cardholder_name = fields.CharField(max_length=200, null=True)
    is_default = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "payment_methods"
        indexes = (("account_id",),)  # the dashboard reads by these (issue 11)


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class Payment(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="payments", on_delete=fields.CASCADE
    )
    invoice: fields.ForeignKeyRelation[Invoice] = fields.ForeignKeyField(
        "models.Invoice", related_name="payments", on_delete=fields.CASCADE
    )
    payment_method: fields.ForeignKeyNullableRelation[PaymentMethod] = fields.ForeignKeyField(
        "models.PaymentMethod", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharEnumField(PaymentStatus, max_length=10)
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    idempotency_key = fields.CharField(max_length=255, null=True)
    request_fingerprint = fields.CharField(max_length=64, null=True)
    card_ref = fields.CharField(max_length=128, null=True)  # what the gateway charges
    card_brand = fields.CharField(max_length=20, null=True)
    card_last4 = fields.CharField(max_length=4, null=True)
    description = fields.CharField(max_length=300, default="")
    gateway_charge_id = fields.CharField(max_length=128, null=True)
    failure_code = fields.CharField(max_length=40, null=True)
    failure_message = fields.CharField(max_length=500, null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payments"
        indexes = (("invoice_id",),)  # the dashboard reads by these (issue 11)
        unique_together = (("account", "idempotency_key"),)


from models.invoices import Invoice  # noqa: E402

"""Orders placed in the portal (R-SUB-4): one per (account, idempotency key), each with its
invoice. It is fulfilled (the subscription created, the seats or the add-on added) in the
transaction that records its invoice as paid."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.accounts import BillingAccount
from models.catalog import CatalogAddOn, CatalogPlan
from models.invoices import Invoice
from models.payments import PaymentMethod
from models.subscriptions import Deployment, Subscription
from models.users import User


class PurchaseKind(StrEnum):
    SUBSCRIPTION = "SUBSCRIPTION"
    SEATS = "SEATS"
    ADD_ON = "ADD_ON"


class PurchaseStatus(StrEnum):
    AWAITING_PAYMENT = "AWAITING_PAYMENT"  # its invoice is open (the charge was declined)
    COMPLETED = "COMPLETED"


class Purchase(Model):
    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="purchases", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(PurchaseKind, max_length=20)
    status = fields.CharEnumField(
        PurchaseStatus, max_length=20, default=PurchaseStatus.AWAITING_PAYMENT
    )
    idempotency_key = fields.CharField(max_length=255)
    request_fingerprint = fields.CharField(max_length=64)
    invoice: fields.OneToOneRelation[Invoice] = fields.OneToOneField(
        "models.Invoice", related_name="purchase", on_delete=fields.CASCADE
    )
    # The subscription bought (set when fulfilled), or the one seats and add-ons are for.
    subscription: fields.ForeignKeyNullableRelation[Subscription] = fields.ForeignKeyField(
        "models.Subscription", related_name="purchases", null=True, on_delete=fields.SET_NULL
    )
    plan: fields.ForeignKeyNullableRelation[CatalogPlan] = fields.ForeignKeyField(
        "models.CatalogPlan", related_name="purchases", null=True, on_delete=fields.SET_NULL
    )
    add_on: fields.ForeignKeyNullableRelation[CatalogAddOn] = fields.ForeignKeyField(
        "models.CatalogAddOn", related_name="purchases", null=True, on_delete=fields.SET_NULL
    )
    description = fields.CharField(max_length=200)  # "Premium", "Storage 10 GB"
    deployment = fields.CharEnumField(Deployment, max_length=20, null=True)
    quantity = fields.IntField()  # seats, or packs
    pack_size = fields.IntField(null=True)  # add-ons: GB or minutes per pack
    unit_price_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    payment_method: fields.ForeignKeyNullableRelation[PaymentMethod] = fields.ForeignKeyField(
        "models.PaymentMethod", related_name="purchases", null=True, on_delete=fields.SET_NULL
    )
    card_chosen = fields.BooleanField(default=False)  # a new subscription renews on it
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "purchases"
        unique_together = (("account", "idempotency_key"),)

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts import BillingAccount
from models.invoices import Invoice
from models.subscriptions import Subscription
from models.users import User


class EventKind(StrEnum):
    SUBSCRIPTION_CREATED = "SUBSCRIPTION_CREATED"
    SUBSCRIPTION_RENEWED = "SUBSCRIPTION_RENEWED"
    SUBSCRIPTION_RENEWAL_FAILED = "SUBSCRIPTION_RENEWAL_FAILED"
    SUBSCRIPTION_SEATS_CHANGED = "SUBSCRIPTION_SEATS_CHANGED"
    SUBSCRIPTION_EXPIRING = "SUBSCRIPTION_EXPIRING"
    SUBSCRIPTION_CANCELLED = "SUBSCRIPTION_CANCELLED"
    ADD_ON_PURCHASED = "ADD_ON_PURCHASED"
    INVOICE_ISSUED = "INVOICE_ISSUED"
    PAYMENT_SUCCEEDED = "PAYMENT_SUCCEEDED"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    SUBSCRIPTION_CONTACT_CHANGED = "SUBSCRIPTION_CONTACT_CHANGED"
    BILLING_CONTACT_CHANGED = "BILLING_CONTACT_CHANGED"
    MANAGER_ADDED = "MANAGER_ADDED"
    MANAGER_REMOVED = "MANAGER_REMOVED"


class Event(Model):
    """A subscription or account event, recorded once with the change that caused it (R-NOT-1)."""

    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="events", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(EventKind, max_length=40)
    title = fields.CharField(max_length=200)
    message = fields.TextField()
    subscription: fields.ForeignKeyNullableRelation[Subscription] = fields.ForeignKeyField(
        "models.Subscription", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    invoice: fields.ForeignKeyNullableRelation[Invoice] = fields.ForeignKeyField(
        "models.Invoice", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    data: dict[str, Any] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "events"


class Notification(Model):
    """One portal user's copy of an event: the feed row with read state (R-NOT-5)."""

    id = fields.BigIntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="notifications", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="notifications", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        indexes = (("user_id", "id"),)

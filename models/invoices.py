from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts import BillingAccount
from models.subscriptions import Subscription


class InvoiceStatus(StrEnum):
    OPEN = "OPEN"
    PAID = "PAID"
    VOID = "VOID"


class Invoice(Model):
    """An issued invoice. Tax and buyer details are frozen at issue time (R-TAX-2)."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="invoices", on_delete=fields.CASCADE
    )
    subscription: fields.ForeignKeyNullableRelation[Subscription] = fields.ForeignKeyField(
        "models.Subscription", related_name="invoices", null=True, on_delete=fields.SET_NULL
    )
    number = fields.CharField(max_length=30, unique=True)
    status = fields.CharEnumField(InvoiceStatus, max_length=10, default="OPEN")
    issued_at = fields.DatetimeField(db_index=True)
    due_date = fields.DateField()
    currency = fields.CharField(max_length=3)
    subtotal_minor = fields.BigIntField()
    tax_minor = fields.BigIntField()
    total_minor = fields.BigIntField()
    amount_paid_minor = fields.BigIntField(default=0)
    tax_treatment = fields.CharField(max_length=20)
    tax_rate_percent = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    tax_note = fields.CharField(max_length=300, null=True)
    buyer: dict[str, Any] = fields.JSONField()
    # Set on a renewal invoice: the end date it renews from; unique per subscription period.
    renewal_key = fields.CharField(max_length=80, null=True, unique=True)
    renewal_for = fields.DateField(null=True)

    lines: fields.ReverseRelation[InvoiceLine]

    class Meta:
        table = "invoices"
        indexes = (("account_id", "id"),)  # the dashboard reads by these (issue 11)


class InvoiceLine(Model):
    id = fields.IntField(primary_key=True)
    invoice: fields.ForeignKeyRelation[Invoice] = fields.ForeignKeyField(
        "models.Invoice", related_name="lines", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField()
    description = fields.CharField(max_length=300)
    quantity = fields.IntField()
    unit_price_minor = fields.BigIntField()
    amount_minor = fields.BigIntField()

    class Meta:
        table = "invoice_lines"
        indexes = (("invoice_id", "position"),)  # the dashboard reads by these (issue 11)


class InvoiceSequence(Model):
    """Next invoice number per year, taken under a row lock."""

    year = fields.IntField(primary_key=True)
    last_value = fields.IntField(default=0)

    class Meta:
        table = "invoice_sequences"

"""The operator's catalog: plans sold per seat per year, and add-on packs (R-SUB-4).

Prices are kept per currency as integer minor units: `{"USD": 34800, "EUR": 32000}`.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class AddOnKind(StrEnum):
    STORAGE = "STORAGE"  # pack_size in GB
    COMPUTE_MINUTES = "COMPUTE_MINUTES"  # pack_size in minutes


class CatalogPlan(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=60)
    description = fields.CharField(max_length=300, default="")
    prices: dict[str, int] = fields.JSONField(default=dict)  # per seat per year
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "catalog_plans"


class CatalogAddOn(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=60)
    kind = fields.CharEnumField(AddOnKind, max_length=20)
    pack_size = fields.IntField()
    prices: dict[str, int] = fields.JSONField(default=dict)  # per pack
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "catalog_add_ons"

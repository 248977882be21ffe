"""The catalog the operator maintains (R-SUB-4): plans priced per seat per year and add-on
packs (storage, compute minutes), each with a price per currency. A purchase is priced from it
in the account's currency; what is not sold in that currency cannot be bought."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from core.clock import Clock
from core.money import CurrencyInvalid, ensure_minor, validate_currency
from models.catalog import AddOnKind, CatalogAddOn, CatalogPlan
from resolvers.errors import DomainError, ErrorCode, NotFound, invalid

_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
MAX_PRICE_MINOR = 2**31 - 1


@dataclass(frozen=True)
class PriceValue:
    currency: str
    unit_price_minor: int


@dataclass(frozen=True)
class PlanValue:
    code: str
    name: str
    prices: Sequence[PriceValue]
    description: str = ""
    active: bool = True


@dataclass(frozen=True)
class AddOnValue:
    code: str
    name: str
    kind: AddOnKind
    pack_size: int
    prices: Sequence[PriceValue]
    active: bool = True


def _code(value: str) -> str:
    code = value.strip().lower()
    if not _CODE.fullmatch(code):
        raise invalid(
            "A code has 1 to 40 characters: lowercase letters, digits, '-' and '_'.",
            "input",
            "code",
        )
    return code


def _text(value: str, limit: int, *field: str, required: bool = True) -> str:
    text = " ".join(value.split())
    if (required and not text) or len(text) > limit:
        raise invalid(f"Needs {int(required)} to {limit} characters.", *field)
    return text


def clean_prices(prices: Sequence[PriceValue]) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for index, price in enumerate(prices):
        path = ("input", "prices", str(index))
        try:
            currency = validate_currency(price.currency)
        except CurrencyInvalid as exc:
            raise invalid(exc.message, *path, "currency") from exc
        if currency in cleaned:
            raise invalid(f"{currency} is priced twice.", *path, "currency")
        if not 0 <= ensure_minor(price.unit_price_minor) <= MAX_PRICE_MINOR:
            raise invalid("A price is 0 or more minor units.", *path, "unitPriceMinor")
        cleaned[currency] = price.unit_price_minor
    if not cleaned:
        raise invalid("Give a price in at least one currency.", "input", "prices")
    return cleaned


async def save_plan(clock: Clock, value: PlanValue) -> CatalogPlan:
    """Operator: create the plan with this code, or change it (prices apply to new orders)."""
    fields: dict[str, Any] = {
        "name": _text(value.name, 60, "input", "name"),
        "description": _text(value.description, 300, "input", "description", required=False),
        "prices": clean_prices(value.prices),
        "active": value.active,
        "updated_at": clock.now(),
    }
    code = _code(value.code)
    async with in_transaction():
        plan = await CatalogPlan.filter(code=code).select_for_update().first()
        if plan is None:
            return await CatalogPlan.create(code=code, created_at=clock.now(), **fields)
        await plan.update_from_dict(fields).save()
    return plan


async def save_add_on(clock: Clock, value: AddOnValue) -> CatalogAddOn:
    """Operator: create the add-on with this code, or change it."""
    if not 1 <= ensure_minor(value.pack_size) <= 1_000_000_000:
        raise invalid("A pack holds at least 1 unit (GB or minutes).", "input", "packSize")
    fields: dict[str, Any] = {
        "name": _text(value.name, 60, "input", "name"),
        "kind": value.kind,
        "pack_size": value.pack_size,
        "prices": clean_prices(value.prices),
        "active": value.active,
        "updated_at": clock.now(),
    }
    code = _code(value.code)
    async with in_transaction():
        add_on = await CatalogAddOn.filter(code=code).select_for_update().first()
        if add_on is None:
            return await CatalogAddOn.create(code=code, created_at=clock.now(), **fields)
        await add_on.update_from_dict(fields).save()
    return add_on


async def plans(*, include_inactive: bool = False) -> list[CatalogPlan]:
    query = CatalogPlan.all() if include_inactive else CatalogPlan.filter(active=True)
    return await query.order_by("id")


async def add_ons(*, include_inactive: bool = False) -> list[CatalogAddOn]:
    query = CatalogAddOn.all() if include_inactive else CatalogAddOn.filter(active=True)
    return await query.order_by("id")


async def plan_on_sale(plan_id: int, *field: str) -> CatalogPlan:
    plan = await CatalogPlan.get_or_none(id=plan_id, active=True)
    if plan is None:
        raise NotFound("Plan", list(field))
    return plan


async def add_on_on_sale(add_on_id: int, *field: str) -> CatalogAddOn:
    add_on = await CatalogAddOn.get_or_none(id=add_on_id, active=True)
    if add_on is None:
        raise NotFound("Add-on", list(field))
    return add_on


def price_in(item: CatalogPlan | CatalogAddOn, currency: str, *field: str) -> int:
    """The catalog price in the account's currency, or NOT_SOLD_IN_CURRENCY."""
    price = item.prices.get(currency)
    if price is None:
        offered = ", ".join(sorted(item.prices)) or "no currency"
        raise DomainError(
            ErrorCode.NOT_SOLD_IN_CURRENCY,
            f"{item.name} is not sold in {currency}, the currency of this billing account "
            f"(only in {offered}): contact the sales team.",
            list(field),
        )
    return int(price)

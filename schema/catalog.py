"""The catalog customers buy from and the operator maintains (R-SUB-4)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models.catalog import AddOnKind as AddOnKindModel
from models.catalog import CatalogAddOn as AddOnModel
from models.catalog import CatalogPlan as PlanModel
from resolvers import catalog
from schema.money import Money
from schema.relay import Node, global_id

AddOnKind = strawberry.enum(
    AddOnKindModel,
    name="AddOnKind",
    description="What an add-on pack adds: STORAGE (GB) or COMPUTE_MINUTES (CI/CD minutes).",
)


def _prices(prices: dict[str, int]) -> list[Money]:
    return [Money.of(int(minor), currency) for currency, minor in sorted(prices.items())]


def _price(prices: dict[str, int], currency: str) -> Money | None:
    minor = prices.get(currency.strip().upper())
    return Money.of(int(minor), currency.strip().upper()) if minor is not None else None


@strawberry.type(description="A plan sold per seat per year (R-SUB-4).")
class CatalogPlan(Node):
    _model: strawberry.Private[PlanModel]
    code: str = strawberry.field(description='Stable key chosen by the operator, e.g. "premium".')
    name: str = strawberry.field(description="The plan name subscriptions show, e.g. Premium.")
    description: str
    active: bool = strawberry.field(description="Only active plans can be bought.")
    prices: list[Money] = strawberry.field(description="Per seat per year, one per currency.")
    updated_at: datetime

    @classmethod
    def from_model(cls, plan: PlanModel) -> CatalogPlan:
        return cls(
            id=global_id("CatalogPlan", plan.id),
            _model=plan,
            code=plan.code,
            name=plan.name,
            description=plan.description,
            active=plan.active,
            prices=_prices(plan.prices),
            updated_at=plan.updated_at,
        )

    @strawberry.field(description="The per-seat yearly price in `currency`, if sold in it.")
    def price(self, currency: str) -> Money | None:
        return _price(self._model.prices, currency)


@strawberry.type(description="A pack of extra storage or compute minutes (R-SUB-4).")
class CatalogAddOn(Node):
    _model: strawberry.Private[AddOnModel]
    code: str = strawberry.field(description="Stable key chosen by the operator.")
    name: str
    kind: AddOnKind  # type: ignore[valid-type]
    pack_size: int = strawberry.field(description="GB (STORAGE) or minutes per pack.")
    active: bool
    prices: list[Money] = strawberry.field(description="Per pack, one per currency.")
    updated_at: datetime

    @classmethod
    def from_model(cls, add_on: AddOnModel) -> CatalogAddOn:
        return cls(
            id=global_id("CatalogAddOn", add_on.id),
            _model=add_on,
            code=add_on.code,
            name=add_on.name,
            kind=add_on.kind,
            pack_size=add_on.pack_size,
            active=add_on.active,
            prices=_prices(add_on.prices),
            updated_at=add_on.updated_at,
        )

    @strawberry.field(description="The price of one pack in `currency`, if sold in it.")
    def price(self, currency: str) -> Money | None:
        return _price(self._model.prices, currency)


@strawberry.type(description="What can be bought: plans and add-ons.")
class Catalog:
    plans: list[CatalogPlan] = strawberry.field(description="Sold per seat per year.")
    add_ons: list[CatalogAddOn] = strawberry.field(description="Sold per pack.")

    @classmethod
    async def load(cls, *, include_inactive: bool = False) -> Catalog:
        return cls(
            plans=[
                CatalogPlan.from_model(p)
                for p in await catalog.plans(include_inactive=include_inactive)
            ],
            add_ons=[
                CatalogAddOn.from_model(a)
                for a in await catalog.add_ons(include_inactive=include_inactive)
            ],
        )


@strawberry.type
class Query:
    @strawberry.field(
        description="The plans and add-ons on sale, with their prices per currency (R-SUB-4)."
    )
    async def catalog(self) -> Catalog:
        return await Catalog.load()

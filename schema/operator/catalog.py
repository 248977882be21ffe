"""Operator: the catalog of plans and add-ons customers buy from (R-SUB-4)."""

from __future__ import annotations

import strawberry

from resolvers import catalog
from schema.catalog import AddOnKind, Catalog, CatalogAddOn, CatalogPlan
from schema.context import Info
from schema.errors import UserError, payload


@strawberry.input
class PriceInput:
    currency: str = strawberry.field(description="ISO 4217, e.g. USD.")
    unit_price_minor: int = strawberry.field(description="Minor units, e.g. 34800 = 348.00.")

    def to_value(self) -> catalog.PriceValue:
        return catalog.PriceValue(self.currency, self.unit_price_minor)


@strawberry.input(description="Creates the plan with this code, or changes it.")
class SaveCatalogPlanInput:
    code: str = strawberry.field(description='Stable key, e.g. "premium".')
    name: str
    prices: list[PriceInput] = strawberry.field(description="Per seat per year.")
    description: str = ""
    active: bool = True


@strawberry.input(description="Creates the add-on with this code, or changes it.")
class SaveCatalogAddOnInput:
    code: str
    name: str
    kind: AddOnKind  # type: ignore[valid-type]
    pack_size: int = strawberry.field(description="GB (STORAGE) or minutes per pack.")
    prices: list[PriceInput] = strawberry.field(description="Per pack.")
    active: bool = True


@strawberry.type
class CatalogPlanPayload:
    plan: CatalogPlan | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CatalogAddOnPayload:
    add_on: CatalogAddOn | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry.field(description="Every plan and add-on, inactive ones included.")
    async def catalog(self) -> Catalog:
        return await Catalog.load(include_inactive=True)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="A plan sold per seat per year, priced per currency; new prices apply to "
        "new purchases (R-SUB-4). `active: false` takes it off sale."
    )
    @payload(CatalogPlanPayload)
    async def save_catalog_plan(
        self, info: Info, input: SaveCatalogPlanInput
    ) -> CatalogPlanPayload:
        plan = await catalog.save_plan(
            info.context.services.clock,
            catalog.PlanValue(
                code=input.code,
                name=input.name,
                prices=[p.to_value() for p in input.prices],
                description=input.description,
                active=input.active,
            ),
        )
        return CatalogPlanPayload(plan=CatalogPlan.from_model(plan))

    @strawberry.mutation(
        description="An add-on pack (extra storage, compute minutes), priced per currency."
    )
    @payload(CatalogAddOnPayload)
    async def save_catalog_add_on(
        self, info: Info, input: SaveCatalogAddOnInput
    ) -> CatalogAddOnPayload:
        add_on = await catalog.save_add_on(
            info.context.services.clock,
            catalog.AddOnValue(
                code=input.code,
                name=input.name,
                kind=input.kind,
                pack_size=input.pack_size,
                prices=[p.to_value() for p in input.prices],
                active=input.active,
            ),
        )
        return CatalogAddOnPayload(add_on=CatalogAddOn.from_model(add_on))

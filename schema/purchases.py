"""Buying in the portal (R-SUB-4): a new subscription from the catalog, and add-on packs."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models.invoices import Invoice as InvoiceModel
from models.purchases import Purchase as PurchaseModel
from models.purchases import PurchaseKind as PurchaseKindModel
from models.purchases import PurchaseStatus as PurchaseStatusModel
from models.subscriptions import Subscription as SubscriptionModel
from resolvers import payments, purchases
from resolvers.purchases import PurchaseOutcome
from schema.context import Info
from schema.errors import UserError, payload
from schema.invoices import Invoice
from schema.money import Money
from schema.nodes import register_account_node
from schema.payments import Payment
from schema.permissions import PortalUser
from schema.relay import Node, global_id, pk_of
from schema.subscriptions import Deployment, ProductSubscription

PurchaseKind = strawberry.enum(
    PurchaseKindModel,
    name="PurchaseKind",
    description="What was bought: a new SUBSCRIPTION, more SEATS, or an ADD_ON.",
)
PurchaseStatus = strawberry.enum(
    PurchaseStatusModel,
    name="PurchaseStatus",
    description="COMPLETED once its invoice is paid; AWAITING_PAYMENT while it is open.",
)


@strawberry.type(description="An order placed in the portal, with its invoice (R-SUB-4).")
class Purchase(Node):
    _model: strawberry.Private[PurchaseModel]
    kind: PurchaseKind  # type: ignore[valid-type]
    status: PurchaseStatus = strawberry.field(  # type: ignore[valid-type]
        description="AWAITING_PAYMENT while its invoice is open (the card was declined): "
        "paying the invoice completes it."
    )
    description: str = strawberry.field(description="The plan or add-on bought.")
    quantity: int = strawberry.field(description="Seats, or add-on packs.")
    unit_price: Money = strawberry.field(description="Catalog price, before tax.")
    deployment: Deployment | None  # type: ignore[valid-type]
    created_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_model(cls, row: PurchaseModel) -> Purchase:
        return cls(
            id=global_id("Purchase", row.id),
            _model=row,
            kind=row.kind,
            status=row.status,
            description=row.description,
            quantity=row.quantity,
            unit_price=Money.of(row.unit_price_minor, row.currency),
            deployment=row.deployment,
            created_at=row.created_at,
            completed_at=row.completed_at,
        )

    @strawberry.field
    async def invoice(self, info: Info) -> Invoice | None:
        row = await info.context.loaders.load_model(InvoiceModel, self._model.invoice_id)  # type: ignore[attr-defined]
        return Invoice.from_model(row) if row else None

    @strawberry.field(description="The subscription bought (once paid), or the one added to.")
    async def subscription(self, info: Info) -> ProductSubscription | None:
        pk = self._model.subscription_id  # type: ignore[attr-defined]
        row = await info.context.loaders.load_model(SubscriptionModel, pk) if pk else None
        return ProductSubscription.from_model(row) if row else None


resolve_purchase = register_account_node("Purchase", PurchaseModel, Purchase.from_model)


@strawberry.input(description="A new direct subscription of a catalog plan, for one year.")
class PurchaseSubscriptionInput:
    billing_account_id: strawberry.ID = strawberry.field(
        description="The account buying; prices are in its currency."
    )
    plan_id: strawberry.ID = strawberry.field(description="A CatalogPlan on sale.")
    deployment: Deployment  # type: ignore[valid-type]
    seats: int = strawberry.field(description="1 to 1,000,000.")
    idempotency_key: str = strawberry.field(
        description="Charged once per key: a retry with the same key returns the first result."
    )
    payment_method_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The card to charge, which the subscription then renews on; default: the "
        "account's default card.",
    )


@strawberry.input(description="Packs of a catalog add-on for a direct subscription.")
class PurchaseAddOnInput:
    subscription_id: strawberry.ID = strawberry.field(
        description="A direct subscription (a reseller's: MANAGED_BY_RESELLER)."
    )
    add_on_id: strawberry.ID = strawberry.field(description="A CatalogAddOn on sale.")
    quantity: int = strawberry.field(description="Number of packs, 1 to 1000.")
    idempotency_key: str = strawberry.field(description="Charged once per key.")
    payment_method_id: strawberry.ID | None = strawberry.field(
        default=None, description="Default: the subscription's renewal card (R-PAY-6)."
    )


@strawberry.type(
    description="The purchase, its invoice and the payment; a declined card is a userError "
    "with the gateway's code, and the invoice stays open."
)
class PurchasePayload:
    purchase: Purchase | None = None
    subscription: ProductSubscription | None = None
    invoice: Invoice | None = None
    payment: Payment | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, outcome: PurchaseOutcome) -> PurchasePayload:
        failure = payments.failure_error(outcome.payment) if outcome.payment else None
        return cls(
            purchase=Purchase.from_model(outcome.purchase),
            subscription=ProductSubscription.from_model(outcome.subscription)
            if outcome.subscription
            else None,
            invoice=Invoice.from_model(outcome.invoice),
            payment=Payment.from_model(outcome.payment) if outcome.payment else None,
            user_errors=[UserError.from_error(failure)] if failure else [],
        )


def _card(value: strawberry.ID | None) -> int | None:
    return pk_of(value, "PaymentMethod", "input", "paymentMethodId") if value else None


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Buys a new direct subscription from the catalog (R-SUB-4): priced in the "
        "account's currency, invoiced with tax, charged once per idempotency key. Needs a card "
        "on record (PAYMENT_METHOD_REQUIRED). The subscription contact gets the confirmation "
        "with how to get access (R-SUB-5)."
    )
    @payload(PurchasePayload, requires=PortalUser)
    async def purchase_subscription(
        self, info: Info, input: PurchaseSubscriptionInput
    ) -> PurchasePayload:
        outcome = await purchases.buy_subscription(
            info.context.services.gateway,
            info.context.services.live,
            info.context.services.clock,
            info.context.acting_user,
            pk_of(input.billing_account_id, "BillingAccount", "input", "billingAccountId"),
            plan_id=pk_of(input.plan_id, "CatalogPlan", "input", "planId"),
            deployment=input.deployment,
            seats=input.seats,
            idempotency_key=input.idempotency_key,
            payment_method_id=_card(input.payment_method_id),
        )
        return PurchasePayload.of(outcome)

    @strawberry.mutation(
        description="Buys add-on packs (storage, compute minutes) for a direct subscription "
        "(R-SUB-4); MANAGED_BY_RESELLER for reseller ones, PAYMENT_METHOD_REQUIRED without a "
        "card."
    )
    @payload(PurchasePayload, requires=PortalUser)
    async def purchase_add_on(self, info: Info, input: PurchaseAddOnInput) -> PurchasePayload:
        outcome = await purchases.buy_add_on(
            info.context.services.gateway,
            info.context.services.live,
            info.context.services.clock,
            info.context.acting_user,
            pk_of(input.subscription_id, "ProductSubscription", "input", "subscriptionId"),
            add_on_id=pk_of(input.add_on_id, "CatalogAddOn", "input", "addOnId"),
            quantity=input.quantity,
            idempotency_key=input.idempotency_key,
            payment_method_id=_card(input.payment_method_id),
        )
        return PurchasePayload.of(outcome)

"""Subscriptions as customers see and manage them (R-SUB-1, R-SUB-2, R-SUB-4, R-PAY-6)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from models.purchases import Purchase as PurchaseModel
from models.subscriptions import Deployment as DeploymentModel
from models.subscriptions import SalesChannel as SalesChannelModel
from models.subscriptions import Subscription as SubscriptionModel
from models.subscriptions import SubscriptionStatus as StatusModel
from resolvers import payments, purchases, subscriptions
from schema.context import Info
from schema.errors import UserError, payload
from schema.nodes import register_account_node
from schema.payments import PaymentMethod, methods_of
from schema.permissions import PortalUser
from schema.relay import Node, global_id, pk_of

Deployment = strawberry.enum(DeploymentModel, name="Deployment")
SalesChannel = strawberry.enum(SalesChannelModel, name="SalesChannel")
SubscriptionStatus = strawberry.enum(StatusModel, name="SubscriptionStatus")


@strawberry.type
class ProductSubscription(Node):
    _model: strawberry.Private[SubscriptionModel]
    name: str
    plan: str
    deployment: Deployment  # type: ignore[valid-type]
    seats: int
    start_date: date
    end_date: date
    auto_renew: bool
    status: SubscriptionStatus  # type: ignore[valid-type]
    channel: SalesChannel  # type: ignore[valid-type]
    reseller_name: str | None
    namespace_path: str | None

    @classmethod
    def from_model(cls, row: SubscriptionModel) -> ProductSubscription:
        return cls(
            id=global_id("ProductSubscription", row.id),
            _model=row,
            name=row.name,
            plan=row.plan,
            deployment=row.deployment,
            seats=row.seats,
            start_date=row.start_date,
            end_date=row.end_date,
            auto_renew=row.auto_renew,
            status=row.status,
            channel=row.channel,
            reseller_name=row.reseller_name,
            namespace_path=row.namespace_path,
        )

    @strawberry.field(description="Self-Managed: GET /subscriptions/{id}/license with the token.")
    def can_download_license(self) -> bool:
        return subscriptions.can_download_license(self._model)

    @strawberry.field(
        description="The card renewals and purchases for this subscription charge (R-PAY-6): "
        "the one chosen for it, else the account's default card; null when there is no card."
    )
    async def renewal_payment_method(self, info: Info) -> PaymentMethod | None:
        methods = await methods_of(info, self._model.account_id)  # type: ignore[attr-defined]
        chosen = self._model.payment_method_id  # type: ignore[attr-defined]
        found = next((m for m in methods if m.id == chosen), None) or next(
            (m for m in methods if m.is_default), None
        )
        return PaymentMethod.from_model(found) if found else None

    @strawberry.field(
        description="True when renewals charge the account's default card, false when a card "
        "was chosen for this subscription (setSubscriptionPaymentMethod)."
    )
    def renews_on_default_card(self) -> bool:
        return self._model.payment_method_id is None  # type: ignore[attr-defined]

    @strawberry.field(description="Add-on packs bought for it (storage, compute minutes).")
    async def add_ons(self, info: Info) -> list[PurchasedAddOn]:
        rows = await info.context.loaders.load_many(
            PurchaseModel, "subscription_id", self._model.id
        )
        return [PurchasedAddOn.from_model(p) for p in purchases.completed_add_ons(rows)]


@strawberry.type(description="Add-on packs bought for a subscription (R-SUB-4).")
class PurchasedAddOn:
    name: str = strawberry.field(description="The catalog add-on's name when bought.")
    packs: int
    pack_size: int = strawberry.field(description="GB or compute minutes per pack.")
    purchased_at: datetime = strawberry.field(description="When its invoice was paid.")

    @classmethod
    def from_model(cls, row: PurchaseModel) -> PurchasedAddOn:
        return cls(
            name=row.description,
            packs=row.quantity,
            pack_size=row.pack_size or 0,
            purchased_at=row.completed_at or row.created_at,
        )


async def subscriptions_of(info: Info, account_id: int) -> list[ProductSubscription]:
    rows = await info.context.loaders.load_many(SubscriptionModel, "account_id", account_id)
    return [ProductSubscription.from_model(row) for row in rows]


resolve_subscription = register_account_node(
    "ProductSubscription", SubscriptionModel, ProductSubscription.from_model
)


@strawberry.type
class SubscriptionPayload:
    subscription: ProductSubscription | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _pk(subscription_id: strawberry.ID) -> int:
    return pk_of(subscription_id, "ProductSubscription", "subscriptionId")


@strawberry.type
class Mutation:
    @strawberry.mutation(description="GitLab.com: the group the subscription applies to.")
    @payload(SubscriptionPayload, requires=PortalUser)
    async def associate_subscription_namespace(
        self, info: Info, subscription_id: strawberry.ID, namespace_path: str
    ) -> SubscriptionPayload:
        row = await subscriptions.associate_namespace(
            info.context.services.clock,
            info.context.acting_user,
            _pk(subscription_id),
            namespace_path,
        )
        return SubscriptionPayload(subscription=ProductSubscription.from_model(row))

    @strawberry.mutation(
        description="Buys more seats now: a prorated invoice charged at once to "
        "`paymentMethodId`, else to the subscription's renewal card (R-SUB-4, R-PAY-6); "
        "PAYMENT_METHOD_REQUIRED without a card, MANAGED_BY_RESELLER for reseller ones. The "
        "seats are added when the invoice is paid; a declined card answers with its code and "
        "leaves the invoice open (PURCHASE_AWAITING_PAYMENT until it is paid)."
    )
    @payload(SubscriptionPayload, requires=PortalUser)
    async def update_subscription_seats(
        self,
        info: Info,
        subscription_id: strawberry.ID,
        seats: int,
        payment_method_id: strawberry.ID | None = None,
        idempotency_key: Annotated[
            str | None,
            strawberry.argument(
                description="Charged once per key; without one, the key is derived from the "
                "subscription, its seats now, the seats asked for and the card."
            ),
        ] = None,
    ) -> SubscriptionPayload:
        method = (
            pk_of(payment_method_id, "PaymentMethod", "paymentMethodId")
            if payment_method_id
            else None
        )
        row, outcome = await purchases.buy_seats(
            info.context.services.gateway,
            info.context.services.live,
            info.context.services.clock,
            info.context.acting_user,
            _pk(subscription_id),
            seats,
            idempotency_key=idempotency_key,
            payment_method_id=method,
        )
        failure = payments.failure_error(outcome.payment) if outcome and outcome.payment else None
        return SubscriptionPayload(
            subscription=ProductSubscription.from_model(row),
            user_errors=[UserError.from_error(failure)] if failure else [],
        )

    @strawberry.mutation(
        description="Chooses the card this subscription renews on and its purchases charge "
        "(R-PAY-6); null: the account's default card. MANAGED_BY_RESELLER for reseller ones."
    )
    @payload(SubscriptionPayload, requires=PortalUser)
    async def set_subscription_payment_method(
        self, info: Info, subscription_id: strawberry.ID, payment_method_id: strawberry.ID | None
    ) -> SubscriptionPayload:
        method = (
            pk_of(payment_method_id, "PaymentMethod", "paymentMethodId")
            if payment_method_id
            else None
        )
        row = await payments.set_renewal_card(
            info.context.services.clock, info.context.acting_user, _pk(subscription_id), method
        )
        return SubscriptionPayload(subscription=ProductSubscription.from_model(row))

    @strawberry.mutation
    @payload(SubscriptionPayload, requires=PortalUser)
    async def set_subscription_auto_renew(
        self, info: Info, subscription_id: strawberry.ID, auto_renew: bool
    ) -> SubscriptionPayload:
        row = await subscriptions.set_auto_renew(
            info.context.services.clock,
            info.context.acting_user,
            _pk(subscription_id),
            auto_renew,
        )
        return SubscriptionPayload(subscription=ProductSubscription.from_model(row))

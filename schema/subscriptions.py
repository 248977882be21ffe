"""Subscriptions as customers see and manage them (R-SUB-1, R-SUB-2)."""

from __future__ import annotations

from datetime import date

import strawberry

from models.subscriptions import Deployment as DeploymentModel
from models.subscriptions import SalesChannel as SalesChannelModel
from models.subscriptions import Subscription as SubscriptionModel
from models.subscriptions import SubscriptionStatus as StatusModel
from resolvers import subscriptions
from schema.context import Info
from schema.errors import UserError, payload
from schema.nodes import register_account_node
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
            info.context.acting_user, _pk(subscription_id), namespace_path
        )
        return SubscriptionPayload(subscription=ProductSubscription.from_model(row))

    @strawberry.mutation(description="More seats now (prorated invoice); MANAGED_BY_RESELLER.")
    @payload(SubscriptionPayload, requires=PortalUser)
    async def update_subscription_seats(
        self, info: Info, subscription_id: strawberry.ID, seats: int
    ) -> SubscriptionPayload:
        row, _invoice = await subscriptions.update_seats(
            info.context.acting_user, _pk(subscription_id), seats
        )
        return SubscriptionPayload(subscription=ProductSubscription.from_model(row))

    @strawberry.mutation
    @payload(SubscriptionPayload, requires=PortalUser)
    async def set_subscription_auto_renew(
        self, info: Info, subscription_id: strawberry.ID, auto_renew: bool
    ) -> SubscriptionPayload:
        row = await subscriptions.set_auto_renew(
            info.context.acting_user, _pk(subscription_id), auto_renew
        )
        return SubscriptionPayload(subscription=ProductSubscription.from_model(row))

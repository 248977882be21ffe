"""Notifications: the feed (`me.notifications`), read state, and the live stream (R-NOT-2/5)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.accounts import BillingAccount as AccountModel
from models.invoices import Invoice as InvoiceModel
from models.notifications import EventKind
from models.subscriptions import Subscription as SubscriptionModel
from models.users import User as UserModel
from resolvers import notifications
from resolvers.errors import DomainError
from resolvers.notifications import NotificationItem
from schema.accounts import BillingAccount
from schema.context import Info, Loaders
from schema.errors import UserError, payload, query_error, raise_as_graphql
from schema.nodes import register_node, viewer_sees_account
from schema.permissions import PortalUser
from schema.relay import Node, PageInfo, after_id, edges, global_id, page_size, pk_of
from schema.shared_events import SharedDelivery

if TYPE_CHECKING:
    from schema.invoices import Invoice
    from schema.subscriptions import ProductSubscription

NotificationEvent = strawberry.enum(EventKind, name="NotificationEvent")


@strawberry.type
class Notification(Node):
    _item: strawberry.Private[NotificationItem]
    event: NotificationEvent  # type: ignore[valid-type]
    title: str
    message: str
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def from_item(cls, item: NotificationItem) -> Notification:
        return cls(
            id=global_id("Notification", item.id),
            _item=item,
            event=item.kind,
            title=item.title,
            message=item.message,
            created_at=item.created_at,
            read_at=item.read_at,
        )

    async def _visible(self, info: Info) -> bool:
        """What the event was about, while the viewer may still see its account (R-MGR-2)."""
        return await viewer_sees_account(info, self._item.account_id)

    def shared_key(self) -> NotificationItem:
        """Every stream of this notification renders a selection of it alike (one user's
        sessions): `schema.shared_events` executes it once per event. The subscription below
        asks its fast path with the same key, without building the Notification."""
        return self._item

    @strawberry.field
    async def billing_account(self, info: Info) -> BillingAccount | None:
        if not await self._visible(info):
            return None
        account = await info.context.loaders.load_model(AccountModel, self._item.account_id)
        return BillingAccount.from_model(account) if account else None

    @strawberry.field
    async def subscription(
        self, info: Info
    ) -> Annotated[ProductSubscription, strawberry.lazy("schema.subscriptions")] | None:
        from schema.subscriptions import ProductSubscription

        if self._item.subscription_id is None or not await self._visible(info):
            return None
        row = await info.context.loaders.load_model(SubscriptionModel, self._item.subscription_id)
        return ProductSubscription.from_model(row) if row else None

    @strawberry.field
    async def invoice(
        self, info: Info
    ) -> Annotated[Invoice, strawberry.lazy("schema.invoices")] | None:
        from schema.invoices import Invoice

        if self._item.invoice_id is None or not await self._visible(info):
            return None
        row = await info.context.loaders.load_model(InvoiceModel, self._item.invoice_id)
        return Invoice.from_model(row) if row else None


@strawberry.type
class NotificationEdge:
    cursor: str
    node: Notification


@strawberry.type
class NotificationConnection:
    edges: list[NotificationEdge]
    page_info: PageInfo
    unread_count: int


async def notifications_of(
    info: Info, user: UserModel, first: int | None, after: str | None, unread_only: bool
) -> NotificationConnection:
    """`User.notifications`: the viewer's own feed, newest first."""

    async def run() -> NotificationConnection:
        viewer = info.context.acting_user
        page = await notifications.feed(viewer, page_size(first), after_id(after), unread_only)
        found, page_info = edges(
            page.items,
            page.has_next_page,
            lambda cursor, item: NotificationEdge(cursor=cursor, node=Notification.from_item(item)),
            lambda item: item.id,
        )
        return NotificationConnection(
            edges=found, page_info=page_info, unread_count=page.unread_count
        )

    if info.context.user is None or info.context.user.id != user.id:
        return NotificationConnection(
            edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None), unread_count=0
        )
    result: NotificationConnection = await raise_as_graphql(run)
    return result


async def resolve_notification(info: Info, pk: int) -> Notification | None:
    if info.context.user is None:
        return None
    item = await notifications.notification_for(info.context.user, pk)
    return Notification.from_item(item) if item else None


register_node("Notification", resolve_notification)


@strawberry.type
class MarkNotificationsReadPayload:
    unread_count: int = 0
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Mark the given notifications, or all, as read (R-NOT-5).")
    @payload(MarkNotificationsReadPayload, requires=PortalUser)
    async def mark_notifications_read(
        self, info: Info, ids: list[strawberry.ID] | None = None, all: bool | None = False
    ) -> MarkNotificationsReadPayload:
        viewer = info.context.acting_user
        pks = [pk_of(i, "Notification", "ids") for i in ids or []]
        count = await notifications.mark_read(info.context.services.clock, viewer, pks, bool(all))
        return MarkNotificationsReadPayload(unread_count=count)


@strawberry.type
class NotificationStream:
    @strawberry.subscription(
        description="Live events for the signed-in user (R-NOT-2, R-NOT-5). "
        "Ends when the session is revoked.",
        permission_classes=[PortalUser],
    )
    async def notifications(
        self,
        info: Info,
        billing_account_id: strawberry.ID | None = None,
        after: strawberry.ID | None = None,
    ) -> AsyncGenerator[Notification, None]:
        try:
            viewer = info.context.acting_user
            session = info.context.session
            assert session is not None
            account = pk_of(billing_account_id, "BillingAccount") if billing_account_id else None
            resume = pk_of(after, "Notification", "after") if after else None
        except DomainError as error:
            raise query_error(error) from error
        fast = SharedDelivery.of(info.operation, info.variable_values)
        async with contextlib.aclosing(
            notifications.stream(
                info.context.services.live,
                info.context.services.clock,
                viewer,
                session.id,
                account,
                resume,
            )
        ) as items:
            try:
                item = await anext(items, None)
            except DomainError as error:
                raise query_error(error) from error
            while item is not None:
                # already executed and sent for another socket: send that (`shared_key`)
                if fast is None or not await fast.sent(item):
                    info.context.loaders = Loaders()  # nothing cached across events
                    yield Notification.from_item(item)
                item = await anext(items, None)

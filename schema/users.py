from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.users import User as UserModel
from resolvers import users
from resolvers.access import visible_accounts
from schema.context import Info
from schema.errors import UserError, payload
from schema.permissions import PortalUser
from schema.relay import Node, global_id

if TYPE_CHECKING:
    from schema.accounts import BillingAccount
    from schema.invitations import Invitation
    from schema.notifications import NotificationConnection


@strawberry.type
class LinkedGitlabAccount:
    username: str
    linked_at: datetime


@strawberry.type
class User(Node):
    _model: strawberry.Private[UserModel]
    email: str
    unconfirmed_email: str | None
    email_confirmed: bool
    first_name: str
    last_name: str

    @classmethod
    def from_model(cls, user: UserModel) -> User:
        return cls(
            id=global_id("User", user.id),
            _model=user,
            email=user.email,
            unconfirmed_email=user.unconfirmed_email,
            email_confirmed=user.email_confirmed_at is not None,
            first_name=user.first_name,
            last_name=user.last_name,
        )

    @strawberry.field
    def gitlab_account(self) -> LinkedGitlabAccount | None:
        user = self._model
        if user.gitlab_id is None or user.gitlab_linked_at is None:
            return None
        return LinkedGitlabAccount(
            username=user.gitlab_username or "", linked_at=user.gitlab_linked_at
        )

    @strawberry.field(description="Accounts I manage.", permission_classes=[PortalUser])
    async def billing_accounts(
        self, info: Info
    ) -> list[Annotated[BillingAccount, strawberry.lazy("schema.accounts")]]:
        from schema.accounts import BillingAccount

        if not _is_viewer(info, self._model):
            return []
        return [
            BillingAccount.from_model(a)
            for a in await visible_accounts(info.context.services.clock, self._model)
        ]

    @strawberry.field(
        description="Invitations addressed to me that I can accept.",
        permission_classes=[PortalUser],
    )
    async def pending_invitations(
        self, info: Info
    ) -> list[Annotated[Invitation, strawberry.lazy("schema.invitations")]]:
        from schema.invitations import invitations_for

        return await invitations_for(info, self._model) if _is_viewer(info, self._model) else []

    @strawberry.field(
        description="My notifications, newest first (R-NOT-5).", permission_classes=[PortalUser]
    )
    async def notifications(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        unread_only: bool | None = False,
    ) -> Annotated[NotificationConnection, strawberry.lazy("schema.notifications")]:
        from schema.notifications import notifications_of

        return await notifications_of(info, self._model, first, after, bool(unread_only))


def _is_viewer(info: Info, user: UserModel) -> bool:
    return info.context.user is not None and info.context.user.id == user.id


@strawberry.input
class UpdateProfileInput:
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


@strawberry.type
class UpdateProfilePayload:
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user; null when not signed in.")
    def me(self, info: Info) -> User | None:
        user = info.context.user
        return User.from_model(user) if user else None


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Names change at once; a new email after confirmation (R-CONF-2)."
    )
    @payload(UpdateProfilePayload, requires=PortalUser)
    async def update_profile(self, info: Info, input: UpdateProfileInput) -> UpdateProfilePayload:
        user = await users.update_profile(
            info.context.services.clock,
            info.context.acting_user,
            first_name=input.first_name,
            last_name=input.last_name,
            email=input.email,
        )
        return UpdateProfilePayload(user=User.from_model(user))

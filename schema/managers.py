"""Removing managers and transferring ownership (R-MGR-2, R-MGR-3, R-PROF-2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers import managers
from resolvers.errors import DomainError
from schema.context import Info
from schema.errors import UserError, payload
from schema.nodes import register_node
from schema.permissions import PortalUser
from schema.relay import pk_of

if TYPE_CHECKING:
    from schema.accounts import BillingAccount, BillingAccountManager

AccountType = Annotated["BillingAccount", strawberry.lazy("schema.accounts")]


@strawberry.type
class RemoveManagerPayload:
    billing_account: AccountType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TransferOwnershipPayload:
    billing_account: AccountType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def resolve_manager(info: Info, pk: int) -> BillingAccountManager | None:
    from schema.accounts import BillingAccountManager

    if info.context.user is None:
        return None
    try:
        return BillingAccountManager.from_model(
            await managers.visible_manager(
                info.context.services.clock, info.context.acting_user, pk
            )
        )
    except DomainError:
        return None


register_node("BillingAccountManager", resolve_manager)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Takes effect at once; not the last manager or the owner.")
    @payload(RemoveManagerPayload, requires=PortalUser)
    async def remove_billing_account_manager(
        self, info: Info, manager_id: strawberry.ID
    ) -> RemoveManagerPayload:
        from schema.accounts import BillingAccount

        viewer = info.context.acting_user
        pk = pk_of(manager_id, "BillingAccountManager", "managerId")
        account = await managers.remove_manager(
            info.context.services.live, info.context.services.clock, viewer, pk
        )
        if not await managers.still_manages(viewer, account.id):
            return RemoveManagerPayload()  # removed themself: nothing more to see
        return RemoveManagerPayload(billing_account=BillingAccount.from_model(account))

    @strawberry.mutation(description="Hand ownership to another manager of the account (R-PROF-2).")
    @payload(TransferOwnershipPayload, requires=PortalUser)
    async def transfer_ownership(
        self, info: Info, billing_account_id: strawberry.ID, manager_id: strawberry.ID
    ) -> TransferOwnershipPayload:
        from schema.accounts import BillingAccount

        viewer = info.context.acting_user
        account_pk = pk_of(billing_account_id, "BillingAccount", "billingAccountId")
        manager_pk = pk_of(manager_id, "BillingAccountManager", "managerId")
        account = await managers.transfer_ownership(
            info.context.services.clock, viewer, account_pk, manager_pk
        )
        return TransferOwnershipPayload(billing_account=BillingAccount.from_model(account))

"""Invitations: inviting, resending, revoking and accepting (R-MGR-1, R-INV-1..4)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.accounts import BillingAccount as AccountModel
from models.accounts import Manager as ManagerModel
from models.invitations import Invitation as InvitationModel
from models.invitations import InvitationStatus as InvitationStatusModel
from models.users import User as UserModel
from resolvers import invitations
from schema.auth import Session
from schema.context import Info
from schema.errors import UserError, payload
from schema.nodes import register_node, viewer_sees_account
from schema.permissions import PortalUser
from schema.relay import Node, global_id, pk_of

if TYPE_CHECKING:
    from schema.accounts import BillingAccount, BillingAccountManager

InvitationStatus = strawberry.enum(InvitationStatusModel, name="InvitationStatus")

AccountType = Annotated["BillingAccount", strawberry.lazy("schema.accounts")]
ManagerType = Annotated["BillingAccountManager", strawberry.lazy("schema.accounts")]


@strawberry.type
class Invitation(Node):
    _model: strawberry.Private[InvitationModel]
    email: str
    status: InvitationStatus  # type: ignore[valid-type]
    created_at: datetime
    expires_at: datetime

    @classmethod
    def from_model(cls, invitation: InvitationModel, now: datetime) -> Invitation:
        """`now` decides whether a pending invitation has expired (R-INV-1)."""
        return cls(
            id=global_id("Invitation", invitation.id),
            _model=invitation,
            email=invitation.email,
            status=invitation.status_at(now),
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
        )

    @strawberry.field(description='"Awaiting user registration" while pending (R-INV-3).')
    def display_name(self) -> str:
        if self.status is InvitationStatusModel.PENDING:
            return invitations.PENDING_NAME
        return self.email

    async def _managed(self, info: Info) -> bool:
        return await viewer_sees_account(info, self._model.account_id)  # type: ignore[attr-defined]

    async def _account(self, info: Info) -> AccountModel:
        account_id: int = self._model.account_id  # type: ignore[attr-defined]
        account = await info.context.loaders.load_model(AccountModel, account_id)
        assert account is not None
        return account

    @strawberry.field(description="The inviting account's company name, shown to the invitee.")
    async def company_name(self, info: Info) -> str:
        return (await self._account(info)).company_name

    @strawberry.field(description="Only for managers of the account; the invitee sees null.")
    async def billing_account(self, info: Info) -> AccountType | None:
        from schema.accounts import BillingAccount

        if not await self._managed(info):
            return None
        return BillingAccount.from_model(await self._account(info))

    @strawberry.field
    async def invited_by(self, info: Info) -> ManagerType | None:
        from schema.accounts import BillingAccountManager

        manager_id = self._model.invited_by_id  # type: ignore[attr-defined]
        if manager_id is None or not await self._managed(info):
            return None
        manager = await info.context.loaders.load_model(ManagerModel, manager_id)
        return BillingAccountManager.from_model(manager) if manager else None


async def resolve_invitation(info: Info, pk: int) -> Invitation | None:
    """A node for the account's managers, or for the invitee while it is pending."""
    user, clock = info.context.user, info.context.services.clock
    invitation = await invitations.invitation_for_viewer(clock, user, pk) if user else None
    return Invitation.from_model(invitation, clock.now()) if invitation else None


register_node("Invitation", resolve_invitation)


async def account_invitations(
    info: Info, account: AccountModel, status: InvitationStatusModel | None
) -> list[Invitation]:
    """Newest first; `status: null` lists them all. One query per request for all accounts."""
    rows = await info.context.loaders.load_many(
        InvitationModel, "account_id", account.id, order_by=("-created_at", "-id")
    )
    now = info.context.services.clock.now()
    found = [Invitation.from_model(row, now) for row in rows]
    return [i for i in found if status is None or i.status is status]


async def invitations_for(info: Info, user: UserModel) -> list[Invitation]:
    clock = info.context.services.clock
    pending = await invitations.pending_for(clock, user)
    now = clock.now()
    return [Invitation.from_model(i, now) for i in pending]


@strawberry.type
class InvitePayload:
    invitation: Invitation | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RevokeInvitationPayload:
    invitation: Invitation | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AcceptInvitationPayload:
    billing_account: AccountType | None = None
    session: Session | None = strawberry.field(
        default=None, description="A new session when accepted signed out (R-MGR-1)."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Invite a manager by email (R-MGR-1, R-INV-2, R-INV-4).")
    @payload(InvitePayload, requires=PortalUser)
    async def invite_billing_account_manager(
        self, info: Info, billing_account_id: strawberry.ID, email: str
    ) -> InvitePayload:
        viewer = info.context.acting_user
        pk = pk_of(billing_account_id, "BillingAccount", "billingAccountId")
        clock = info.context.services.clock
        invitation = await invitations.invite(clock, viewer, pk, email)
        return InvitePayload(invitation=Invitation.from_model(invitation, clock.now()))

    @strawberry.mutation(description="A fresh link valid for 7 days; the old link stops working.")
    @payload(InvitePayload, requires=PortalUser)
    async def resend_invitation(self, info: Info, invitation_id: strawberry.ID) -> InvitePayload:
        viewer = info.context.acting_user
        pk = pk_of(invitation_id, "Invitation", "invitationId")
        clock = info.context.services.clock
        invitation = await invitations.resend(clock, viewer, pk)
        return InvitePayload(invitation=Invitation.from_model(invitation, clock.now()))

    @strawberry.mutation(description="A revoked invitation cannot be accepted (R-INV-3).")
    @payload(RevokeInvitationPayload, requires=PortalUser)
    async def revoke_invitation(
        self, info: Info, invitation_id: strawberry.ID
    ) -> RevokeInvitationPayload:
        viewer = info.context.acting_user
        pk = pk_of(invitation_id, "Invitation", "invitationId")
        clock = info.context.services.clock
        invitation = await invitations.revoke(clock, viewer, pk)
        return RevokeInvitationPayload(invitation=Invitation.from_model(invitation, clock.now()))

    @strawberry.mutation(description="Signed out: signs the invitee in (R-MGR-1).")
    @payload(AcceptInvitationPayload)
    async def accept_invitation(self, info: Info, token: str) -> AcceptInvitationPayload:
        from schema.accounts import BillingAccount

        accepted = await invitations.accept(
            info.context.services.live, info.context.services.clock, token, info.context.user
        )
        info.context.user = accepted.user  # the rest of this response is read as the invitee
        signed_in = accepted.signed_in
        session = (
            Session(token=signed_in.token, expires_at=signed_in.session.expires_at)
            if signed_in
            else None
        )
        return AcceptInvitationPayload(
            billing_account=BillingAccount.from_model(accepted.account), session=session
        )

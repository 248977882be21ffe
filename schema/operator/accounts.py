"""The operator API (its own schema on /operator/graphql): what the billing team does."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models.outbox import OutboxEmail as OutboxModel
from models.outbox import OutboxStatus
from notifications.outbox import recent_emails
from resolvers import accounts, gitlab
from resolvers.errors import DomainError, invalid
from schema.accounts import AddressInput, BillingAccount
from schema.context import Info
from schema.errors import UserError, payload
from schema.gitlab import UnlinkGitlabAccountPayload
from schema.relay import global_id, page_size, pk_of
from schema.users import User


@strawberry.input
class OperatorOwnerInput:
    email: str
    first_name: str
    last_name: str


@strawberry.input
class CreateBillingAccountInput:
    company_name: str
    country: str
    owner: OperatorOwnerInput
    tax_id: str | None = None
    address: AddressInput | None = None
    currency: str = "USD"


@strawberry.type
class BillingAccountPayload:
    billing_account: BillingAccount | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OutboxEmail:
    id: strawberry.ID
    to: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_model(cls, row: OutboxModel) -> OutboxEmail:
        return cls(
            id=global_id("OutboxEmail", row.id),
            to=row.to,
            subject=row.subject,
            status=row.status.value,
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
            sent_at=row.sent_at,
        )


@strawberry.type
class Query:
    @strawberry.field
    async def billing_account(self, id: strawberry.ID) -> BillingAccount | None:
        account = await accounts.any_account(pk_of(id, "BillingAccount"))
        return BillingAccount.from_model(account) if account else None

    @strawberry.field
    async def billing_accounts(
        self, search: str | None = None, first: int | None = 50, after: str | None = None
    ) -> list[BillingAccount]:
        """Oldest first. `after` is the id of the last account of the previous page."""
        after_pk = _account_pk(after) if after else None
        found = await accounts.find_accounts(search, after_pk, page_size(first))
        return [BillingAccount.from_model(a) for a in found]

    @strawberry.field(description="Pending, sent and failed email deliveries (R-NOT-4).")
    async def email_outbox(self, status: str | None = None) -> list[OutboxEmail]:
        if status is not None and status not in {s.value for s in OutboxStatus}:
            raise invalid("status is one of pending, sent, failed.", "status")
        rows = await recent_emails(OutboxStatus(status) if status else None)
        return [OutboxEmail.from_model(row) for row in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="New account; the owner gets a profile and the welcome email.")
    @payload(BillingAccountPayload)
    async def create_billing_account(
        self, info: Info, input: CreateBillingAccountInput
    ) -> BillingAccountPayload:
        account = await accounts.create_billing_account(
            info.context.services.clock,
            accounts.NewAccount(
                company_name=input.company_name,
                country=input.country,
                tax_id=input.tax_id,
                address=input.address.to_value() if input.address else None,
                currency=input.currency,
                owner_email=input.owner.email,
                owner_first_name=input.owner.first_name,
                owner_last_name=input.owner.last_name,
            ),
        )
        return BillingAccountPayload(billing_account=BillingAccount.from_model(account))

    @strawberry.mutation(
        description="Unlinks the GitLab.com account of the profile with this email, for someone "
        "who lost that account: the profile signs in by email link again (R-AUTH-7)."
    )
    @payload(UnlinkGitlabAccountPayload)
    async def unlink_gitlab_account(self, email: str) -> UnlinkGitlabAccountPayload:
        return UnlinkGitlabAccountPayload(user=User.from_model(await gitlab.operator_unlink(email)))


def _account_pk(after: str) -> int:
    try:
        return pk_of(after, "BillingAccount")
    except DomainError as exc:
        raise invalid(
            "`after` takes the id of the last billing account of the previous page.", "after"
        ) from exc

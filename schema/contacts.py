"""Choosing the subscription and billing contacts, and the account's prompts (R-CON-1..4)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from models.accounts import BillingAccount as AccountModel
from resolvers import contacts
from schema.context import Info
from schema.errors import UserError, payload
from schema.permissions import PortalUser
from schema.relay import pk_of

if TYPE_CHECKING:
    from schema.accounts import AddressInput, BillingAccount, BillingAccountManager

AccountPromptCode = strawberry.enum(contacts.AccountPromptCode, name="AccountPromptCode")

AccountType = Annotated["BillingAccount", strawberry.lazy("schema.accounts")]
ManagerType = Annotated["BillingAccountManager", strawberry.lazy("schema.accounts")]
AddressInputType = Annotated["AddressInput", strawberry.lazy("schema.accounts")]


@strawberry.type
class AccountPrompt:
    code: AccountPromptCode  # type: ignore[valid-type]
    message: str
    manager: ManagerType | None = strawberry.field(
        default=None, description="Whose name differs, for UPDATE_CONTACT_NAME."
    )

    @classmethod
    def of(cls, prompt: contacts.Prompt) -> AccountPrompt:
        from schema.accounts import BillingAccountManager

        manager = BillingAccountManager.from_model(prompt.manager) if prompt.manager else None
        return cls(code=prompt.code, message=prompt.message, manager=manager)


async def prompts_of(info: Info, account: AccountModel) -> list[AccountPrompt]:
    return [
        AccountPrompt.of(p)
        for p in await contacts.account_prompts(account, info.context.acting_user)
    ]


@strawberry.input
class ContactInput:
    first_name: str
    last_name: str
    email: str
    phone: str | None = None
    address: AddressInputType | None = None

    def to_value(self) -> contacts.ContactValue:
        return contacts.ContactValue(
            first_name=self.first_name,
            last_name=self.last_name,
            email=self.email,
            phone=self.phone,
            address=self.address.to_value() if self.address else None,
        )


@strawberry.input(description="Exactly one of the three (R-CON-2).")
class SetBillingContactInput:
    billing_account_id: strawberry.ID
    same_as_subscription_contact: bool | None = None
    manager_id: strawberry.ID | None = None
    custom_contact: ContactInput | None = None
    contact_details: ContactInput | None = strawberry.field(
        default=None, description="Edits to the chosen manager's contact details."
    )


@strawberry.type
class SetContactPayload:
    billing_account: AccountType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, account: AccountModel) -> SetContactPayload:
        from schema.accounts import BillingAccount

        return cls(billing_account=BillingAccount.from_model(account))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Choose a manager as subscription contact (R-CON-1).")
    @payload(SetContactPayload, requires=PortalUser)
    async def set_subscription_contact(
        self,
        info: Info,
        billing_account_id: strawberry.ID,
        manager_id: strawberry.ID,
        contact_details: ContactInput | None = None,
    ) -> SetContactPayload:
        viewer = info.context.acting_user
        account = pk_of(billing_account_id, "BillingAccount", "billingAccountId")
        manager = pk_of(manager_id, "BillingAccountManager", "managerId")
        details = contact_details.to_value() if contact_details else None
        return SetContactPayload.of(
            await contacts.set_subscription_contact(
                info.context.services.live,
                info.context.services.clock,
                viewer,
                account,
                manager,
                details,
            )
        )

    @strawberry.mutation(
        description="Same as subscription contact, a manager, or custom (R-CON-2)."
    )
    @payload(SetContactPayload, requires=PortalUser)
    async def set_billing_contact(
        self, info: Info, input: SetBillingContactInput
    ) -> SetContactPayload:
        viewer = info.context.acting_user
        account = pk_of(input.billing_account_id, "BillingAccount", "input", "billingAccountId")
        manager = (
            pk_of(input.manager_id, "BillingAccountManager", "input", "managerId")
            if input.manager_id is not None
            else None
        )
        updated = await contacts.set_billing_contact(
            info.context.services.live,
            info.context.services.clock,
            viewer,
            account,
            same_as_subscription_contact=input.same_as_subscription_contact,
            manager_id=manager,
            custom=input.custom_contact.to_value() if input.custom_contact else None,
            details=input.contact_details.to_value() if input.contact_details else None,
        )
        return SetContactPayload.of(updated)

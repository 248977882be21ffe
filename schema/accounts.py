from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from models.accounts import BillingAccount as AccountModel
from models.accounts import BillingContactKind as ContactKindModel
from models.accounts import Contact as ContactModel
from models.accounts import ContactRole
from models.accounts import Manager as ManagerModel
from models.invitations import InvitationStatus as InvitationStatusModel
from models.users import User as UserModel
from resolvers import accounts
from resolvers.access import managed_account, visible_account
from resolvers.errors import DomainError, NotFound
from resolvers.tax import TaxTreatment as TaxTreatmentModel
from schema.activity import ActivityConnection, activity_connection
from schema.contacts import AccountPrompt, prompts_of
from schema.context import Info, MaybeAwaitable
from schema.errors import UserError, payload, query_error
from schema.invitations import Invitation
from schema.invitations import account_invitations as invitations_of
from schema.nodes import register_node
from schema.permissions import PortalUser
from schema.relay import Node, global_id, pk_of
from schema.users import User

if TYPE_CHECKING:
    from schema.invoices import InvoiceConnection, InvoiceStatus
    from schema.payments import PaymentMethod
    from schema.subscriptions import ProductSubscription

TaxTreatment = strawberry.enum(TaxTreatmentModel, name="TaxTreatment")
BillingContactKind = strawberry.enum(ContactKindModel, name="BillingContactKind")


@strawberry.type
class Address:
    line1: str
    line2: str | None
    city: str
    postal_code: str | None
    region: str | None
    country: str

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Address | None:
        if not data:
            return None
        return cls(
            line1=data["line1"],
            line2=data.get("line2"),
            city=data["city"],
            postal_code=data.get("postal_code"),
            region=data.get("region"),
            country=data["country"],
        )


@strawberry.type
class CompanyDetails:
    name: str
    tax_id: str | None
    country: str
    address: Address | None
    tax_treatment: TaxTreatment = strawberry.field(  # type: ignore[valid-type]
        description="What the next invoice will apply (R-TAX-2)."
    )


@strawberry.type
class BillingAccountManager(Node):
    _model: strawberry.Private[ManagerModel]
    is_owner: bool
    added_at: datetime

    _user_row: strawberry.Private[UserModel | None] = None  # when read with the manager

    @classmethod
    def from_model(cls, manager: ManagerModel) -> BillingAccountManager:
        user = getattr(manager, "user", None)
        return cls(
            id=global_id("BillingAccountManager", manager.id),
            _model=manager,
            is_owner=manager.is_owner,
            added_at=manager.added_at,
            _user_row=user if isinstance(user, UserModel) else None,
        )

    async def _user(self, info: Info) -> UserModel:
        if self._user_row is not None:
            return self._user_row
        user = await info.context.loaders.load_model(UserModel, self._model.user_id)  # type: ignore[attr-defined]
        assert user is not None
        return user

    @strawberry.field
    async def user(self, info: Info) -> User:
        return User.from_model(await self._user(info))

    @strawberry.field(graphql_type=str)
    def first_name(self, info: Info) -> MaybeAwaitable[str]:
        if self._user_row is not None:
            return self._user_row.first_name
        return self._user_field(info, "first_name")

    @strawberry.field(graphql_type=str)
    def last_name(self, info: Info) -> MaybeAwaitable[str]:
        if self._user_row is not None:
            return self._user_row.last_name
        return self._user_field(info, "last_name")

    @strawberry.field(graphql_type=str)
    def email(self, info: Info) -> MaybeAwaitable[str]:
        if self._user_row is not None:
            return self._user_row.email
        return self._user_field(info, "email")

    async def _user_field(self, info: Info, name: str) -> str:
        return str(getattr(await self._user(info), name))

    @strawberry.field
    async def is_subscription_contact(self, info: Info) -> bool:
        contact = await _contact(info, self._model.account_id, ContactRole.SUBSCRIPTION)  # type: ignore[attr-defined]
        return contact is not None and contact.manager_id == self._model.id  # type: ignore[attr-defined]

    @strawberry.field
    async def is_billing_contact(self, info: Info) -> bool:
        account = await info.context.loaders.load_model(AccountModel, self._model.account_id)  # type: ignore[attr-defined]
        assert account is not None
        contact = await _contact(info, account.id, account.billing_contact_role)
        return contact is not None and contact.manager_id == self._model.id  # type: ignore[attr-defined]


def _managers(info: Info, account_id: int) -> Awaitable[list[ManagerModel]]:
    """The account's managers with their users, one statement per request."""
    return info.context.loaders.load_many(ManagerModel, "account_id", account_id, related=["user"])


async def _contact(info: Info, account_id: int, role: ContactRole) -> ContactModel | None:
    contacts = await info.context.loaders.load_many(ContactModel, "account_id", account_id)
    return next((c for c in contacts if c.role is role), None)


async def _shown_contact(info: Info, account_id: int, role: ContactRole) -> Contact | None:
    """The contact as shown: a manager's one with the manager's current profile (R-PROF-1)."""
    contact = await _contact(info, account_id, role)
    if contact is None:
        return None
    user_id = contact.user_id  # type: ignore[attr-defined]
    if not user_id:
        return Contact.from_model(contact, None)
    # usually a manager: their user came with the managers (no statement of its own)
    managers = await _managers(info, account_id)
    user = next((m.user for m in managers if m.user_id == user_id), None)  # type: ignore[attr-defined]
    if user is None:
        user = await info.context.loaders.load_model(UserModel, user_id)
    return Contact.from_model(contact, user)


@strawberry.type
class Contact:
    first_name: str
    last_name: str
    email: str
    phone: str | None
    address: Address | None
    _manager_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, contact: ContactModel, user: UserModel | None) -> Contact:
        first_name, last_name, email = contact.shown_as(user)
        return cls(
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=contact.phone,
            address=Address.from_json(contact.address),
            _manager_id=contact.manager_id,  # type: ignore[attr-defined]
        )

    @strawberry.field(description="The manager this contact belongs to, if any.")
    async def manager(self, info: Info) -> BillingAccountManager | None:
        if self._manager_id is None:
            return None
        manager = await info.context.loaders.load_model(ManagerModel, self._manager_id)
        return BillingAccountManager.from_model(manager) if manager else None


@strawberry.type
class BillingContact:
    kind: BillingContactKind  # type: ignore[valid-type]
    contact: Contact


@strawberry.type
class BillingAccount(Node):
    _model: strawberry.Private[AccountModel]

    @classmethod
    def from_model(cls, account: AccountModel) -> BillingAccount:
        return cls(id=global_id("BillingAccount", account.id), _model=account)

    @strawberry.field
    def company(self) -> CompanyDetails:
        account = self._model
        return CompanyDetails(
            name=account.company_name,
            tax_id=account.tax_id,
            country=account.country,
            address=Address.from_json(account.address),
            tax_treatment=accounts.treatment_of(account).treatment,
        )

    @strawberry.field
    async def managers(self, info: Info) -> list[BillingAccountManager]:
        rows = await _managers(info, self._model.id)
        return [BillingAccountManager.from_model(m) for m in rows]

    @strawberry.field
    async def owner(self, info: Info) -> BillingAccountManager:
        return await self._owner(info)

    async def _owner(self, info: Info) -> BillingAccountManager:
        rows = await _managers(info, self._model.id)
        return BillingAccountManager.from_model(next(m for m in rows if m.is_owner))

    @strawberry.field(description="Null when it must be chosen again (R-CON-4).")
    async def subscription_contact(self, info: Info) -> Contact | None:
        return await _shown_contact(info, self._model.id, ContactRole.SUBSCRIPTION)

    @strawberry.field
    async def billing_contact(self, info: Info) -> BillingContact:
        kind = self._model.billing_contact_kind
        contact = await _shown_contact(info, self._model.id, self._model.billing_contact_role)
        if contact is None:  # no subscription contact: fall back to the owner (R-CON-4)
            owner = await self._owner(info)
            user = await owner._user(info)
            return BillingContact(
                kind=kind,
                contact=Contact(
                    first_name=user.first_name,
                    last_name=user.last_name,
                    email=user.email,
                    phone=None,
                    address=None,
                    _manager_id=owner._model.id,
                ),
            )
        return BillingContact(kind=kind, contact=contact)

    @strawberry.field
    async def invitations(
        self,
        info: Info,
        status: InvitationStatusModel | None = InvitationStatusModel.PENDING,
    ) -> list[Invitation]:
        return await invitations_of(info, self._model, status)

    @strawberry.field(description="R-CON-3, R-CON-4")
    async def prompts(self, info: Info) -> list[AccountPrompt]:
        return await prompts_of(info, self._model)

    @strawberry.field(description="Who changed what, and when; newest first.")
    async def activity(
        self, first: int | None = 20, after: str | None = None
    ) -> ActivityConnection:
        return await activity_connection(self._model.id, first, after)

    @strawberry.field
    async def payment_methods(
        self, info: Info
    ) -> list[Annotated[PaymentMethod, strawberry.lazy("schema.payments")]]:
        from schema.payments import payment_methods_of

        return await payment_methods_of(info, self._model.id)

    @strawberry.field
    async def default_payment_method(
        self, info: Info
    ) -> Annotated[PaymentMethod, strawberry.lazy("schema.payments")] | None:
        from schema.payments import default_payment_method_of

        return await default_payment_method_of(info, self._model.id)

    @strawberry.field
    async def subscriptions(
        self, info: Info
    ) -> list[Annotated[ProductSubscription, strawberry.lazy("schema.subscriptions")]]:
        from schema.subscriptions import subscriptions_of

        return await subscriptions_of(info, self._model.id)

    @strawberry.field(description="Newest first, paged, by status (R-BILL-1).")
    async def invoices(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        status: Annotated[InvoiceStatus, strawberry.lazy("schema.invoices")]  # type: ignore[valid-type]
        | None = None,
    ) -> Annotated[InvoiceConnection, strawberry.lazy("schema.invoices")]:
        from schema.invoices import invoices_of

        return await invoices_of(info, self._model.id, first, after, status)


async def resolve_account(info: Info, pk: int) -> BillingAccount | None:
    if info.context.operator:
        account = await accounts.any_account(pk)
        return BillingAccount.from_model(account) if account else None
    if info.context.user is None:
        return None
    try:
        return BillingAccount.from_model(
            await visible_account(info.context.services.clock, info.context.user, pk)
        )
    except NotFound:
        return None
    except DomainError as error:  # EMAIL_UNCONFIRMED: say so, do not pretend it is missing
        raise query_error(error) from error


register_node("BillingAccount", resolve_account)


@strawberry.input
class AddressInput:
    line1: str
    city: str
    country: str
    line2: str | None = None
    postal_code: str | None = None
    region: str | None = None

    def to_value(self) -> accounts.AddressValue:
        return accounts.AddressValue(
            line1=self.line1,
            line2=self.line2,
            city=self.city,
            postal_code=self.postal_code,
            region=self.region,
            country=self.country,
        )


@strawberry.input
class UpdateCompanyDetailsInput:
    billing_account_id: strawberry.ID
    name: str | None = None
    tax_id: str | None = strawberry.field(default=None, description='"" clears it')
    country: str | None = None
    address: AddressInput | None = strawberry.UNSET


@strawberry.type
class UpdateCompanyDetailsPayload:
    billing_account: BillingAccount | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def account_for_viewer(info: Info, account_id: str, *field: str) -> AccountModel:
    """The account behind a global id, if the viewer manages it; else NOT_FOUND (R-ERR-2)."""
    pk = pk_of(account_id, "BillingAccount", *field)
    return await managed_account(info.context.acting_user, pk)


@strawberry.type
class Query:
    @strawberry.field
    async def billing_account(self, info: Info, id: strawberry.ID) -> BillingAccount | None:
        try:
            pk = pk_of(id, "BillingAccount")
        except DomainError:
            return None
        return await resolve_account(info, pk)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Managers edit company name, tax ID, country, address.")
    @payload(UpdateCompanyDetailsPayload, requires=PortalUser)
    async def update_company_details(
        self, info: Info, input: UpdateCompanyDetailsInput
    ) -> UpdateCompanyDetailsPayload:
        account = await account_for_viewer(
            info, input.billing_account_id, "input", "billingAccountId"
        )
        address = (
            accounts.UNSET
            if input.address is strawberry.UNSET
            else (input.address.to_value() if input.address else None)
        )
        updated = await accounts.update_company_details(
            info.context.services.clock,
            info.context.acting_user,
            account,
            name=input.name,
            tax_id=input.tax_id,
            country=input.country,
            address=address,
        )
        return UpdateCompanyDetailsPayload(billing_account=BillingAccount.from_model(updated))

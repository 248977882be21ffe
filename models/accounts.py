from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from models.users import User

if TYPE_CHECKING:
    from models.invitations import Invitation


class ContactRole(StrEnum):
    SUBSCRIPTION = "SUBSCRIPTION"
    BILLING = "BILLING"


class BillingContactKind(StrEnum):
    SAME_AS_SUBSCRIPTION_CONTACT = "SAME_AS_SUBSCRIPTION_CONTACT"
    BILLING_ACCOUNT_MANAGER = "BILLING_ACCOUNT_MANAGER"
    CUSTOM = "CUSTOM"


class BillingAccount(Model):
    id = fields.IntField(primary_key=True)
    company_name = fields.CharField(max_length=200)
    tax_id = fields.CharField(max_length=64, null=True)
    country = fields.CharField(max_length=2)
    address: dict[str, Any] | None = fields.JSONField(null=True)
    currency = fields.CharField(max_length=3, default="USD")
    created_at = fields.DatetimeField()
    billing_contact_kind = fields.CharEnumField(
        BillingContactKind, max_length=40, default=BillingContactKind.SAME_AS_SUBSCRIPTION_CONTACT
    )

    managers: fields.ReverseRelation[Manager]
    invitations: fields.ReverseRelation[Invitation]

    class Meta:
        table = "billing_accounts"

    @property
    def billing_contact_role(self) -> ContactRole:
        """The one place that decides which contact row is the billing contact (R-CON-2): the
        subscription contact's while the kind is "same as subscription contact"."""
        if self.billing_contact_kind is BillingContactKind.SAME_AS_SUBSCRIPTION_CONTACT:
            return ContactRole.SUBSCRIPTION
        return ContactRole.BILLING

    def billing_contact_among(self, contacts: Iterable[Contact]) -> Contact | None:
        return next((c for c in contacts if c.role is self.billing_contact_role), None)


class Manager(Model):
    """A user managing a billing account (R-MGR-*), one per account is its owner."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="managers", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="managers", on_delete=fields.CASCADE
    )
    is_owner = fields.BooleanField(default=False)
    added_at = fields.DatetimeField()

    class Meta:
        table = "managers"
        unique_together = (("account", "user"),)


class Contact(Model):
    """The subscription or billing contact of an account (R-CON-1, R-CON-2).

    The subscription contact row is missing when it must be chosen again (R-CON-4). The billing
    contact row exists only when the account's kind is not SAME_AS_SUBSCRIPTION_CONTACT.
    A manager's contact keeps only its phone and address: its name and email are read from the
    manager's profile whenever it is shown or emailed (`shown_as`); the stored ones are the
    profile when it was chosen, never read.
    """

    id = fields.IntField(primary_key=True)
    role = fields.CharEnumField(ContactRole, max_length=20)
    account: fields.ForeignKeyRelation[BillingAccount] = fields.ForeignKeyField(
        "models.BillingAccount", related_name="contacts", on_delete=fields.CASCADE
    )
    manager: fields.ForeignKeyNullableRelation[Manager] = fields.ForeignKeyField(
        "models.Manager", related_name="contacts", null=True, on_delete=fields.SET_NULL
    )
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="contacts", null=True, on_delete=fields.SET_NULL
    )
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=254)
    phone = fields.CharField(max_length=40, null=True)
    address: dict[str, Any] | None = fields.JSONField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "contacts"
        indexes = (("account_id",),)  # the dashboard reads by these (issue 11)
        unique_together = (("account", "role"),)

    def shown_as(self, user: User | None) -> tuple[str, str, str]:
        """First name, last name and email as shown and emailed (R-PROF-1): a manager's
        contact follows the manager's current profile (`user`); a custom one keeps its own."""
        if self.manager_id is not None and user is not None:  # type: ignore[attr-defined]
            return user.first_name, user.last_name, user.email
        return self.first_name, self.last_name, self.email

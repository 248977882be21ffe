"""Billing accounts and their company details (R-COMP-1, R-TAX-1, R-TAX-2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from core.clock import Clock
from core.money import CurrencyInvalid, validate_currency
from models.accounts import BillingAccount, Contact, ContactRole, Manager
from models.users import User
from notifications.outbox import app_link, enqueue_email
from resolvers.activity import log_activity
from resolvers.auth import normalize_email
from resolvers.countries import CountryInvalid, validate_country
from resolvers.errors import DomainError, ErrorCode, invalid
from resolvers.tax import TaxDecision, TaxIdInvalid, tax_treatment, validate_tax_id
from resolvers.users import clean_name

UNSET: Any = object()


@dataclass(frozen=True)
class AddressValue:
    line1: str
    city: str
    country: str
    line2: str | None = None
    postal_code: str | None = None
    region: str | None = None


def clean_address(address: AddressValue, *field: str) -> dict[str, str | None]:
    def text(value: str | None, name: str, required: bool = False, limit: int = 200) -> str | None:
        cleaned = " ".join((value or "").split()) or None
        if required and cleaned is None:
            raise invalid("This part of the address is required.", *field, name)
        if cleaned is not None and len(cleaned) > limit:
            raise invalid(f"At most {limit} characters.", *field, name)
        return cleaned

    return {
        "line1": text(address.line1, "line1", required=True),
        "line2": text(address.line2, "line2"),
        "city": text(address.city, "city", required=True),
        "postal_code": text(address.postal_code, "postalCode", limit=20),
        "region": text(address.region, "region"),
        "country": country_code(address.country, *field, "country"),
    }


def country_code(value: str, *field: str) -> str:
    try:
        return validate_country(value)
    except CountryInvalid as exc:
        raise invalid(exc.message, *field) from exc


def checked_tax_id(country: str, tax_id: str | None, *field: str) -> str | None:
    if tax_id is None or not tax_id.strip():
        return None
    try:
        return validate_tax_id(country, tax_id)
    except TaxIdInvalid as exc:
        raise DomainError(ErrorCode.TAX_ID_INVALID, exc.message, list(field)) from exc


def company_name(value: str, *field: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > 200:
        raise invalid("A company name needs 1 to 200 characters.", *field)
    return name


def treatment_of(account: BillingAccount) -> TaxDecision:
    return tax_treatment(account.country, account.tax_id)


async def update_company_details(
    clock: Clock,
    actor: User,
    account: BillingAccount,
    *,
    name: str | None = None,
    tax_id: str | None = None,
    country: str | None = None,
    address: AddressValue | None = UNSET,
) -> BillingAccount:
    """Validate everything first, so bad input changes nothing. `tax_id=""` clears it."""
    new_country = country_code(country, "input", "country") if country is not None else None
    effective_country = new_country or account.country
    changes: dict[str, Any] = {}
    if name is not None:
        changes["company_name"] = company_name(name, "input", "name")
    if new_country is not None:
        changes["country"] = new_country
    if tax_id is not None:
        changes["tax_id"] = checked_tax_id(effective_country, tax_id, "input", "taxId")
    elif new_country is not None and account.tax_id:
        changes["tax_id"] = checked_tax_id(new_country, account.tax_id, "input", "taxId")
    if address is not UNSET:
        changes["address"] = clean_address(address, "input", "address") if address else None
    if not changes:
        return account
    async with in_transaction():
        await BillingAccount.filter(id=account.id).update(**changes)
        fields = ", ".join(sorted(k.replace("_", " ") for k in changes))
        await log_activity(
            clock, account.id, actor, "company_updated", f"Company details changed: {fields}"
        )
    await account.refresh_from_db()
    return account


@dataclass(frozen=True)
class NewAccount:
    company_name: str
    country: str
    owner_email: str
    owner_first_name: str
    owner_last_name: str
    tax_id: str | None = None
    address: AddressValue | None = None
    currency: str = "USD"


async def create_billing_account(clock: Clock, data: NewAccount) -> BillingAccount:
    """Operator: a new account whose owner is its first manager and subscription contact."""
    country = country_code(data.country, "input", "country")
    values: dict[str, Any] = {
        "company_name": company_name(data.company_name, "input", "companyName"),
        "country": country,
        "tax_id": checked_tax_id(country, data.tax_id, "input", "taxId"),
        "address": clean_address(data.address, "input", "address") if data.address else None,
        "currency": _currency(data.currency),
    }
    email = normalize_email(data.owner_email, "input", "owner", "email")
    first = _owner_name(data.owner_first_name, "firstName")
    last = _owner_name(data.owner_last_name, "lastName")
    now = clock.now()
    async with in_transaction():
        user = await User.get_or_none(email=email)
        if user is None:
            user = await User.create(email=email, first_name=first, last_name=last, created_at=now)
        account = await BillingAccount.create(created_at=now, **values)
        manager = await Manager.create(account=account, user=user, is_owner=True, added_at=now)
        await Contact.create(
            account=account,
            role=ContactRole.SUBSCRIPTION,
            manager=manager,
            user=user,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            created_at=now,
        )
        await log_activity(
            clock,
            account.id,
            None,
            "account_created",
            f"Billing account created with {user.email} as owner",
        )
        await enqueue_email(
            clock,
            user.email,
            "welcome",
            name=user.first_name or user.email,
            company=account.company_name,
            link=app_link("/sign-in"),
        )
    return account


def _owner_name(value: str, field: str) -> str:
    try:
        return clean_name(value, field)
    except DomainError as exc:
        raise invalid(exc.message, "input", "owner", field) from exc


def _currency(code: str) -> str:
    try:
        return validate_currency(code)
    except CurrencyInvalid as exc:
        raise invalid(exc.message, "input", "currency") from exc


async def any_account(account_id: int) -> BillingAccount | None:
    """For the operator, who sees every account."""
    return await BillingAccount.get_or_none(id=account_id)


async def find_accounts(
    search: str | None, after_id: int | None, first: int
) -> list[BillingAccount]:
    """For the operator: oldest first, by company name, after the account `after_id`."""
    query = BillingAccount.all().order_by("id")
    if search and search.strip():
        query = query.filter(company_name__icontains=search.strip())
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return await query.limit(first)

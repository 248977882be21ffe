"""Domain errors: every expected failure is a `DomainError` with a machine code (R-ERR-1).

DomainError
├── NotFound        unknown id, or another account's object (R-ERR-2)
└── (any code)      raised as DomainError(ErrorCode.X, message, field)
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_USED = "TOKEN_USED"
    RATE_LIMITED = "RATE_LIMITED"
    TAX_ID_INVALID = "TAX_ID_INVALID"
    ALREADY_MANAGER = "ALREADY_MANAGER"
    ALREADY_INVITED = "ALREADY_INVITED"
    INVITATION_LIMIT_REACHED = "INVITATION_LIMIT_REACHED"
    LAST_MANAGER = "LAST_MANAGER"
    OWNER_CANNOT_BE_REMOVED = "OWNER_CANNOT_BE_REMOVED"
    NOT_A_MANAGER = "NOT_A_MANAGER"
    CANNOT_DELETE_DEFAULT_PAYMENT_METHOD = "CANNOT_DELETE_DEFAULT_PAYMENT_METHOD"
    CARD_DECLINED = "CARD_DECLINED"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    CARD_EXPIRED = "CARD_EXPIRED"
    INVOICE_NOT_PAYABLE = "INVOICE_NOT_PAYABLE"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    MANAGED_BY_RESELLER = "MANAGED_BY_RESELLER"
    ACCOUNT_ALREADY_LINKED = "ACCOUNT_ALREADY_LINKED"
    EMAIL_UNCONFIRMED = "EMAIL_UNCONFIRMED"
    INVITATION_EMAIL_MISMATCH = "INVITATION_EMAIL_MISMATCH"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"
    PAYMENT_METHOD_REQUIRED = "PAYMENT_METHOD_REQUIRED"  # a purchase needs a card (R-SUB-4)
    PAYMENT_METHOD_IN_USE = "PAYMENT_METHOD_IN_USE"  # a subscription renews on it (R-PAY-6)
    NOT_SOLD_IN_CURRENCY = "NOT_SOLD_IN_CURRENCY"  # no catalog price in the account's currency
    PURCHASE_AWAITING_PAYMENT = "PURCHASE_AWAITING_PAYMENT"  # pay the open order's invoice


class DomainError(Exception):
    def __init__(self, code: ErrorCode, message: str, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field is not None else None
        self.extensions = {"code": str(code)}


class NotFound(DomainError):
    def __init__(self, what: str = "Object", field: Sequence[str] | None = None) -> None:
        super().__init__(ErrorCode.NOT_FOUND, f"{what} not found.", field)


def invalid(message: str, *field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, list(field) or None)

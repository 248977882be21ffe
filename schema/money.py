"""Money on the wire: the exact amount as a decimal string, its currency and minor units."""

from __future__ import annotations

import strawberry

from core.money import format_amount


@strawberry.type
class Money:
    amount: str
    currency: str
    minor_units: int

    @classmethod
    def of(cls, minor: int, currency: str) -> Money:
        return cls(amount=format_amount(minor, currency), currency=currency, minor_units=minor)

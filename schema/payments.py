"""Cards on file (R-PAY-1..4) and the Payment type."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import strawberry

from models.payments import Payment as PaymentModel
from models.payments import PaymentMethod as MethodModel
from models.payments import PaymentStatus as PaymentStatusModel
from resolvers import payments
from resolvers.errors import ErrorCode as ErrorCodeModel
from schema.accounts import account_for_viewer
from schema.context import Info
from schema.errors import ErrorCode, UserError, payload
from schema.money import Money
from schema.nodes import register_account_node
from schema.permissions import PortalUser
from schema.relay import Node, global_id, pk_of


class CardBrandModel(StrEnum):
    VISA = "VISA"
    MASTERCARD = "MASTERCARD"
    AMEX = "AMEX"
    DISCOVER = "DISCOVER"
    JCB = "JCB"
    DINERS = "DINERS"
    UNIONPAY = "UNIONPAY"
    UNKNOWN = "UNKNOWN"


CardBrand = strawberry.enum(CardBrandModel, name="CardBrand")
PaymentStatus = strawberry.enum(PaymentStatusModel, name="PaymentStatus")


@strawberry.type
class PaymentMethod(Node):
    _model: strawberry.Private[MethodModel]
    brand: CardBrand  # type: ignore[valid-type]
    last4: str
    exp_month: int
    exp_year: int
    cardholder_name: str | None
    is_default: bool

    @classmethod
    def from_model(cls, method: MethodModel) -> PaymentMethod:
        brand = method.brand if method.brand in CardBrandModel.__members__ else "UNKNOWN"
        return cls(
            id=global_id("PaymentMethod", method.id),
            _model=method,
            brand=CardBrandModel(brand),
            last4=method.last4,
            exp_month=method.exp_month,
            exp_year=method.exp_year,
            cardholder_name=method.cardholder_name,
            is_default=method.is_default,
        )

    @strawberry.field
    def is_expired(self, info: Info) -> bool:
        return payments.is_expired(self._model, info.context.services.clock.today())


@strawberry.type
class Payment(Node):
    _model: strawberry.Private[PaymentModel]
    status: PaymentStatus  # type: ignore[valid-type]
    amount: Money
    failure_code: ErrorCode | None  # type: ignore[valid-type]
    failure_message: str | None
    created_at: datetime

    @classmethod
    def from_model(cls, payment: PaymentModel) -> Payment:
        code = payment.failure_code
        return cls(
            id=global_id("Payment", payment.id),
            _model=payment,
            status=payment.status,
            amount=Money.of(payment.amount_minor, payment.currency),
            failure_code=ErrorCodeModel.__members__.get(code or ""),
            failure_message=payment.failure_message,
            created_at=payment.created_at,
        )

    @strawberry.field
    async def payment_method(self, info: Info) -> PaymentMethod | None:
        method_id = self._model.payment_method_id  # type: ignore[attr-defined]
        method = (
            await info.context.loaders.load_model(MethodModel, method_id) if method_id else None
        )
        return PaymentMethod.from_model(method) if method else None


async def methods_of(info: Info, account_id: int) -> list[MethodModel]:
    return await info.context.loaders.load_many(
        MethodModel, "account_id", account_id, order_by=("created_at", "id")
    )


async def payment_methods_of(info: Info, account_id: int) -> list[PaymentMethod]:
    return [PaymentMethod.from_model(m) for m in await methods_of(info, account_id)]


async def default_payment_method_of(info: Info, account_id: int) -> PaymentMethod | None:
    found = next((m for m in await methods_of(info, account_id) if m.is_default), None)
    return PaymentMethod.from_model(found) if found else None


resolve_payment_method = register_account_node(
    "PaymentMethod", MethodModel, PaymentMethod.from_model
)
resolve_payment = register_account_node("Payment", PaymentModel, Payment.from_model)


@strawberry.type
class PaymentMethodPayload:
    payment_method: PaymentMethod | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeletePaymentMethodPayload:
    deleted_payment_method_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="A card from a gateway token; never a card number (R-PAY-2).")
    @payload(PaymentMethodPayload, requires=PortalUser)
    async def add_payment_method(
        self,
        info: Info,
        billing_account_id: strawberry.ID,
        payment_token: str,
        make_default: bool | None = False,
    ) -> PaymentMethodPayload:
        account = await account_for_viewer(info, billing_account_id, "billingAccountId")
        method = await payments.add_payment_method(
            info.context.services.gateway,
            info.context.services.clock,
            info.context.acting_user,
            account.id,
            payment_token,
            make_default=bool(make_default),
        )
        return PaymentMethodPayload(payment_method=PaymentMethod.from_model(method))

    @strawberry.mutation(description="Edit expiry and cardholder name, or make default (R-PAY-3).")
    @payload(PaymentMethodPayload, requires=PortalUser)
    async def update_payment_method(
        self,
        info: Info,
        payment_method_id: strawberry.ID,
        exp_month: int | None = None,
        exp_year: int | None = None,
        cardholder_name: str | None = None,
        make_default: bool | None = None,
    ) -> PaymentMethodPayload:
        method = await payments.update_payment_method(
            info.context.services.clock,
            info.context.acting_user,
            pk_of(payment_method_id, "PaymentMethod", "paymentMethodId"),
            exp_month=exp_month,
            exp_year=exp_year,
            cardholder_name=cardholder_name,
            make_default=make_default,
        )
        return PaymentMethodPayload(payment_method=PaymentMethod.from_model(method))

    @strawberry.mutation(description="Delete a card that is not the default (R-PAY-4).")
    @payload(DeletePaymentMethodPayload, requires=PortalUser)
    async def delete_payment_method(
        self, info: Info, payment_method_id: strawberry.ID
    ) -> DeletePaymentMethodPayload:
        pk = pk_of(payment_method_id, "PaymentMethod", "paymentMethodId")
        await payments.delete_payment_method(
            info.context.services.clock, info.context.acting_user, pk
        )
        return DeletePaymentMethodPayload(deleted_payment_method_id=payment_method_id)

"""Invoices and paying them (R-BILL-1..5)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from core.settings import get_settings
from models.invoices import Invoice as InvoiceModel
from models.invoices import InvoiceLine as LineModel
from models.invoices import InvoiceStatus as InvoiceStatusModel
from models.payments import Payment as PaymentModel
from models.payments import PaymentStatus as PaymentStatusModel
from models.subscriptions import Subscription as SubscriptionModel
from resolvers import invoices, payments
from resolvers.errors import DomainError
from resolvers.tax import format_rate_percent
from schema.accounts import TaxTreatment
from schema.context import Info, MaybeAwaitable
from schema.errors import UserError, payload
from schema.money import Money
from schema.nodes import register_account_node
from schema.payments import Payment
from schema.permissions import PortalUser
from schema.relay import Node, PageInfo, after_id, edges, global_id, page_size, pk_of, selected
from schema.subscriptions import ProductSubscription

InvoiceStatus = strawberry.enum(InvoiceStatusModel, name="InvoiceStatus")


@strawberry.type
class InvoiceLine:
    description: str
    quantity: int
    unit_price: Money
    amount: Money

    @classmethod
    def from_model(cls, line: LineModel, currency: str) -> InvoiceLine:
        return cls(
            description=line.description,
            quantity=line.quantity,
            unit_price=Money.of(line.unit_price_minor, currency),
            amount=Money.of(line.amount_minor, currency),
        )


@strawberry.type
class Invoice(Node):
    _model: strawberry.Private[InvoiceModel]
    number: str
    status: InvoiceStatus  # type: ignore[valid-type]
    issued_at: datetime
    due_date: date
    subtotal: Money
    tax: Money
    tax_treatment: TaxTreatment  # type: ignore[valid-type]
    tax_rate_percent: str | None = strawberry.field(description='e.g. "19.00"')
    tax_note: str | None = strawberry.field(description="e.g. the reverse charge note")
    total: Money
    amount_due: Money
    # read with the page when the query asks for them (`invoices_of`), else loaded per field
    _lines: strawberry.Private[list[InvoiceLine] | None] = None
    _subscriptions: strawberry.Private[dict[int, ProductSubscription] | None] = None

    @classmethod
    def from_model(cls, row: InvoiceModel) -> Invoice:
        currency = row.currency
        rate = row.tax_rate_percent
        return cls(
            id=global_id("Invoice", row.id),
            _model=row,
            number=row.number,
            status=row.status,
            issued_at=row.issued_at,
            due_date=row.due_date,
            subtotal=Money.of(row.subtotal_minor, currency),
            tax=Money.of(row.tax_minor, currency),
            tax_treatment=row.tax_treatment,
            tax_rate_percent=format_rate_percent(rate) if rate is not None else None,
            tax_note=row.tax_note,
            total=Money.of(row.total_minor, currency),
            amount_due=Money.of(invoices.amount_due(row), currency),
        )

    @strawberry.field(graphql_type=list[InvoiceLine])
    def lines(self, info: Info) -> MaybeAwaitable[list[InvoiceLine]]:
        if self._lines is not None:  # read with the page (`invoices_of`): no await per invoice
            return self._lines
        return self._load_lines(info)

    async def _load_lines(self, info: Info) -> list[InvoiceLine]:
        rows = await info.context.loaders.load_many(
            LineModel, "invoice_id", self._model.id, order_by=("position", "id")
        )
        return [InvoiceLine.from_model(row, self._model.currency) for row in rows]

    @strawberry.field
    async def payments(self, info: Info) -> list[Payment]:
        rows = await info.context.loaders.load_many(PaymentModel, "invoice_id", self._model.id)
        return [Payment.from_model(p) for p in rows if p.status is not PaymentStatusModel.PENDING]

    @strawberry.field(description="GET it with the same bearer token (R-BILL-2).")
    def pdf_url(self) -> str:
        return f"{get_settings().public_url.rstrip('/')}/invoices/{self.id}.pdf"

    @strawberry.field(graphql_type=ProductSubscription | None)
    def subscription(self, info: Info) -> MaybeAwaitable[ProductSubscription | None]:
        pk = self._model.subscription_id  # type: ignore[attr-defined]
        if pk is None:
            return None
        if self._subscriptions is not None and pk in self._subscriptions:
            return self._subscriptions[pk]
        return self._load_subscription(info, pk)

    async def _load_subscription(self, info: Info, pk: int) -> ProductSubscription | None:
        row = await info.context.loaders.load_model(SubscriptionModel, pk)
        return ProductSubscription.from_model(row) if row else None


@strawberry.type
class InvoiceEdge:
    cursor: str
    node: Invoice


@strawberry.type
class InvoiceConnection:
    edges: list[InvoiceEdge]
    page_info: PageInfo
    total_count: int


async def invoices_of(
    info: Info,
    account_id: int,
    first: int | None,
    after: str | None,
    status: InvoiceStatusModel | None,
) -> InvoiceConnection:
    """Newest first, `first` at a time after a signed cursor (R-BILL-1). The lines and the
    subscriptions of the page are read here, one statement each, when the query asks for them."""
    page, total = await invoices.invoice_page(account_id, page_size(first), after_id(after), status)
    nodes = [Invoice.from_model(row) for row in page.items]
    wanted = selected(info, "edges", "node")
    if "lines" in wanted:
        await _with_lines(nodes)
    if "subscription" in wanted:
        await _with_subscriptions(info, account_id, nodes)
    found, page_info = edges(
        nodes,
        page.has_next_page,
        lambda cursor, node: InvoiceEdge(cursor=cursor, node=node),
        lambda node: node._model.id,
    )
    return InvoiceConnection(edges=found, page_info=page_info, total_count=total)


async def _with_lines(page: list[Invoice]) -> None:
    """The lines of every invoice of the page, as plain values (no model instances)."""
    by_id = {i._model.id: i for i in page}
    for invoice in page:
        invoice._lines = []
    for invoice_id, description, quantity, unit_price, amount in await invoices.line_values(
        list(by_id)
    ):
        invoice = by_id[invoice_id]
        currency = invoice._model.currency
        lines = invoice._lines
        assert lines is not None
        lines.append(
            InvoiceLine(
                description=description,
                quantity=quantity,
                unit_price=Money.of(unit_price, currency),
                amount=Money.of(amount, currency),
            )
        )


async def _with_subscriptions(info: Info, account_id: int, page: list[Invoice]) -> None:
    """The account's subscriptions, read once per request (shared with `subscriptions`)."""
    rows = await info.context.loaders.load_many(SubscriptionModel, "account_id", account_id)
    found = {row.id: ProductSubscription.from_model(row) for row in rows}
    for invoice in page:
        invoice._subscriptions = found


resolve_invoice = register_account_node("Invoice", InvoiceModel, Invoice.from_model)


@strawberry.input
class PayInvoiceInput:
    invoice_id: strawberry.ID
    idempotency_key: str
    payment_method_id: strawberry.ID | None = None
    payment_token: str | None = None


@strawberry.type
class PayInvoicePayload:
    payment: Payment | None = None
    invoice: Invoice | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry.field(description="Null for an invoice of an account you do not manage.")
    async def invoice(self, info: Info, id: strawberry.ID) -> Invoice | None:
        try:
            pk = pk_of(id, "Invoice")
        except DomainError:
            return None
        found: Invoice | None = await resolve_invoice(info, pk)
        return found


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Pay once per idempotency key (R-BILL-3, R-BILL-4).")
    @payload(PayInvoicePayload, requires=PortalUser)
    async def pay_invoice(self, info: Info, input: PayInvoiceInput) -> PayInvoicePayload:
        method = input.payment_method_id
        outcome = await payments.pay_invoice(
            info.context.services.gateway,
            info.context.services.live,
            info.context.services.clock,
            info.context.acting_user,
            pk_of(input.invoice_id, "Invoice", "input", "invoiceId"),
            idempotency_key=input.idempotency_key,
            payment_method_id=pk_of(method, "PaymentMethod", "input", "paymentMethodId")
            if method
            else None,
            payment_token=input.payment_token,
        )
        failure = payments.failure_error(outcome.payment)
        return PayInvoicePayload(
            payment=Payment.from_model(outcome.payment),
            invoice=Invoice.from_model(outcome.invoice),
            user_errors=[UserError.from_error(failure)] if failure else [],
        )

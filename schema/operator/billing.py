"""Operator mutations for billing: subscriptions, invoices, cards, renewals (R-PAY-4, R-SUB-3)."""

from __future__ import annotations

from datetime import date

import strawberry

from models.accounts import BillingAccount as AccountModel
from resolvers import payments, renewals, subscriptions
from resolvers.accounts import any_account
from resolvers.errors import NotFound
from resolvers.invoices import LineValue, issue_invoice
from schema.context import Info
from schema.errors import UserError, payload
from schema.invoices import Invoice
from schema.payments import DeletePaymentMethodPayload
from schema.relay import pk_of
from schema.subscriptions import (
    Deployment,
    ProductSubscription,
    SalesChannel,
    SubscriptionPayload,
)


@strawberry.input
class CreateSubscriptionInput:
    billing_account_id: strawberry.ID
    plan: str
    deployment: Deployment  # type: ignore[valid-type]
    seats: int
    unit_price_minor: int = strawberry.field(description="Per seat per year, account currency.")
    start_date: date
    end_date: date
    auto_renew: bool = True
    channel: SalesChannel = SalesChannel.DIRECT  # type: ignore[valid-type]
    reseller_name: str | None = None
    issue_invoice: bool = strawberry.field(default=True, description="Direct sales only.")


@strawberry.input
class InvoiceLineInput:
    description: str
    quantity: int
    unit_price_minor: int


@strawberry.input
class IssueInvoiceInput:
    billing_account_id: strawberry.ID
    lines: list[InvoiceLineInput]
    subscription_id: strawberry.ID | None = None
    due_date: date | None = None


@strawberry.type
class InvoicePayload:
    invoice: Invoice | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RenewalRun:
    renewed: int
    failed: int
    expiring_notices_sent: int


async def _account(global_id: str) -> AccountModel:
    account = await any_account(pk_of(global_id, "BillingAccount", "input", "billingAccountId"))
    if account is None:
        raise NotFound("Billing account", ["input", "billingAccountId"])
    return account


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Direct sales issue their invoice; reseller ones none.")
    @payload(SubscriptionPayload)
    async def create_subscription(
        self, info: Info, input: CreateSubscriptionInput
    ) -> SubscriptionPayload:
        account = await _account(input.billing_account_id)
        row, _invoice = await subscriptions.create_subscription(
            info.context.services.live,
            info.context.services.clock,
            subscriptions.NewSubscription(
                account_id=account.id,
                plan=input.plan,
                deployment=input.deployment,
                seats=input.seats,
                unit_price_minor=input.unit_price_minor,
                start_date=input.start_date,
                end_date=input.end_date,
                auto_renew=input.auto_renew,
                channel=input.channel,
                reseller_name=input.reseller_name,
                issue_invoice=input.issue_invoice,
            ),
        )
        return SubscriptionPayload(subscription=ProductSubscription.from_model(row))

    @strawberry.mutation(description="Tax frozen now from the company's country and tax ID.")
    @payload(InvoicePayload)
    async def issue_invoice(self, info: Info, input: IssueInvoiceInput) -> InvoicePayload:
        account = await _account(input.billing_account_id)
        subscription = None
        if input.subscription_id is not None:
            pk = pk_of(input.subscription_id, "ProductSubscription", "input", "subscriptionId")
            subscription = await subscriptions.subscription_in(account.id, pk)
            if subscription is None:
                raise NotFound("Subscription", ["input", "subscriptionId"])
        lines = [LineValue(li.description, li.quantity, li.unit_price_minor) for li in input.lines]
        row = await issue_invoice(
            info.context.services.live,
            info.context.services.clock,
            account,
            lines,
            subscription=subscription,
            due_date=input.due_date,
        )
        return InvoicePayload(invoice=Invoice.from_model(row))

    @strawberry.mutation
    @payload(SubscriptionPayload)
    async def cancel_subscription(
        self, info: Info, subscription_id: strawberry.ID
    ) -> SubscriptionPayload:
        pk = pk_of(subscription_id, "ProductSubscription", "subscriptionId")
        row = await subscriptions.cancel_subscription(
            info.context.services.live, info.context.services.clock, pk
        )
        return SubscriptionPayload(subscription=ProductSubscription.from_model(row))

    @strawberry.mutation(description="May delete the default card (R-PAY-4).")
    @payload(DeletePaymentMethodPayload)
    async def delete_payment_method(
        self, info: Info, payment_method_id: strawberry.ID
    ) -> DeletePaymentMethodPayload:
        pk = pk_of(payment_method_id, "PaymentMethod", "paymentMethodId")
        await payments.delete_payment_method(info.context.services.clock, None, pk)
        return DeletePaymentMethodPayload(deleted_payment_method_id=payment_method_id)

    @strawberry.mutation(description="R-SUB-3; also sends SUBSCRIPTION_EXPIRING notices.")
    async def run_renewals(self, info: Info, as_of: date) -> RenewalRun:
        services = info.context.services
        run = await renewals.run_renewals(services.gateway, services.live, services.clock, as_of)
        return RenewalRun(
            renewed=run.renewed, failed=run.failed, expiring_notices_sent=run.expiring_notices_sent
        )

"""Cards on file and paying invoices (R-PAY-1..5, R-BILL-3, R-BILL-4).

Cards arrive as gateway tokens; the portal stores the gateway's reference and display details
only, never a number (R-PAY-2). Once an account has a card, exactly one is its default: every
change of default runs with the account row locked.

Paying is three steps, so a charge happens at most once per idempotency key (R-BILL-3):

1. in a transaction, lock the invoice and insert a PENDING payment under the unique
   (account, idempotency key); a duplicate request finds that row instead of making one;
2. charge the gateway outside any transaction, with a gateway key derived from the payment,
   so a repeat (a concurrent duplicate, or a retry after a crash between 2 and 3) replays
   the gateway's first result instead of charging again;
3. in a transaction, lock the payment, record the outcome once (SUCCEEDED/FAILED), update
   the invoice and record PAYMENT_SUCCEEDED / PAYMENT_FAILED.

A payment never stays PENDING (R-ERR-6): if the process dies between 1 and 3, the next attempt
on that invoice and a periodic pass (`reconcile.py`) look the charge up at the gateway by its key
and record what happened there, once; one the gateway never charged is failed once it is stale.
"""

from __future__ import annotations

from resolvers.payments.cards import (
    add_payment_method,
    attach,
    card_expiry_end,
    default_card_expiry_message,
    default_method,
    delete_payment_method,
    describe,
    is_expired,
    method_for_viewer,
    next_auto_renewal,
    renewal_card_expiry_messages,
    renewal_method,
    set_renewal_card,
    update_payment_method,
)
from resolvers.payments.charges import (
    MAX_KEY_LENGTH,
    ChargeCard,
    PaymentOutcome,
    charge,
    complete_payment,
    failure_error,
    fingerprint,
    gateway_key,
    key_reused,
    pay_invoice,
    record_outcome,
    settle,
    settle_pending,
    start_payment,
)

__all__ = [
    "MAX_KEY_LENGTH",
    "ChargeCard",
    "PaymentOutcome",
    "add_payment_method",
    "attach",
    "card_expiry_end",
    "charge",
    "complete_payment",
    "default_card_expiry_message",
    "default_method",
    "delete_payment_method",
    "describe",
    "failure_error",
    "fingerprint",
    "gateway_key",
    "is_expired",
    "key_reused",
    "method_for_viewer",
    "next_auto_renewal",
    "pay_invoice",
    "record_outcome",
    "renewal_card_expiry_messages",
    "renewal_method",
    "set_renewal_card",
    "settle",
    "settle_pending",
    "start_payment",
    "update_payment_method",
]

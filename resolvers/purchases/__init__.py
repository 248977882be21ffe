"""Buying in the portal (R-SUB-4): a new direct subscription from the catalog, more seats, and
add-on packs; R-PAY-6 (the card a subscription's purchases charge); R-SUB-5 (the confirmation).

Every purchase needs a card on record (PAYMENT_METHOD_REQUIRED otherwise, nothing changes), is
priced from the catalog in the account's currency, and is one `Purchase` per (account,
idempotency key):

1. the same key again finds that purchase (different parameters: IDEMPOTENCY_KEY_REUSED);
   otherwise one transaction issues its invoice (taxed like every invoice) and inserts it;
2. its invoice is charged through the payment machinery (`resolvers.payments`) under the
   payment key `purchase-<id>`: one payment, one gateway charge, whatever the retries;
3. the transaction that records the invoice as paid fulfils the purchase (`complete_purchase`):
   the subscription is created (with its confirmation and how to get access), the seats or the
   add-on added, all logged and announced. A declined card leaves the invoice open and the
   purchase AWAITING_PAYMENT; paying the invoice later (payInvoice) completes it.
"""

from __future__ import annotations

from resolvers.purchases.fulfilment import complete_purchase, completed_add_ons
from resolvers.purchases.orders import buy_add_on, buy_seats, buy_subscription
from resolvers.purchases.placing import PurchaseOutcome, purchase_card

__all__ = [
    "PurchaseOutcome",
    "buy_add_on",
    "buy_seats",
    "buy_subscription",
    "complete_purchase",
    "completed_add_ons",
    "purchase_card",
]

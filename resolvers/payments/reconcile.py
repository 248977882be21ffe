"""The periodic pass that settles stale pending payments (R-ERR-6), started beside the outbox
worker in the server's lifespan. Every process may run it: settling records an outcome once."""

from __future__ import annotations

import asyncio
import logging

from adapters.payments import PaymentGateway
from core.clock import Clock
from notifications.live import Live
from resolvers.payments.charges import settle_pending

log = logging.getLogger("portal.payments")


async def reconcile_once(gateway: PaymentGateway, live: Live, clock: Clock) -> int:
    settled = await settle_pending(gateway, live, clock)
    if settled:
        log.warning("Settled %d payment(s) left pending by an interruption", settled)
    return settled


async def run_forever(
    stop: asyncio.Event, interval: float, gateway: PaymentGateway, live: Live, clock: Clock
) -> None:
    while not stop.is_set():
        try:
            await reconcile_once(gateway, live, clock)
        except Exception:
            log.exception("Payment reconciliation pass failed; retrying")
        try:
            await asyncio.wait_for(stop.wait(), interval)
        except TimeoutError:
            pass

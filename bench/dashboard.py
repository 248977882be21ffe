"""Benchmark: the dashboard GraphQL query against a plain Starlette endpoint, same JSON.

Starts uvicorn in this process on loopback (a free port), seeds one account (cards, two
subscriptions, `--invoices` invoices with lines and payments), checks that both endpoints
return identical JSON, then sends `--requests` requests to each with `--concurrency` in
flight and prints requests/s, p50 and p99, and the GraphQL/plain ratios.

    python bench/dashboard.py --requests 500 --concurrency 10
    python bench/dashboard.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import JSONResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402
from tortoise import Tortoise  # noqa: E402

DASHBOARD = """
query($a: ID!, $first: Int!) {
  billingAccount(id: $a) {
    company { name taxTreatment }
    managers { firstName lastName email isOwner }
    paymentMethods { id brand last4 isDefault isExpired }
    defaultPaymentMethod { id }
    subscriptions { id name plan seats endDate autoRenew canDownloadLicense }
    invoices(first: $first) {
      totalCount
      edges {
        node {
          id number status total { amount } amountDue { amount } pdfUrl
          lines { description quantity amount { amount } }
          payments { status amount { amount } paymentMethod { last4 } }
          subscription { name }
        }
      }
    }
  }
}"""


async def seed(invoices: int) -> tuple[str, str]:
    """One account with cards, subscriptions and paid invoices; (account id, session token)."""
    from adapters.payments import SandboxGateway
    from models.subscriptions import Deployment
    from models.users import User
    from resolvers.accounts import NewAccount, create_billing_account
    from resolvers.auth import start_session
    from resolvers.invoices import LineValue, issue_invoice
    from resolvers.payments import add_payment_method, pay_invoice
    from resolvers.subscriptions import NewSubscription, create_subscription
    from schema.relay import global_id

    account = await create_billing_account(
        NewAccount("Bench GmbH", "DE", "bench@example.com", "Bea", "Bench")
    )
    owner = await User.get(email="bench@example.com")
    gateway = SandboxGateway()
    card = await add_payment_method(gateway, owner, account.id, "tok_visa")
    await add_payment_method(gateway, owner, account.id, "tok_mastercard")
    subscription, _ = await create_subscription(
        NewSubscription(
            account.id,
            "Premium",
            Deployment.GITLAB_COM,
            10,
            34_800,
            date(2026, 1, 1),
            date(2027, 1, 1),
            issue_invoice=False,
        )
    )
    await create_subscription(
        NewSubscription(
            account.id,
            "Ultimate",
            Deployment.SELF_MANAGED,
            5,
            118_800,
            date(2026, 1, 1),
            date(2027, 1, 1),
            issue_invoice=False,
        )
    )
    for index in range(invoices):
        lines = [LineValue(f"Seats {index}", 2, 1_000), LineValue("Storage", 1, 500)]
        invoice = await issue_invoice(account, lines, subscription=subscription)
        await pay_invoice(
            gateway, owner, invoice.id, idempotency_key=f"bench-{index}", payment_method_id=card.id
        )
    session = await start_session(owner)
    return str(global_id("BillingAccount", account.id)), session.token


async def plain_dashboard(request: Request) -> Response:
    """The same JSON as the GraphQL query, built straight from the database."""
    from core import ids
    from core.money import format_amount
    from core.settings import get_settings
    from models.accounts import Manager
    from models.invoices import Invoice, InvoiceLine
    from models.payments import Payment, PaymentMethod, PaymentStatus
    from models.subscriptions import Subscription
    from resolvers.accounts import treatment_of
    from resolvers.auth import authenticate
    from resolvers.invoices import amount_due
    from resolvers.payments import is_expired
    from resolvers.subscriptions import can_download_license

    token = (request.headers.get("authorization") or "")[7:]
    found = await authenticate(token)
    body = await request.json()
    account_pk = ids.decode_as(body["variables"]["a"], "BillingAccount")
    first = body["variables"]["first"]
    if found is None or not await Manager.exists(account_id=account_pk, user_id=found[1].id):
        return JSONResponse({"data": {"billingAccount": None}})
    managers = await Manager.filter(account_id=account_pk).select_related("user", "account")
    account = managers[0].account
    cards = await PaymentMethod.filter(account_id=account_pk).order_by("created_at", "id")
    subs = await Subscription.filter(account_id=account_pk).order_by("id")
    total = await Invoice.filter(account_id=account_pk).count()
    invoices = await Invoice.filter(account_id=account_pk).order_by("-id").limit(first)
    invoice_ids = [i.id for i in invoices]
    lines = await InvoiceLine.filter(invoice_id__in=invoice_ids).order_by("position", "id")
    payments = await Payment.filter(invoice_id__in=invoice_ids).order_by("id")
    names = {s.id: s.name for s in subs}
    last4 = {c.id: c.last4 for c in cards}

    def card(method_id: int | None) -> dict[str, str] | None:
        return {"last4": last4[method_id]} if method_id in last4 else None

    def subscription(subscription_id: int | None) -> dict[str, str] | None:
        return {"name": names[subscription_id]} if subscription_id in names else None

    base = get_settings().public_url.rstrip("/")

    def money(minor: int, currency: str) -> dict[str, str]:
        return {"amount": format_amount(minor, currency)}

    def invoice_json(inv: Invoice) -> dict[str, Any]:
        gid = ids.encode("Invoice", inv.id)
        return {
            "id": gid,
            "number": inv.number,
            "status": inv.status.value,
            "total": money(inv.total_minor, inv.currency),
            "amountDue": money(amount_due(inv), inv.currency),
            "pdfUrl": f"{base}/invoices/{gid}.pdf",
            "lines": [
                {
                    "description": li.description,
                    "quantity": li.quantity,
                    "amount": money(li.amount_minor, inv.currency),
                }
                for li in lines
                if li.invoice_id == inv.id  # type: ignore[attr-defined]
            ],
            "payments": [
                {
                    "status": p.status.value,
                    "amount": money(p.amount_minor, p.currency),
                    "paymentMethod": card(p.payment_method_id),  # type: ignore[attr-defined]
                }
                for p in payments
                if p.invoice_id == inv.id and p.status is not PaymentStatus.PENDING  # type: ignore[attr-defined]
            ],
            "subscription": subscription(inv.subscription_id),  # type: ignore[attr-defined]
        }

    default = next((c for c in cards if c.is_default), None)
    data = {
        "billingAccount": {
            "company": {
                "name": account.company_name,
                "taxTreatment": treatment_of(account).treatment.value,
            },
            "managers": [
                {
                    "firstName": m.user.first_name,
                    "lastName": m.user.last_name,
                    "email": m.user.email,
                    "isOwner": m.is_owner,
                }
                for m in sorted(managers, key=lambda m: m.id)
            ],
            "paymentMethods": [
                {
                    "id": ids.encode("PaymentMethod", c.id),
                    "brand": c.brand,
                    "last4": c.last4,
                    "isDefault": c.is_default,
                    "isExpired": is_expired(c),
                }
                for c in cards
            ],
            "defaultPaymentMethod": {"id": ids.encode("PaymentMethod", default.id)}
            if default
            else None,
            "subscriptions": [
                {
                    "id": ids.encode("ProductSubscription", s.id),
                    "name": s.name,
                    "plan": s.plan,
                    "seats": s.seats,
                    "endDate": s.end_date.isoformat(),
                    "autoRenew": s.auto_renew,
                    "canDownloadLicense": can_download_license(s),
                }
                for s in subs
            ],
            "invoices": {
                "totalCount": total,
                "edges": [{"node": invoice_json(i)} for i in invoices],
            },
        }
    }
    return JSONResponse({"data": data})


def build_app() -> Starlette:
    from core.settings import get_settings
    from server import routes

    return Starlette(
        routes=[
            *routes(get_settings()),
            Route("/plain/dashboard", plain_dashboard, methods=["POST"]),
        ]
    )


async def measure(
    client: httpx.AsyncClient,
    path: str,
    payload: dict[str, Any],
    token: str,
    requests: int,
    concurrency: int,
) -> tuple[float, float, float]:
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    queue = iter(range(requests))

    async def worker() -> None:
        for _ in queue:
            started = time.perf_counter()
            response = await client.post(path, json=payload, headers=headers)
            response.raise_for_status()
            latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return requests / elapsed, statistics.median(ordered) * 1000, p99 * 1000


async def main(args: argparse.Namespace) -> None:
    from core.db import tortoise_config
    from core.secrets import load_secret_key

    logging_off: dict[str, Any] = {"log_level": "warning", "access_log": False, "lifespan": "off"}
    await Tortoise.init(config=tortoise_config(args.database_url))
    await Tortoise.generate_schemas()
    await load_secret_key()
    account_id, token = await seed(args.invoices)
    server = uvicorn.Server(uvicorn.Config(build_app(), host="127.0.0.1", port=0, **logging_off))
    serving = asyncio.create_task(server.serve())
    for _ in range(1000):  # up to 10 s for uvicorn to bind
        if server.started or serving.done():
            break
        await asyncio.sleep(0.01)
    if not server.started:
        raise SystemExit("uvicorn did not start")
    port = server.servers[0].sockets[0].getsockname()[1]
    payload = {"query": DASHBOARD, "variables": {"a": account_id, "first": args.invoices}}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            headers = {"Authorization": f"Bearer {token}"}
            graphql = (await client.post("/graphql", json=payload, headers=headers)).json()
            plain = (await client.post("/plain/dashboard", json=payload, headers=headers)).json()
            assert graphql == plain, "the two endpoints must return the same JSON"
            print(
                f"dashboard: {args.invoices} invoices, {args.requests} requests per endpoint, "
                f"{args.concurrency} concurrent, {args.database_url.split('://')[0]}"
            )
            results = {}
            for name, path in (("graphql", "/graphql"), ("plain", "/plain/dashboard")):
                await measure(client, path, payload, token, min(20, args.requests), 2)  # warm up
                results[name] = await measure(
                    client, path, payload, token, args.requests, args.concurrency
                )
                rps, p50, p99 = results[name]
                print(f"{name:8s} {rps:8.1f} req/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
            g, p = results["graphql"], results["plain"]
            print(
                f"ratio    throughput graphql/plain {g[0] / p[0]:.2f}   "
                f"p50 {g[1] / p[1]:.2f}x   p99 {g[2] / p[2]:.2f}x"
            )
    finally:
        server.should_exit = True
        await serving
        await Tortoise.close_connections()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--invoices", type=int, default=20)
    default_db = os.environ.get("PORTAL_BENCH_DATABASE_URL") or (
        f"sqlite://{tempfile.mkdtemp(prefix='portal-bench-')}/bench.sqlite3"
    )
    parser.add_argument("--database-url", default=default_db)
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 100_000 or not 1 <= args.concurrency <= 200:
        parser.error("--requests 1..100000, --concurrency 1..200")
    return args


if __name__ == "__main__":
    os.environ.setdefault("PORTAL_SECRET_KEY", "bench-secret")
    asyncio.run(main(parse()))

"""Benchmark: the SPA dashboard query (issue 11) against a plain endpoint returning the same JSON.

    python bench/dashboard.py --rounds 4 --duration 10 --connections 16

A fresh PostgreSQL database (PORTAL_BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres; dropped after) holds 20 accounts, each with
3 managers, both contacts, 2 cards, 3 subscriptions and 50 invoices of 3 lines
(`bench/dashboard_shape.py`). Two server processes, one uvicorn each:

- the portal (`server:app`), answering `bench.dashboard_shape.DASHBOARD` at /graphql;
- a plain Starlette + asyncpg (+ orjson if installed) endpoint (`bench.dashboard:plain_app`),
  doing the same checks (session, confirmation, membership) and returning the identical JSON.

Before timing, the two responses are compared for every account and must be equal. Load comes
from `wrk` (a separate C process, one thread) with a Lua script rotating over the 20 accounts'
owners; the two systems alternate for `--rounds` rounds. Printed: per round requests/s, p50,
p99, server CPU per request (the server process's user+system time / requests) and the client's
CPU per request; then median ratios portal/plain with their min-max over the rounds.
PostgreSQL's own CPU is not in the server CPU figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from bench.dashboard_shape import DASHBOARD, count_fields, seed_account  # noqa: E402
from bench.fanout import free_port, fresh_database, phase, processes, wait_ready  # noqa: E402
from bench.profile_summary import recording  # noqa: E402

try:
    import orjson

    def dumps(value: Any) -> bytes:
        encoded: bytes = orjson.dumps(value)
        return encoded

    JSON_LIB = "orjson"
except ImportError:  # pragma: no cover - the benchmark says which one it used

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()

    JSON_LIB = "json"

ACCOUNTS = 20
SECRET = "bench-secret"


# ----------------------------------------------------------------------- the plain endpoint


async def plain_dashboard(request: Request) -> Response:
    """The dashboard's JSON straight from SQL: 8 statements, the portal's checks."""
    from core import ids
    from core.money import format_amount
    from core.settings import get_settings
    from core.tokens import hash_token
    from resolvers.tax import format_rate_percent, tax_treatment
    from schema.relay import encode_cursor

    body = json.loads(await request.body())
    token = (request.headers.get("authorization") or "")[7:]
    first = int(body["variables"]["first"])
    account_pk = ids.decode_as(body["variables"]["a"], "BillingAccount")
    pool: asyncpg.Pool = request.app.state.pool
    nothing = Response(dumps({"data": {"billingAccount": None}}), media_type="application/json")
    async with pool.acquire() as db:
        viewer = await db.fetchrow(
            "SELECT u.id, u.email_confirmed_at, u.first_signed_in_at FROM sessions s"
            " JOIN users u ON u.id = s.user_id"
            " WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()",
            hash_token(token),
        )
        if viewer is None:
            return nothing
        grace = timedelta(days=get_settings().email_confirmation_grace_days)
        if (
            viewer["email_confirmed_at"] is None
            and viewer["first_signed_in_at"] is not None
            and datetime.now(viewer["first_signed_in_at"].tzinfo)
            > viewer["first_signed_in_at"] + grace
        ):
            return Response(b'{"errors":[{"message":"unconfirmed"}]}', status_code=200)
        account = await db.fetchrow(
            "SELECT a.* FROM billing_accounts a JOIN managers m ON m.account_id = a.id"
            " WHERE a.id = $1 AND m.user_id = $2",
            account_pk,
            viewer["id"],
        )
        if account is None:
            return nothing
        managers = await db.fetch(
            "SELECT m.id, m.is_owner, u.first_name, u.last_name, u.email FROM managers m"
            " JOIN users u ON u.id = m.user_id WHERE m.account_id = $1 ORDER BY m.id",
            account_pk,
        )
        contacts = await db.fetch(
            "SELECT role, first_name, last_name, email, phone FROM contacts"
            " WHERE account_id = $1 ORDER BY id",
            account_pk,
        )
        cards = await db.fetch(
            "SELECT id, brand, last4, exp_month, exp_year, is_default FROM payment_methods"
            " WHERE account_id = $1 ORDER BY created_at, id",
            account_pk,
        )
        subscriptions = await db.fetch(
            "SELECT id, name, plan, seats, start_date, end_date, auto_renew, status"
            " FROM subscriptions WHERE account_id = $1 ORDER BY id",
            account_pk,
        )
        invoices = await db.fetch(
            "SELECT id, subscription_id, number, status, issued_at, due_date, currency,"
            " subtotal_minor, tax_minor, total_minor, amount_paid_minor,"
            " count(*) OVER () AS total_count"
            " FROM invoices WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
            account_pk,
            first + 1,
        )
        page = invoices[:first]
        lines = await db.fetch(
            "SELECT invoice_id, description, quantity, amount_minor FROM invoice_lines"
            " WHERE invoice_id = ANY($1::int[]) ORDER BY position, id",
            [i["id"] for i in page],
        )
    today = datetime.now().date()
    by_invoice: dict[int, list[dict[str, Any]]] = {i["id"]: [] for i in page}
    currency_of = {i["id"]: i["currency"] for i in page}
    for line in lines:
        currency = currency_of[line["invoice_id"]]
        by_invoice[line["invoice_id"]].append(
            {
                "description": line["description"],
                "quantity": line["quantity"],
                "amount": {
                    "amount": format_amount(line["amount_minor"], currency),
                    "currency": currency,
                },
            }
        )
    names = {s["id"]: s["name"] for s in subscriptions}
    base = get_settings().public_url.rstrip("/")

    def money(minor: int, currency: str) -> dict[str, str]:
        return {"amount": format_amount(minor, currency), "currency": currency}

    def contact(row: Any) -> dict[str, Any]:
        return {
            "firstName": row["first_name"],
            "lastName": row["last_name"],
            "email": row["email"],
            "phone": row["phone"],
        }

    def invoice(row: Any) -> dict[str, Any]:
        gid = ids.encode("Invoice", row["id"])
        currency = row["currency"]
        due = (
            0 if row["status"] == "VOID" else max(row["total_minor"] - row["amount_paid_minor"], 0)
        )
        sub = row["subscription_id"]
        return {
            "node": {
                "id": gid,
                "number": row["number"],
                "status": row["status"],
                "issuedAt": row["issued_at"].isoformat(),
                "dueDate": row["due_date"].isoformat(),
                "subtotal": money(row["subtotal_minor"], currency),
                "tax": money(row["tax_minor"], currency),
                "total": money(row["total_minor"], currency),
                "amountDue": money(due, currency),
                "pdfUrl": f"{base}/invoices/{gid}.pdf",
                "subscription": {"name": names[sub]} if sub in names else None,
                "lines": by_invoice[row["id"]],
            }
        }

    roles = {c["role"]: c for c in contacts}
    kind = account["billing_contact_kind"]
    billing = roles.get("SUBSCRIPTION" if kind == "SAME_AS_SUBSCRIPTION_CONTACT" else "BILLING")
    owner = next(m for m in managers if m["is_owner"])
    default = next((c for c in cards if c["is_default"]), None)
    address = json.loads(account["address"]) if account["address"] else None
    end = encode_cursor(str(page[-1]["id"])) if page else None
    data = {
        "billingAccount": {
            "id": ids.encode("BillingAccount", account["id"]),
            "company": {
                "name": account["company_name"],
                "taxId": account["tax_id"],
                "country": account["country"],
                "taxTreatment": tax_treatment(account["country"], account["tax_id"]).treatment,
                "address": {
                    "line1": address["line1"],
                    "line2": address.get("line2"),
                    "city": address["city"],
                    "postalCode": address.get("postal_code"),
                    "region": address.get("region"),
                    "country": address["country"],
                }
                if address
                else None,
            },
            "managers": [
                {
                    "id": ids.encode("BillingAccountManager", m["id"]),
                    "firstName": m["first_name"],
                    "lastName": m["last_name"],
                    "email": m["email"],
                    "isOwner": m["is_owner"],
                }
                for m in managers
            ],
            "subscriptionContact": contact(roles["SUBSCRIPTION"])
            if "SUBSCRIPTION" in roles
            else None,
            "billingContact": {
                "kind": kind,
                "contact": contact(billing)
                if billing
                else {
                    "firstName": owner["first_name"],
                    "lastName": owner["last_name"],
                    "email": owner["email"],
                    "phone": None,
                },
            },
            "paymentMethods": [
                {
                    "id": ids.encode("PaymentMethod", c["id"]),
                    "brand": c["brand"],
                    "last4": c["last4"],
                    "expMonth": c["exp_month"],
                    "expYear": c["exp_year"],
                    "isDefault": c["is_default"],
                    "isExpired": (c["exp_year"], c["exp_month"]) < (today.year, today.month),
                }
                for c in cards
            ],
            "defaultPaymentMethod": {
                "id": ids.encode("PaymentMethod", default["id"]),
                "last4": default["last4"],
            }
            if default
            else None,
            "subscriptions": [
                {
                    "id": ids.encode("ProductSubscription", s["id"]),
                    "name": s["name"],
                    "plan": s["plan"],
                    "seats": s["seats"],
                    "startDate": s["start_date"].isoformat(),
                    "endDate": s["end_date"].isoformat(),
                    "autoRenew": s["auto_renew"],
                    "status": s["status"],
                }
                for s in subscriptions
            ],
            "invoices": {
                "totalCount": invoices[0]["total_count"] if invoices else 0,
                "pageInfo": {"hasNextPage": len(invoices) > first, "endCursor": end},
                "edges": [invoice(i) for i in page],
            },
        }
    }
    del format_rate_percent  # the query selects no tax rate
    return Response(dumps({"data": data}), media_type="application/json")


@contextlib.asynccontextmanager
async def _plain_lifespan(app: Starlette) -> AsyncIterator[None]:
    from core.secrets import load_secret_key

    await load_secret_key()
    dsn = "postgresql://" + os.environ["PORTAL_DATABASE_URL"].split("://", 1)[1]
    app.state.pool = await asyncpg.create_pool(dsn, min_size=1, max_size=5)
    try:
        yield
    finally:
        await app.state.pool.close()


plain_app = Starlette(
    routes=[Route("/plain", plain_dashboard, methods=["POST"])], lifespan=_plain_lifespan
)


# -------------------------------------------------------------------------- the harness


WRK_SCRIPT = """
local bodies = {%(bodies)s}
local tokens = {%(tokens)s}
local n = 0
request = function()
  n = n %% #bodies + 1
  return wrk.format("POST", nil,
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[n]},
    bodies[n])
end
"""


@dataclass
class Round:
    system: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float  # per request
    client_cpu_us: float  # per request
    errors: int


def _lua(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def write_script(path: Path, bodies: list[str], tokens: list[str]) -> None:
    path.write_text(
        WRK_SCRIPT
        % {
            "bodies": ", ".join(_lua(b) for b in bodies),
            "tokens": ", ".join(_lua(t) for t in tokens),
        }
    )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ms(text: str) -> float:
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    for unit in ("us", "ms", "s"):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * units[unit]
    return float(text)


def run_wrk(url: str, script: Path, args: argparse.Namespace) -> tuple[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out, used


def parse_wrk(out: str) -> tuple[int, float, float, float, int]:
    requests = rps = p50 = p99 = 0.0
    errors = 0
    for line in out.splitlines():
        words = line.split()
        if "requests in" in line:
            requests = int(words[0])
        elif line.startswith("Requests/sec:"):
            rps = float(words[1])
        elif words[:1] == ["50%"]:
            p50 = _ms(words[1])
        elif words[:1] == ["99%"]:
            p99 = _ms(words[1])
        elif "Non-2xx" in line or line.strip().startswith("Socket errors"):
            errors += sum(int(w.rstrip(",")) for w in words if w.rstrip(",").isdigit())
    return int(requests), rps, p50, p99, errors


async def seed(database_url: str) -> list[tuple[str, str]]:
    """(account id, owner's session token) for each account."""
    from tortoise import Tortoise

    from core.clock import Clock
    from core.db import apply_migrations, tortoise_config
    from core.secrets import load_secret_key
    from models.users import User
    from resolvers.auth import start_session
    from schema.relay import global_id

    await apply_migrations(database_url)
    await Tortoise.init(config=tortoise_config(database_url))
    await load_secret_key()
    pairs = []
    clock = Clock()  # this seeding process's clock
    for index in range(ACCOUNTS):
        account_id, owner_id = await seed_account(clock, index)
        token = (await start_session(clock, await User.get(id=owner_id))).token
        pairs.append((str(global_id("BillingAccount", account_id)), token))
    await Tortoise.close_connections()
    return pairs


async def same_json(
    portal: str, plain: str, bodies: list[str], tokens: list[str]
) -> tuple[int, int]:
    """Both endpoints answer every account identically; the response's fields and bytes."""
    fields = size = 0
    async with httpx.AsyncClient(timeout=30) as client:
        for body, token in zip(bodies, tokens, strict=True):
            headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
            ours = (await client.post(portal, content=body, headers=headers)).json()
            theirs = (await client.post(plain, content=body, headers=headers)).json()
            if ours != theirs:
                raise SystemExit(
                    "the two endpoints differ:\n"
                    + json.dumps(ours)[:3000]
                    + "\n"
                    + json.dumps(theirs)[:3000]
                )
            assert ours.get("errors") is None and ours["data"]["billingAccount"] is not None
            fields, size = count_fields(ours), len(dumps(theirs))
    return fields, size


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} (min {min(values):.3f}, max {max(values):.3f})"


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="portal-dashboard-") as folder:
        tmp = Path(folder)
        async with fresh_database(args.postgres_url) as database_url:
            phase("seeding")
            pairs = await seed(database_url)
            bodies = [
                json.dumps({"query": DASHBOARD, "variables": {"a": a, "first": args.first}})
                for a, _ in pairs
            ]
            tokens = [t for _, t in pairs]
            script = tmp / "dashboard.lua"
            write_script(script, bodies, tokens)
            ports = {"portal": free_port(), "plain": free_port()}
            env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
            env.update(
                PORTAL_DATABASE_URL=database_url,
                PORTAL_SECRET_KEY=SECRET,
                PORTAL_RUN_WORKER="false",
                PORTAL_GRAPHIQL="false",
                PORTAL_BROADCAST_URL="memory://",
            )
            apps = {"portal": "server:app", "plain": "bench.dashboard:plain_app"}
            commands = [
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    apps[name],
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ]
                for name, port in ports.items()
            ]
            urls = {
                "portal": f"http://127.0.0.1:{ports['portal']}/graphql",
                "plain": f"http://127.0.0.1:{ports['plain']}/plain",
            }
            with processes(commands, env, tmp / "servers.log") as started:
                pids = dict(zip(ports, (p.pid for p in started), strict=True))
                await wait_ready([f"http://127.0.0.1:{ports['portal']}/readyz"])
                await wait_ready([f"http://127.0.0.1:{ports['plain']}/"])
                fields, size = await same_json(urls["portal"], urls["plain"], bodies, tokens)
                phase(f"identical JSON for all {ACCOUNTS} accounts ({fields} fields, {size} B)")
                warm = argparse.Namespace(**{**vars(args), "duration": 3})
                for name in ports:
                    run_wrk(urls[name], script, warm)
                if args.profile:
                    with recording(pids["portal"], args.profile):
                        run_wrk(urls["portal"], script, warm)
                    phase(f"py-spy profile of the portal under load: {args.profile}")
                rounds: list[tuple[Round, Round]] = []
                for number in range(args.rounds):
                    order = ["portal", "plain"] if number % 2 == 0 else ["plain", "portal"]
                    measured: dict[str, Round] = {}
                    for name in order:
                        cpu = cpu_seconds(pids[name])
                        out, client_cpu = run_wrk(urls[name], script, args)
                        used = cpu_seconds(pids[name]) - cpu
                        requests, rps, p50, p99, errors = parse_wrk(out)
                        measured[name] = Round(
                            name,
                            requests,
                            rps,
                            p50,
                            p99,
                            used / max(requests, 1) * 1000,
                            client_cpu / max(requests, 1) * 1e6,
                            errors,
                        )
                        r = measured[name]
                        phase(
                            f"round {number + 1} {name:6}: {rps:7.1f} req/s  p50 {p50:7.1f} ms"
                            f"  p99 {p99:7.1f} ms  server CPU {r.server_cpu_ms:6.2f} ms/req"
                            f"  wrk CPU {r.client_cpu_us:5.0f} us/req  errors {errors}"
                        )
                    rounds.append((measured["portal"], measured["plain"]))
    report(args, rounds, fields, size)


def report(
    args: argparse.Namespace, rounds: list[tuple[Round, Round]], fields: int, size: int
) -> None:
    print(
        f"dashboard (issue 11 query, first: {args.first}; {fields} fields, {size} B JSON),"
        f" {ACCOUNTS} accounts, PostgreSQL, wrk -t1 -c{args.connections} -d{args.duration}s,"
        f" {args.rounds} alternating rounds; plain endpoint: Starlette + asyncpg + {JSON_LIB}"
    )
    print("| system | req/s | p50 ms | p99 ms | server CPU ms/req | wrk CPU us/req | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for index, pair in enumerate(rounds, 1):
        for r in pair:
            print(
                f"| {r.system} (round {index}) | {r.rps:.1f} | {r.p50_ms:.1f} | {r.p99_ms:.1f}"
                f" | {r.server_cpu_ms:.2f} | {r.client_cpu_us:.0f} | {r.errors} |"
            )
    throughput = [p.rps / q.rps for p, q in rounds]
    p50 = [p.p50_ms / q.p50_ms for p, q in rounds]
    p99 = [p.p99_ms / q.p99_ms for p, q in rounds]
    cpu = [p.server_cpu_ms / q.server_cpu_ms for p, q in rounds]
    print(f"throughput portal/plain, median over rounds: {spread(throughput)}")
    print(f"p50 portal/plain: {spread(p50)}")
    print(f"p99 portal/plain: {spread(p99)}")
    print(f"server CPU per request portal/plain: {spread(cpu)}")
    print(
        "server CPU per request, median: portal "
        f"{statistics.median(p.server_cpu_ms for p, _ in rounds):.2f} ms, plain "
        f"{statistics.median(q.server_cpu_ms for _, q in rounds):.2f} ms"
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10, help="seconds per system and round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--first", type=int, default=20)
    parser.add_argument(
        "--profile", type=Path, help="py-spy profile of the portal under 3 s of load (raw format)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "PORTAL_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    os.environ.setdefault("PORTAL_SECRET_KEY", SECRET)
    started = time.monotonic()
    asyncio.run(main(parse()))
    print(f"(benchmark took {time.monotonic() - started:.0f} s)", file=sys.stderr)

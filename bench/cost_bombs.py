"""Cost-bomb benchmark (R-ERR-3): time to refusal of growing GraphQL bombs, next to a plain
`{ __typename }`, to show that the cost of refusing stays flat however big the bomb.

    python bench/cost_bombs.py [--url http://127.0.0.1:8000] [--repeat 5]

Without `--url` it starts `python server.py` (SQLite in a temporary folder, no worker) in its
own process; this process is only the client. Every request carries a unique `# comment`, so
the server's per-document cache never answers: the times are those of a document never seen
before (the worst case). A repeated document is answered from the cache, shown in the last
column for the largest bombs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]


def fragment_bomb(levels: int) -> str:
    parts = ["query { me { ...F1 } }"]
    parts += [f"fragment F{n} on User {{ ...F{n + 1} ...F{n + 1} }}" for n in range(1, levels)]
    parts.append(f"fragment F{levels} on User {{ email }}")
    return "\n".join(parts)


def repeated_fields(count: int) -> str:
    return "query { me { " + " ".join("email" for _ in range(count)) + " } }"


def typename(_: int) -> str:
    return "{ __typename }"


@contextlib.contextmanager
def server() -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
            "PORTAL_PORT": str(port),
            "PORTAL_DATABASE_URL": f"sqlite://{folder}/bench.sqlite3",
            "PORTAL_MAILBOX_DIR": f"{folder}/mailbox",
            "PORTAL_RUN_WORKER": "false",
            "PORTAL_SECRET_KEY": "bench",
        }
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "server.py")],
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(15)


def timed(client: httpx.Client, body: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.post("/graphql", json=body)
    return (time.perf_counter() - started) * 1000, response.json()


def outcome(body: Any) -> str:
    first = body[0] if isinstance(body, list) else body
    if "errors" in first:
        return str(first["errors"][0].get("extensions", {}).get("code", "ERROR"))
    return "answered"


def measure(
    client: httpx.Client, make: Callable[[int], str], size: int, repeat: int, batch: int
) -> tuple[int, float, float, str]:
    text = make(size)
    times, last = [], None
    for _ in range(repeat):
        unique = [{"query": f"{text}\n# {uuid.uuid4().hex}"} for _ in range(batch)]
        elapsed, last = timed(client, unique if batch > 1 else unique[0])
        times.append(elapsed)
    same = [{"query": text}] * batch
    timed(client, same if batch > 1 else same[0])  # fills the cache
    cached = statistics.median(
        timed(client, same if batch > 1 else same[0])[0] for _ in range(repeat)
    )
    return len(text) * batch, statistics.median(times), cached, outcome(last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cases: list[tuple[str, Callable[[int], str], list[int], int]] = [
        ("{ __typename }", typename, [1], 1),
        ("fragment bomb (levels)", fragment_bomb, [10, 16, 18, 20, 30, 60, 200], 1),
        ("repeated fields (count)", repeated_fields, [100, 300, 725, 1500, 2900], 1),
        ("batch of 10 fragment bombs (levels)", fragment_bomb, [18, 30], 10),
        ("batch of 10 repeated-field docs", repeated_fields, [725], 10),
    ]
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(server())
        with httpx.Client(base_url=url, timeout=600) as client:
            timed(client, {"query": "{ __typename }"})  # warm up
            print(f"server {url}; median of {args.repeat} requests, each a never-seen document")
            header = f"{'bomb':38} {'size':>6} {'bytes':>8} {'new doc ms':>11} {'cached ms':>10}"
            print(header + "  outcome")
            for label, make, sizes, batch in cases:
                for size in sizes:
                    length, fresh, cached, result = measure(client, make, size, args.repeat, batch)
                    print(
                        f"{label:38} {size:>6} {length:>8} {fresh:>11.2f} {cached:>10.2f}  {result}"
                    )


if __name__ == "__main__":
    main()

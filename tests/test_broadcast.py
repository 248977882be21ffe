"""The live fan-out channel (R-NOT-3) and the broadcaster 0.3.1 faults it fixes.

Each upstream fault has a test against `notifications.broadcast.Hub` and a twin against
plain `broadcaster.Broadcast`, marked `xfail(strict=True)`: the twin fails while the bug
exists, and an upgrade that fixes it turns the twin into an XPASS, which fails the run.

Redis / PostgreSQL tests run when PORTAL_TEST_REDIS_URL / PORTAL_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from broadcaster import Broadcast
from redis import asyncio as aredis

from notifications.broadcast import Hub, HubUnavailable, Listener, Message

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "")
POSTGRES_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL", "")
REDIS_SERVER = shutil.which("redis-server")

skip_without_redis = pytest.mark.skipif(not REDIS_URL, reason="PORTAL_TEST_REDIS_URL is not set")
skip_without_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="PORTAL_TEST_POSTGRES_URL is not set"
)
skip_without_redis_server = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed"
)
REDIS = [pytest.mark.redis, skip_without_redis]
POSTGRES = [pytest.mark.postgres, skip_without_postgres]
ALL_BACKENDS = [
    pytest.param("memory://", id="memory"),
    pytest.param(REDIS_URL, id="redis", marks=REDIS),
    pytest.param(POSTGRES_URL, id="postgres", marks=POSTGRES),
]
SHARED_BACKENDS = ALL_BACKENDS[1:]

MakeHub = Callable[..., Awaitable[Hub]]


@pytest.fixture
def channel() -> str:
    return f"test-broadcast-{uuid.uuid4().hex}"


@pytest.fixture
async def make_hub() -> AsyncIterator[MakeHub]:
    hubs: list[Hub] = []

    async def make(url: str, **options: Any) -> Hub:
        hub = Hub(url, **options)
        await hub.start()
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        await hub.stop()


async def next_event(subscription: Listener, timeout: float = 2.0) -> Message:
    async with asyncio.timeout(timeout), contextlib.aclosing(aiter(subscription)) as events:
        return await anext(events)


async def rest(subscription: Listener, timeout: float = 2.0) -> list[Message]:
    """Everything until the subscription ends."""
    async with asyncio.timeout(timeout):
        return [event async for event in subscription]


async def subscribe_concurrently(
    stack: contextlib.AsyncExitStack, subscribe: Callable[[], Any], count: int
) -> list[Any]:
    return list(
        await asyncio.gather(*(stack.enter_async_context(subscribe()) for _ in range(count)))
    )


async def redis_numsub(url: str, channel: str) -> int:
    client = aredis.Redis.from_url(url)
    try:
        [(_, count)] = await client.pubsub_numsub(channel)
        return int(count)
    finally:
        await client.aclose()


class RedisServer:
    """A redis-server of the test's own, to stop and restart (never the shared one)."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert REDIS_SERVER is not None
        command = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port)]
        self._process = subprocess.Popen(
            [*command, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=5)
            self._process = None


@pytest.fixture
def redis_server() -> Any:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


# --- behaviour on every backend ---------------------------------------------------------


@pytest.mark.parametrize("url", ALL_BACKENDS)
async def test_fans_out_to_every_local_subscriber(make_hub: MakeHub, url: str, channel: str):
    """R-NOT-3: every local subscriber of a channel gets every message, in order."""
    hub = await make_hub(url)
    async with contextlib.AsyncExitStack() as stack:
        subscriptions = [await stack.enter_async_context(hub.subscribe(channel)) for _ in range(3)]
        for message in ("one", "two", "three"):
            await hub.publish(channel, message)
        for subscription in subscriptions:
            received = [(await next_event(subscription)).message for _ in range(3)]
            assert received == ["one", "two", "three"]


@pytest.mark.parametrize("url", ALL_BACKENDS)
async def test_channels_are_isolated(make_hub: MakeHub, url: str, channel: str):
    """R-NOT-3: a subscriber gets its own channel's messages only."""
    hub = await make_hub(url)
    async with hub.subscribe(channel) as mine, hub.subscribe(channel + "-other") as other:
        await hub.publish(channel + "-other", "not for you")
        await hub.publish(channel, "for you")
        assert await next_event(mine) == Message(channel, "for you")
        assert await next_event(other) == Message(channel + "-other", "not for you")


@pytest.mark.parametrize("url", ALL_BACKENDS)
async def test_concurrent_first_subscribers_all_receive(make_hub: MakeHub, url: str, channel: str):
    """R-NOT-3, broadcaster fault 2: subscribers entering a new channel at the same time
    all receive every message published once they are in."""
    hub = await make_hub(url)
    async with contextlib.AsyncExitStack() as stack:
        subscriptions = await subscribe_concurrently(stack, lambda: hub.subscribe(channel), 5)
        await hub.publish(channel, "first")
        received = await asyncio.gather(*(next_event(s) for s in subscriptions))
        assert [event.message for event in received] == ["first"] * 5


@pytest.mark.parametrize("url", ALL_BACKENDS)
async def test_subscribe_again_after_last_subscriber_left(
    make_hub: MakeHub, url: str, channel: str
):
    """R-NOT-3: leaving a channel and coming back (also while leaving) still delivers."""
    hub = await make_hub(url)
    async with hub.subscribe(channel):
        pass
    async with hub.subscribe(channel) as subscription:
        await hub.publish(channel, "back")
        assert await next_event(subscription) == Message(channel, "back")

    last = hub.subscribe(channel)
    await last.__aenter__()
    leaving = asyncio.create_task(last.__aexit__(None, None, None))
    await asyncio.sleep(0)  # the last subscriber is gone, its unsubscribe pending
    async with hub.subscribe(channel) as subscription:
        await leaving
        await hub.publish(channel, "raced")
        assert await next_event(subscription) == Message(channel, "raced")


@pytest.mark.parametrize("url", SHARED_BACKENDS)
async def test_subscriber_receives_events_published_by_another_instance(
    make_hub: MakeHub, url: str, channel: str
):
    """R-NOT-3: a subscriber on one server instance gets what another instance publishes,
    right after subscribe() returns (the backend subscription is already confirmed)."""
    publisher, receiver = await make_hub(url), await make_hub(url)
    for attempt in range(10):
        name = f"{channel}-{attempt}"
        async with receiver.subscribe(name) as subscription:
            await publisher.publish(name, "from elsewhere")
            assert await next_event(subscription) == Message(name, "from elsewhere")


# --- fault 1: the first subscriber never receives (Redis, redis-py 8) ----------------


@pytest.mark.redis
@skip_without_redis
async def test_first_subscriber_receives(make_hub: MakeHub, channel: str):
    """R-NOT-3, broadcaster fault 1: the very first subscriber of a fresh hub receives."""
    hub = await make_hub(REDIS_URL)
    async with hub.subscribe(channel) as subscription:
        await hub.publish(channel, "hello")
        assert await next_event(subscription) == Message(channel, "hello")


@pytest.mark.redis
@skip_without_redis
@pytest.mark.xfail(
    strict=True,
    raises=TimeoutError,
    reason="broadcaster 0.3.1 fault 1: subscribe() sets _ready before SUBSCRIBE is sent; "
    "redis-py 8 (socket_timeout=5, so the write runs under asyncio.wait_for) yields mid-send, "
    "before it records the channel; the listener's listen() finds no channel, ends, and "
    "_ready is cleared for good",
)
async def test_upstream_first_subscriber_never_receives(channel: str):
    """R-NOT-3: the upstream fault the hub fixes (fails while broadcaster has the bug)."""
    async with Broadcast(REDIS_URL) as broadcast, broadcast.subscribe(channel) as subscriber:
        await asyncio.sleep(0.1)  # every chance to settle
        await broadcast.publish(channel, "hello")
        async with asyncio.timeout(1):
            event = await subscriber.get()
    assert event.message == "hello"


# --- fault 2: concurrent first subscribers lose messages -------------------------------


@pytest.mark.redis
@skip_without_redis
@pytest.mark.xfail(
    strict=True,
    raises=(TimeoutError, KeyError),
    reason="broadcaster 0.3.1 fault 2: each concurrent first subscriber replaces the "
    "channel's subscriber set, dropping the others' queues",
)
async def test_upstream_concurrent_first_subscribers_lose_messages(channel: str):
    """R-NOT-3: the upstream fault the hub fixes (fails while broadcaster has the bug)."""
    async with Broadcast(REDIS_URL) as broadcast, contextlib.AsyncExitStack() as stack:
        # Another channel first, so that fault 1 does not hide this one.
        await stack.enter_async_context(broadcast.subscribe(channel + "-warm"))
        await asyncio.sleep(0.1)
        subscribers = await subscribe_concurrently(stack, lambda: broadcast.subscribe(channel), 3)
        await asyncio.sleep(0.1)
        await broadcast.publish(channel, "first")
        async with asyncio.timeout(1):
            received = await asyncio.gather(*(s.get() for s in subscribers))
        assert [event.message for event in received] == ["first"] * 3


# --- one backend subscription per channel ------------------------------------------------


@pytest.mark.redis
@skip_without_redis
async def test_one_backend_subscription_per_channel(make_hub: MakeHub, channel: str):
    """R-NOT-3: many local subscribers share one Redis subscription, each message is
    delivered to each of them once, and the subscription goes with the last of them."""
    hub = await make_hub(REDIS_URL)
    async with contextlib.AsyncExitStack() as stack:
        subscriptions = await subscribe_concurrently(stack, lambda: hub.subscribe(channel), 5)
        subscriptions.append(await stack.enter_async_context(hub.subscribe(channel)))
        assert await redis_numsub(REDIS_URL, channel) == 1
        await hub.publish(channel, "x")
        await hub.publish(channel, "y")
        for subscription in subscriptions:
            assert [(await next_event(subscription)).message for _ in range(2)] == ["x", "y"]
    async with asyncio.timeout(2):
        while await redis_numsub(REDIS_URL, channel):
            await asyncio.sleep(0.01)


# --- fault 3: no reconnect after a backend restart -------------------------------------


@pytest.mark.redis
@pytest.mark.slow
@skip_without_redis
@skip_without_redis_server
async def test_reconnects_after_redis_restart_and_sends_resync(
    make_hub: MakeHub, redis_server: RedisServer, channel: str
):
    """R-NOT-3, R-NOT-5, broadcaster fault 3: after Redis restarts the hub reconnects,
    resubscribes, and tells each local subscriber to resync from the database; while
    Redis is down, publish fails loudly."""
    hub = await make_hub(redis_server.url, reconnect_delay=0.05)
    async with hub.subscribe(channel) as first, hub.subscribe(channel) as second:
        await hub.publish(channel, "before")
        assert [(await next_event(s)).message for s in (first, second)] == ["before"] * 2

        redis_server.stop()
        async with asyncio.timeout(5):
            while await hub.ping():
                await asyncio.sleep(0.01)
        with pytest.raises(HubUnavailable):
            await hub.publish(channel, "lost")
        with pytest.raises(HubUnavailable):
            async with hub.subscribe(channel + "-new"):
                pass

        redis_server.start()
        resync = Message(channel, "", kind="resync")
        assert [await next_event(s, timeout=5) for s in (first, second)] == [resync] * 2
        assert hub.reconnects == 1
        assert await hub.ping()
        assert await redis_numsub(redis_server.url, channel) == 1
        await hub.publish(channel, "after")
        assert [(await next_event(s)).message for s in (first, second)] == ["after"] * 2


@pytest.mark.redis
@pytest.mark.slow
@skip_without_redis
@skip_without_redis_server
@pytest.mark.xfail(
    strict=True,
    raises=TimeoutError,
    reason="broadcaster 0.3.1 fault 3: the Redis listener task dies with the connection "
    "error and nothing restarts it; subscribers wait forever",
)
async def test_upstream_never_recovers_from_redis_restart(redis_server: RedisServer, channel: str):
    """R-NOT-3: the upstream fault the hub fixes (fails while broadcaster has the bug)."""
    async with Broadcast(redis_server.url) as broadcast, contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(broadcast.subscribe(channel + "-warm"))  # fault 1
        subscriber = await stack.enter_async_context(broadcast.subscribe(channel))
        await asyncio.sleep(0.1)
        redis_server.stop()
        await asyncio.sleep(0.2)
        redis_server.start()
        async with asyncio.timeout(2):
            while True:
                with contextlib.suppress(ConnectionError, OSError):
                    await broadcast.publish(channel, "after")
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(0.2):
                        assert (await subscriber.get()).message == "after"
                        return


@pytest.mark.postgres
@skip_without_postgres
async def test_reconnects_after_postgres_connection_lost(make_hub: MakeHub, channel: str):
    """R-NOT-3, R-NOT-5: when the LISTEN connection dies the hub reconnects, listens
    again and tells local subscribers to resync."""
    hub = await make_hub(POSTGRES_URL, reconnect_delay=0.05)
    async with hub.subscribe(channel) as subscription:
        killer = await asyncpg.connect(POSTGRES_URL)
        try:
            killed = await killer.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE query = $1 AND pid <> pg_backend_pid()",
                f'LISTEN "{channel}"',
            )
        finally:
            await killer.close()
        assert killed == 1
        assert await next_event(subscription, timeout=5) == Message(channel, "", kind="resync")
        assert hub.reconnects == 1
        await hub.publish(channel, "after")
        assert await next_event(subscription) == Message(channel, "after")


# --- fault 4: unbounded per-subscriber queues --------------------------------------------


async def test_slow_subscriber_overflows_and_ends(make_hub: MakeHub, channel: str):
    """R-NOT-3, R-NOT-5, broadcaster fault 4: a subscriber that falls queue_size behind is
    marked overflowed and ended (it resumes from the database); the others go on."""
    hub = await make_hub("memory://", queue_size=4)
    async with hub.subscribe(channel) as slow, hub.subscribe(channel) as fast:
        for number in range(10):
            await hub.publish(channel, str(number))
            assert await next_event(fast) == Message(channel, str(number))
        assert slow.overflowed
        assert not fast.overflowed
        assert await rest(slow) == []
        assert await rest(slow) == []  # stays ended


async def test_unread_subscriber_memory_is_bounded(make_hub: MakeHub, channel: str):
    """R-NOT-3, broadcaster fault 4: a subscriber that never reads holds at most
    queue_size events, however many are published."""
    hub = await make_hub("memory://", queue_size=256)
    async with hub.subscribe(channel) as subscription:
        for number in range(1000):
            await hub.publish(channel, str(number))
        async with asyncio.timeout(2):
            while not subscription.overflowed:
                await asyncio.sleep(0)
        assert subscription._queue.qsize() <= 256


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="broadcaster 0.3.1 fault 4: per-subscriber asyncio.Queue() has no bound",
)
async def test_upstream_unread_subscriber_memory_is_unbounded(channel: str):
    """R-NOT-3: the upstream fault the hub fixes (fails while broadcaster has the bug)."""
    async with Broadcast("memory://") as broadcast, broadcast.subscribe(channel) as subscriber:
        for number in range(1000):
            await broadcast.publish(channel, str(number))
        async with asyncio.timeout(2):
            while not broadcast._backend._published.empty():  # type: ignore[attr-defined]
                await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert subscriber._queue.qsize() <= 256


# --- lifecycle ------------------------------------------------------------------------


async def test_publish_and_subscribe_need_a_started_hub(channel: str):
    """R-NOT-3: a hub that is not connected says so instead of dropping silently."""
    hub = Hub("memory://")
    with pytest.raises(HubUnavailable):
        await hub.publish(channel, "nobody")
    with pytest.raises(HubUnavailable):
        async with hub.subscribe(channel):
            pass
    assert not await hub.ping()


async def test_start_is_idempotent_and_stop_ends_subscriptions(channel: str):
    """R-NOT-3: start twice is harmless; stop ends local subscriptions."""
    hub = Hub("memory://")
    await hub.start()
    await hub.start()
    assert await hub.ping()
    async with hub.subscribe(channel) as subscription:
        await hub.publish(channel, "once")
        assert await next_event(subscription) == Message(channel, "once")
        await hub.stop()
        assert await rest(subscription) == []
        assert not subscription.overflowed
    assert not await hub.ping()
    assert hub.reconnects == 0


@pytest.mark.parametrize("url", SHARED_BACKENDS)
async def test_ping_reports_a_reachable_backend(make_hub: MakeHub, url: str):
    """R-NOT-3: ping (for /readyz) is true when the backend answers."""
    hub = await make_hub(url)
    assert await hub.ping()


def test_unknown_url_scheme_is_rejected():
    with pytest.raises(ValueError, match="kafka"):
        Hub("kafka://localhost:9092")

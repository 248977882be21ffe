"""Live notifications: relay after commit, the stream, resume, revocation (R-NOT-2, R-NOT-3,
R-NOT-5, R-AUTH-5, R-MGR-2). In one process with the in-memory broadcast; several processes
over Redis are in test_two_instances.py."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import pytest_asyncio
from tortoise.transactions import in_transaction

from core import ids
from models.accounts import BillingAccount, Manager
from models.auth import Session
from models.notifications import Event, EventKind, Notification
from notifications import live, messages
from notifications.broadcast import Hub, HubUnavailable
from notifications.broadcast import Message as HubMessage
from notifications.events import record_event
from notifications.messages import EventPublished, MembershipChanged, SessionRevoked
from resolvers.auth import authenticate
from resolvers.services import Services
from schema import schema, shared_events
from schema.context import Context
from tests.conftest import (
    Viewer,
    current_services,
    fake_request,
    gql,
    make_account,
    make_user,
    owner_of,
    sign_in,
)
from tests.statements import counting_statements

STREAM = """
subscription Stream($account: ID, $after: ID) {
  notifications(billingAccountId: $account, after: $after) {
    id event title message billingAccount { id }
  }
}
"""
SIGN_OUT = "mutation { signOut { userErrors { code } } }"


@asynccontextmanager
async def running_live(services: Services, poll: float) -> AsyncIterator[Hub]:
    """The process's live channel and its relay (polling every `poll` seconds), as the server
    lifespan starts them."""
    channel = Hub("memory://")
    await channel.start()
    services.live.hub = channel
    stop = asyncio.Event()
    relay = asyncio.create_task(
        services.live.run_relay(live.Relay(channel, services.clock, poll=poll), stop)
    )
    try:
        yield channel
    finally:
        stop.set()
        await relay
        services.live.hub = None
        await channel.stop()


@pytest_asyncio.fixture
async def hub(db: None, services: Services) -> AsyncIterator[Hub]:
    async with running_live(services, poll=0.2) as channel:
        yield channel


class Stream:
    """An open `notifications` subscription read by a background task."""

    def __init__(self, results: AsyncIterator[Any]) -> None:
        self.results = results
        self.received: asyncio.Queue[Any] = asyncio.Queue()
        self.ended = asyncio.Event()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for result in self.results:
                await self.received.put(result)
        finally:
            self.ended.set()

    async def next(self, timeout: float = 3.0) -> dict[str, Any]:
        result = await asyncio.wait_for(self.received.get(), timeout)
        assert result.errors is None, result.errors
        return dict(result.data["notifications"])

    async def close(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def context_of(viewer: Viewer) -> Context:
    services = current_services()
    context = Context(request=fake_request(viewer.token), response=None, services=services)
    found = await authenticate(services.clock, viewer.token)
    assert found is not None
    context.session, context.user = found
    return context


class Framed(Stream):
    """A stream read as the websocket transport reads it (`routes.graphql`): it offers the fast
    path of `schema.shared_events`, and encodes the results it executes as `next` messages.
    `received` holds ("fast" | "executed", the message text)."""

    async def _read(self) -> None:
        async def send(payload: str) -> None:
            await self.received.put(("fast", shared_events.next_message("1", payload)))

        shared_events.send_payloads_with(send)
        try:
            async for result in self.results:
                message = {"id": "1", "type": "next", "payload": {"data": result.data}}
                await self.received.put(("executed", shared_events.encode_message(message)))
        finally:
            self.ended.set()


async def open_stream(
    hub: Hub, viewer: Viewer, reader: type[Stream] = Stream, **variables: Any
) -> Stream:
    """Subscribe and wait until the stream listens on the live channel."""
    before = len(hub._channels.get(live.CHANNEL, ()))
    results = await schema.subscribe(
        STREAM, variable_values=variables, context_value=await context_of(viewer)
    )
    stream = reader(results)
    await until(lambda: len(hub._channels.get(live.CHANNEL, ())) > before or stream.ended.is_set())
    return stream


async def happen(account: BillingAccount, title: str = "Invoice issued") -> Event:
    async with in_transaction():
        return await record_event(
            current_services().live,
            current_services().clock,
            account,
            EventKind.INVOICE_ISSUED,
            title,
            f"{title}: details",
        )


def pk(global_id: str) -> int:
    return ids.decode_as(global_id, "Notification")


async def test_r_not_3_an_event_reaches_an_open_stream_after_commit(hub: Hub) -> None:
    """Given an open stream, when an event is committed, then it arrives promptly."""
    account = await make_account()
    owner = await owner_of(account)
    stream = await open_stream(hub, owner)
    started = time.monotonic()
    event = await happen(account, "Invoice INV-1 issued")
    got = await stream.next()
    assert got["title"] == "Invoice INV-1 issued"
    assert got["event"] == "INVOICE_ISSUED"
    assert got["billingAccount"]["id"] == ids.encode("BillingAccount", account.id)
    assert time.monotonic() - started < 1.0
    # the relay marks it published in the transaction that published it: it commits just after
    for _ in range(100):
        if (await Event.get(id=event.id)).published_at is not None:
            break
        await asyncio.sleep(0.01)
    assert (await Event.get(id=event.id)).published_at is not None
    await stream.close()


async def test_r_not_3_the_relay_is_nudged_by_the_recorded_event_not_its_poll(
    db: None, services: Services
) -> None:
    """Given a relay that would poll only once a minute, run through the process's live
    delivery (as the server runs it), when an event is committed, then record_event's nudge
    has it published within a second."""
    async with running_live(services, poll=60):
        account = await make_account()
        await asyncio.sleep(0.05)  # the relay's first pass is done: it waits for a minute now
        event = await happen(account, "Nudged")
        for _ in range(100):
            if (await Event.get(id=event.id)).published_at is not None:
                break
            await asyncio.sleep(0.01)
        assert (await Event.get(id=event.id)).published_at is not None


async def test_r_not_2_a_stream_gets_only_its_users_notifications(hub: Hub) -> None:
    """Given streams of two users of different accounts, an event of one account reaches only
    that account's recipient."""
    acme = await make_account("olga@acme.example", "Acme")
    other = await make_account("oscar@other.example", "Other")
    acme_stream = await open_stream(hub, await owner_of(acme))
    other_stream = await open_stream(hub, await owner_of(other))
    await happen(acme, "For Acme")
    assert (await acme_stream.next())["title"] == "For Acme"
    await happen(other, "For Other")
    assert (await other_stream.next())["title"] == "For Other"
    assert acme_stream.received.empty()
    await acme_stream.close()
    await other_stream.close()


async def test_r_not_2_filter_by_account_and_not_found_for_another(hub: Hub) -> None:
    """Given a user managing one account, streaming another account's id is NOT_FOUND."""
    acme = await make_account("olga@acme.example", "Acme")
    other = await make_account("oscar@other.example", "Other")
    owner = await owner_of(acme)
    stream = await open_stream(hub, owner, account=ids.encode("BillingAccount", other.id))
    result = await asyncio.wait_for(stream.received.get(), 3)
    assert result.errors and result.errors[0].extensions["code"] == "NOT_FOUND"
    await stream.close()
    mine = await open_stream(hub, owner, account=ids.encode("BillingAccount", acme.id))
    await happen(acme, "Mine")
    assert (await mine.next())["title"] == "Mine"
    await mine.close()


async def test_r_not_5_resume_replays_then_continues_live_without_gap_or_duplicate(
    hub: Hub,
) -> None:
    """Given three notifications, when a stream resumes after the first, then it gets the second
    and third from the database and then the fourth live: each once, in order."""
    account = await make_account()
    owner = await owner_of(account)
    for n in range(3):
        await happen(account, f"Event {n}")
    first = await Notification.filter(user_id=owner.user.id).order_by("id").first()
    assert first is not None
    stream = await open_stream(hub, owner, after=ids.encode("Notification", first.id))
    await happen(account, "Event 3")
    titles = [(await stream.next())["title"] for _ in range(3)]
    assert titles == ["Event 1", "Event 2", "Event 3"]
    await asyncio.sleep(0.3)  # a duplicate at the seam would have arrived by now
    assert stream.received.empty()
    await stream.close()


async def test_r_not_5_resync_after_reconnect_replays_what_the_channel_missed(
    hub: Hub, services: Services
) -> None:
    """Given events the channel never carried (published while the backend was down), when the
    hub tells subscribers to resync, then the stream replays them from the database."""
    account = await make_account()
    owner = await owner_of(account)
    stream = await open_stream(hub, owner)
    async with in_transaction():
        lost = await record_event(
            services.live,
            services.clock,
            account,
            EventKind.PAYMENT_FAILED,
            "Lost",
            "Never published",
        )
        # as if sent to nobody
        await Event.filter(id=lost.id).update(published_at=services.clock.now())
    await asyncio.sleep(0.3)
    assert stream.received.empty()
    hub._fan_out(HubMessage(channel=live.CHANNEL, message="", kind="resync"))
    assert (await stream.next())["title"] == "Lost"
    await stream.close()


async def test_r_not_5_overflow_resubscribes_and_replays_every_event_once(
    db: None, services: Services
) -> None:
    """Given a hub with tiny queues, when many events arrive at once, then the stream still
    delivers each exactly once (it replays from the database after the overflow)."""
    channel = Hub("memory://", queue_size=1)
    await channel.start()
    services.live.hub = channel
    try:
        account = await make_account()
        owner = await owner_of(account)
        stream = await open_stream(channel, owner)
        relay = live.Relay(channel, services.clock)
        for n in range(30):
            await happen(account, f"Burst {n}")
        await relay.run_once()
        titles = [(await stream.next())["title"] for _ in range(30)]
        assert titles == [f"Burst {n}" for n in range(30)]
        await asyncio.sleep(0.3)
        assert stream.received.empty()
        await stream.close()
    finally:
        services.live.hub = None
        await channel.stop()


async def test_r_not_3_publish_failure_leaves_events_unpublished_for_a_retry(
    db: None, services: Services
) -> None:
    """Given the broadcast backend down, the relay leaves the event unpublished; once it is
    back, the event is published."""
    account = await make_account()
    await make_user()
    event = await happen(account)
    channel = Hub("memory://")
    with pytest.raises(HubUnavailable):
        await live.Relay(channel, services.clock).run_once()
    assert (await Event.get(id=event.id)).published_at is None
    await channel.start()
    try:
        assert await live.Relay(channel, services.clock).run_once() == 1
        assert (await Event.get(id=event.id)).published_at is not None
    finally:
        await channel.stop()


async def test_r_auth_5_sign_out_ends_the_open_stream(hub: Hub) -> None:
    """Given an open stream, when its session signs out, the stream ends within a second and
    no later event reaches it."""
    account = await make_account()
    owner = await owner_of(account)
    stream = await open_stream(hub, owner)
    assert (await gql(SIGN_OUT, as_=owner))["signOut"]["userErrors"] == []
    await asyncio.wait_for(stream.ended.wait(), 1.0)
    await happen(account, "After sign-out")
    await asyncio.sleep(0.2)
    assert stream.received.empty()


async def test_r_auth_5_revocation_is_noticed_even_without_the_message(
    hub: Hub, services: Services
) -> None:
    """Given a session revoked elsewhere with no announcement (lost message), the stream's own
    check ends it within a second."""
    account = await make_account()
    owner = await owner_of(account)
    other_session = await sign_in(owner.user)
    stream = await open_stream(hub, owner)
    other = await open_stream(hub, other_session)
    found = await authenticate(services.clock, owner.token)
    assert found is not None
    await Session.filter(id=found[0].id).update(revoked_at=services.clock.now())
    await asyncio.wait_for(stream.ended.wait(), 1.0)
    await happen(account, "Still there")
    assert (await other.next())["title"] == "Still there"
    await other.close()


async def test_r_mgr_2_a_removed_manager_stream_ends_within_a_second(
    hub: Hub, services: Services
) -> None:
    """Given a manager with open streams (all accounts, and this account), when removed from
    the account, both streams end within a second."""
    account = await make_account()
    second = await make_user("bob@example.com", "Bob")
    await Manager.create(
        account=account, user=second, is_owner=False, added_at=services.clock.now()
    )
    bob = await sign_in(second)
    everything = await open_stream(hub, bob)
    this_one = await open_stream(hub, bob, account=ids.encode("BillingAccount", account.id))
    await Manager.filter(account_id=account.id, user_id=second.id).delete()
    await services.live.announce_membership_change(second.id, account.id)
    await asyncio.wait_for(this_one.ended.wait(), 1.0)
    await asyncio.wait_for(everything.ended.wait(), 1.0)


async def test_r_mgr_2_removal_is_noticed_within_a_second_even_without_the_message(
    hub: Hub,
    services: Services,
) -> None:
    """Given a removal whose announcement was lost (another instance, broadcast down), the
    periodic membership check still ends the stream within a second."""
    account = await make_account()
    second = await make_user("bob@example.com", "Bob")
    await Manager.create(
        account=account, user=second, is_owner=False, added_at=services.clock.now()
    )
    stream = await open_stream(hub, await sign_in(second))
    await asyncio.sleep(0.6)  # the stream is covered by a membership snapshot by now
    await Manager.filter(account_id=account.id, user_id=second.id).delete()
    await asyncio.wait_for(stream.ended.wait(), 1.0)


def test_r_not_3_live_messages_round_trip_and_malformed_ones_are_ignored(
    services: Services,
) -> None:
    """Each live message type decodes to what was encoded; one parse serves every stream of
    the process (the same object comes back for the same text); garbage decodes to None."""
    published = EventPublished(
        account_id=1,
        event_id=2,
        kind=EventKind.INVOICE_ISSUED,
        title="Invoice issued",
        message="INV-1",
        created_at=services.clock.now(),
        subscription_id=None,
        invoice_id=3,
        recipients={4: 5, 6: 7},
    )
    for message in (published, SessionRevoked(8), MembershipChanged(9, 1)):
        text = messages.encode(message)
        assert messages.decode(text) == message
        assert messages.decode(text) is messages.decode(text)
    assert messages.decode('{"t": "n"}') is None
    assert messages.decode("not json") is None


async def test_r_not_3_one_event_is_executed_once_for_every_stream_of_its_notification(
    hub: Hub,
) -> None:
    """Given two sessions of one user streaming the same selection, when an event arrives, then
    both get it, and its selection (which reads the billing account) ran once, not per socket."""
    account = await make_account()
    owner = await owner_of(account)
    first = await open_stream(hub, owner)
    second = await open_stream(hub, await sign_in(owner.user))
    with counting_statements() as counter:
        await happen(account, "Shared")
        got = [await first.next(), await second.next()]
    assert [g["title"] for g in got] == ["Shared", "Shared"]
    assert got[0]["billingAccount"] == got[1]["billingAccount"] is not None
    reads = [s for s in counter.statements if s.startswith("SELECT") and '"billing_accounts"' in s]
    assert len(reads) == 1, reads
    await first.close()
    await second.close()


async def test_r_not_3_a_shared_event_payload_is_encoded_once_for_every_socket() -> None:
    """The `next` message of a shared result is the same JSON as the plain encoding, with each
    socket's own operation id, and its payload is encoded once (kept for the next socket)."""
    from graphql import ExecutionResult

    from schema import shared_events

    data = {"notifications": {"id": "Tm90aWZpY2F0aW9uOjE=", "title": 'Ünïcode "quoted"'}}
    shared_events._remember(("test", id(data)), ExecutionResult(data=data))
    messages = [{"id": op, "type": "next", "payload": {"data": data}} for op in ("1", 'x"y')]
    encoded = [shared_events.encode_message(m) for m in messages]
    assert [json.loads(e) for e in encoded] == messages
    assert encoded == [json.dumps(m, separators=(",", ":"), ensure_ascii=False) for m in messages]
    assert shared_events._shared[id(data)][1] is not None
    other = {"id": "1", "type": "next", "payload": {"data": {"a": 1}}}
    assert (
        shared_events.encode_message(other) == '{"id":"1","type":"next","payload":{"data":{"a":1}}}'
    )


async def test_r_not_3_the_fast_path_sends_only_what_was_sent_for_the_same_variables(
    hub: Hub,
) -> None:
    """Given three streams of one user, two alike and one filtered by the account (other
    variables), when an event arrives, then one of the two executes it and the other sends that
    message's payload as it is, and the third executes its own: the same data."""
    account = await make_account()
    owner = await owner_of(account)
    alike = [
        await open_stream(hub, owner, Framed),
        await open_stream(hub, await sign_in(owner.user), Framed),
    ]
    other = await open_stream(hub, owner, Framed, account=ids.encode("BillingAccount", account.id))
    await happen(account, "Shared")
    got = [await asyncio.wait_for(s.received.get(), 3) for s in (*alike, other)]
    assert sorted(path for path, _ in got[:2]) == ["executed", "fast"]
    assert got[0][1] == got[1][1]
    assert got[2][0] == "executed"
    assert json.loads(got[2][1]) == json.loads(got[0][1])
    assert json.loads(got[0][1])["payload"]["data"]["notifications"]["title"] == "Shared"
    for stream in (*alike, other):
        await stream.close()


async def test_r_not_3_after_a_nudge_the_relay_looks_again_soon_then_every_10_ms(
    monkeypatch: pytest.MonkeyPatch, services: Services
) -> None:
    """The nudge comes just before the commit: the relay looks again after 1, 2, 4 and 8 ms
    (an event committed meanwhile goes out within milliseconds), then every 10 ms."""
    relay = live.Relay(Hub("memory://"), services.clock)
    passes = iter([0, 0, 0, 0, 0, 0, 1])
    waited: list[float] = []

    async def look() -> int:
        return next(passes)

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(relay, "_pass", look)
    monkeypatch.setattr(asyncio, "sleep", sleep)
    await relay._follow_up()
    assert waited == [0.001, 0.002, 0.004, 0.008, 0.01, 0.01]

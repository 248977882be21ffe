"""Live fan-out channel (R-NOT-3), wrapping broadcaster 0.3.1 and fixing its faults.

One `Hub` per process holds ONE backend subscription per channel and fans out to local
subscribers. It replaces `broadcaster.Broadcast`, whose subscriber bookkeeping loses
concurrent first subscribers, whose queues are unbounded and whose listener never
recovers from a lost connection; the backends (`broadcast_backends`) are broadcaster's
memory backend and fixed Redis / PostgreSQL ones.

Live delivery is best-effort: events are recorded in the database first (R-NOT-1), and
a subscriber that may have missed some gets told to replay from there (R-NOT-5), either
by a `resync` event after a reconnect or by its iteration ending on overflow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Coroutine
from dataclasses import dataclass
from typing import Any, Literal

from notifications.broadcast_backends import Backend, backend_for_url

logger = logging.getLogger(__name__)

MAX_RECONNECT_DELAY = 10.0
NOT_CONNECTED = "broadcast hub is not connected (not started, or backend down)"


class HubUnavailable(ConnectionError):
    """Live delivery is unavailable: the hub is not started or its backend is down."""


@dataclass(frozen=True)
class Message:
    channel: str
    message: str
    kind: Literal["message", "resync"] = "message"


class Listener:
    """A local subscriber: a bounded queue of events, iterated with `async for`.

    If the queue overflows, pending events are dropped, `overflowed` is set and
    iteration ends; the client then resumes from the database.
    """

    def __init__(self, channel: str, queue_size: int) -> None:
        self.channel = channel
        self.overflowed = False
        self._ended = False
        self._queue: asyncio.Queue[Message | None] = asyncio.Queue(maxsize=queue_size)

    async def __aiter__(self) -> AsyncGenerator[Message, None]:
        while (event := await self._queue.get()) is not None:
            yield event
        self._queue.put_nowait(None)  # a later iteration ends at once too

    def wake(self, event: Message) -> None:
        """Hand the reader `event` now, unless its queue is full (then it reads soon anyway)."""
        if not self._ended:
            with contextlib.suppress(asyncio.QueueFull):
                self._queue.put_nowait(event)

    def _offer(self, event: Message) -> None:
        if self._ended:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            self._end()

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(None)


class Hub:
    """One per process. Owns ONE backend subscription per channel it listens to and
    fans out to local subscribers."""

    def __init__(self, url: str, *, queue_size: int = 256, reconnect_delay: float = 0.5) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self._backend: Backend = backend_for_url(url)
        self._queue_size = queue_size
        self._reconnect_delay = reconnect_delay
        self._channels: dict[str, set[Listener]] = {}
        self._lock = asyncio.Lock()  # guards backend (un)subscribe against _channels
        self._listener: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._connected = False
        self._reconnects = 0

    @property
    def reconnects(self) -> int:
        """How many times the backend connection was re-established."""
        return self._reconnects

    async def start(self) -> None:
        """Connect to the backend; raises `HubUnavailable` if it cannot. Idempotent."""
        async with self._lock:
            if self._listener is not None:
                return
            try:
                await self._backend.connect()
            except Exception as exc:
                raise HubUnavailable("cannot connect to the broadcast backend") from exc
            self._connected = True
            self._listener = asyncio.create_task(self._listen(), name="broadcast-hub")

    async def stop(self) -> None:
        """Disconnect and end every local subscription."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            await asyncio.wait([listener])
        if self._background:
            await asyncio.wait(self._background)  # pending unsubscribes
        async with self._lock:
            self._connected = False
            await self._backend.disconnect()
            for subscribers in self._channels.values():
                for subscription in subscribers:
                    subscription._end()
            self._channels.clear()

    async def publish(self, channel: str, message: str) -> None:
        """Send to every subscriber of `channel` in every process.

        Raises `HubUnavailable` while the backend is disconnected: callers have
        recorded the event in the database, and subscribers will be told to resync.
        """
        if not self._connected:
            raise HubUnavailable(NOT_CONNECTED)
        try:
            await self._backend.publish(channel, message)
        except Exception as exc:
            raise HubUnavailable("publishing to the broadcast backend failed") from exc

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Listener]:
        """Subscribe locally. On entry the backend subscription is active, so every
        message published from then on is delivered. Raises `HubUnavailable` while
        the backend is disconnected."""
        subscription = Listener(channel, self._queue_size)
        await self._attach(subscription)
        try:
            yield subscription
        finally:
            await self._detach(subscription)

    async def ping(self) -> bool:
        """Whether the backend is connected and answers (for /readyz)."""
        return self._connected and await self._backend.ping()

    async def _attach(self, subscription: Listener) -> None:
        channel = subscription.channel
        async with self._lock:
            if not self._connected:
                raise HubUnavailable(NOT_CONNECTED)
            if channel in self._channels:
                self._channels[channel].add(subscription)
                return
            # Registered before the backend confirms: nothing can arrive on a channel
            # before its confirmation, and nothing after it is missed.
            self._channels[channel] = {subscription}
            try:
                await self._backend.subscribe(channel)
            except BaseException as exc:
                del self._channels[channel]
                if isinstance(exc, Exception):
                    raise HubUnavailable("subscribing to the broadcast backend failed") from exc
                raise

    async def _detach(self, subscription: Listener) -> None:
        subscription._end()
        subscribers = self._channels.get(subscription.channel)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self._channels[subscription.channel]
            # Shielded: the backend must unsubscribe even if this task is cancelled.
            await asyncio.shield(self._in_background(self._release(subscription.channel)))

    async def _release(self, channel: str) -> None:
        async with self._lock:
            if channel in self._channels or not self._connected:
                return  # subscribed again meanwhile, or a reconnect will drop it
            try:
                await self._backend.unsubscribe(channel)
            except Exception:
                logger.warning("unsubscribing from %r failed", channel, exc_info=True)

    def _in_background(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _listen(self) -> None:
        while True:
            try:
                raw = await self._backend.next_published()
            except Exception:
                logger.warning("broadcast backend connection lost", exc_info=True)
                await self._reconnect()
                continue
            self._fan_out(Message(channel=raw.channel, message=raw.message))

    def _fan_out(self, event: Message) -> None:
        for subscription in list(self._channels.get(event.channel, ())):
            subscription._offer(event)

    async def _reconnect(self) -> None:
        self._connected = False
        delay = self._reconnect_delay
        while not await self._try_reconnect():
            await asyncio.sleep(delay)
            delay = min(delay * 2, max(self._reconnect_delay, MAX_RECONNECT_DELAY))
        self._reconnects += 1
        logger.info("broadcast backend reconnected; telling local subscribers to resync")
        for channel, subscribers in list(self._channels.items()):
            for subscription in list(subscribers):
                subscription._offer(Message(channel=channel, message="", kind="resync"))

    async def _try_reconnect(self) -> bool:
        await self._backend.disconnect()
        try:
            await self._backend.connect()
            async with self._lock:
                for channel in list(self._channels):
                    await self._backend.subscribe(channel)
                self._connected = True
        except Exception:
            logger.debug("broadcast backend reconnect failed", exc_info=True)
            return False
        return True

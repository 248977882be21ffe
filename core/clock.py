"""The one source of "now", so tests move time instead of sleeping.

A process builds one `Clock` at start-up (`resolvers.services.Services.clock`) and hands it
down: schema fields pass `info.context.services.clock`, routes `request.app.state.services`,
background loops the services they were started with. Nothing else reads the time of day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta


class Clock:
    """The wall clock in UTC, which a test may move forward or stop."""

    def __init__(self) -> None:
        self._offset = timedelta()
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        return (self._frozen or datetime.now(UTC)) + self._offset

    def today(self) -> date:
        return self.now().date()

    def advance(self, delta: timedelta) -> None:
        """Tests: move time forward by `delta` (instead of sleeping)."""
        self._offset += delta

    @contextmanager
    def frozen(self, at: datetime) -> Iterator[None]:
        """Tests: time stands at `at` (plus any advance) inside the block."""
        previous, self._frozen = self._frozen, at
        try:
            yield
        finally:
            self._frozen = previous

    def reset(self) -> None:
        """Tests: back to the real time of day."""
        self._offset, self._frozen = timedelta(), None

"""The messages of the live channel, defined once: written by `live`, read by `stream`.

On the wire each is compact JSON whose `t` names the type:

    {"t": "n", "a": account, "e": event, "k": kind, "ti": title, "m": message, "c": created_at,
     "s": subscription|null, "i": invoice|null, "r": [[user_id, notification_id], ...],
     "p": publish time, Unix seconds (for the delivery-lag metric)}
    {"t": "s", "s": session_id}                 a session was signed out
    {"t": "m", "u": user_id, "a": account_id}   a membership changed

Every stream of a process receives the same string for one event, so `decode` is cached by
that string: one parse per event and process, not one per open stream.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from models.notifications import EventKind

log = logging.getLogger("portal.live")


@dataclass(frozen=True, slots=True)
class EventPublished:
    """A committed event and, per recipient user, the id of their notification."""

    account_id: int
    event_id: int
    kind: EventKind
    title: str
    message: str
    created_at: datetime
    subscription_id: int | None
    invoice_id: int | None
    recipients: dict[int, int]  # user id -> notification id
    published: float | None = None  # Unix seconds, for the delivery-lag metric


@dataclass(frozen=True, slots=True)
class SessionRevoked:
    """A session was signed out: its open streams end (R-AUTH-5)."""

    session_id: int


@dataclass(frozen=True, slots=True)
class MembershipChanged:
    """A user's management of an account changed: their streams re-check (R-MGR-2)."""

    user_id: int
    account_id: int


LiveMessage = EventPublished | SessionRevoked | MembershipChanged


def encode(message: LiveMessage) -> str:
    data: dict[str, Any]
    match message:
        case EventPublished():
            data = {
                "t": "n",
                "a": message.account_id,
                "e": message.event_id,
                "k": str(message.kind),
                "ti": message.title,
                "m": message.message,
                "c": message.created_at.isoformat(),
                "s": message.subscription_id,
                "i": message.invoice_id,
                "r": [[user, notification] for user, notification in message.recipients.items()],
            }
            if message.published is not None:
                data["p"] = message.published
        case SessionRevoked():
            data = {"t": "s", "s": message.session_id}
        case MembershipChanged():
            data = {"t": "m", "u": message.user_id, "a": message.account_id}
    return json.dumps(data, separators=(",", ":"))


@lru_cache(maxsize=64)
def decode(text: str) -> LiveMessage | None:
    """The message `text` carries; None (logged) for anything unknown or malformed."""
    try:
        data: dict[str, Any] = json.loads(text)
        match data.get("t"):
            case "n":
                return EventPublished(
                    account_id=data["a"],
                    event_id=data["e"],
                    kind=EventKind(data["k"]),
                    title=data["ti"],
                    message=data["m"],
                    created_at=datetime.fromisoformat(data["c"]),
                    subscription_id=data["s"],
                    invoice_id=data["i"],
                    recipients={user: notification for user, notification in data["r"]},
                    published=float(data["p"]) if "p" in data else None,
                )
            case "s":
                return SessionRevoked(session_id=data["s"])
            case "m":
                return MembershipChanged(user_id=data["u"], account_id=data["a"])
    except (ValueError, KeyError, TypeError):
        pass
    log.warning("Ignoring a malformed live message: %.200s", text)
    return None

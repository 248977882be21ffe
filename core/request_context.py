"""What identifies the request being served, for log lines written anywhere below it."""

from __future__ import annotations

from contextvars import ContextVar

# Set once per request by the request-id middleware (or the GraphQL context for websockets).
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")

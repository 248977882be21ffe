"""Strawberry's OpenTelemetry extension, when tracing is on (see `core.tracing`).

Spans never carry what callers send: resolver arguments are dropped and string literals
in the recorded query text are blanked, since they hold tokens, emails and card tokens.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Generator
from typing import Any

from strawberry.extensions import LifecycleStep, SchemaExtension
from strawberry.extensions.tracing import OpenTelemetryExtension

from core.tracing import tracer_provider

_STRINGS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"')


def redact(query: str) -> str:
    """`signInWithLink(token: "abc")` → `signInWithLink(token: "…")`."""
    return _STRINGS.sub('"…"', query)


def no_arguments(arguments: dict[str, Any], info: Any) -> dict[str, Any]:
    """Resolver arguments stay out of spans."""
    return {}


class Tracing(OpenTelemetryExtension):
    def on_operation(self) -> Generator[None, None, None]:
        steps = super().on_operation()
        next(steps)
        if self.execution_context.query:
            span = self._span_holder[LifecycleStep.OPERATION]
            span.set_attribute("query", redact(self.execution_context.query))
        yield
        with contextlib.suppress(StopIteration):
            next(steps)


def tracing(provider: Any | None = None) -> list[Callable[[], SchemaExtension]]:
    """The tracing extension for `provider` (default: the configured one); none when off."""
    provider = provider or tracer_provider()
    if provider is None:
        return []
    return [lambda: Tracing(tracer_provider=provider, arg_filter=no_arguments)]

"""Optional OpenTelemetry tracing (core/tracing.py, schema/tracing.py): off unless an OTLP
exporter is configured; when on, operations and resolvers become spans, without the
arguments (tokens, emails)."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from core import tracing
from schema import build_schema
from schema.context import Context
from tests.conftest import current_services, fake_request

SIGN_IN = 'mutation SignIn { signInWithLink(token: "tok-secret-123") { userErrors { code } } }'


def test_tracing_is_off_without_an_exporter(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in tracing.ENDPOINTS:
        monkeypatch.delenv(name, raising=False)
    tracing.tracer_provider.cache_clear()
    assert tracing.tracer_provider() is None
    names = [type(e).__name__ for e in build_schema().get_extensions()]
    assert "Tracing" not in names


def test_an_otlp_endpoint_switches_tracing_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    tracing.tracer_provider.cache_clear()
    try:
        provider = tracing.tracer_provider()
        assert isinstance(provider, TracerProvider)
        names = [type(e).__name__ for e in build_schema().get_extensions()]
        assert "Tracing" in names
        provider.shutdown()
    finally:
        tracing.tracer_provider.cache_clear()


async def test_operations_are_spans_without_their_arguments(db: None) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    traced = build_schema(provider)
    context = Context(request=fake_request(), response=None, services=current_services())
    result = await traced.execute(SIGN_IN, context_value=context)
    assert result.errors is None
    spans = exporter.get_finished_spans()
    assert "GraphQL Query: SignIn" in [span.name for span in spans]
    assert any("signInWithLink" in span.name for span in spans)
    recorded = " ".join(str(dict(span.attributes or {})) for span in spans)
    assert "tok-secret-123" not in recorded
    assert 'signInWithLink(token: \\"…\\")' in recorded or 'token: "…"' in recorded

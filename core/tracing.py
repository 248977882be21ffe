"""Optional OpenTelemetry tracing: on only when an OTLP exporter is configured.

Set `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), the standard
OpenTelemetry variables, and install the extra: `pip install '.[tracing]'`. Every GraphQL
operation, its parsing, validation and each resolver then become spans (Strawberry's
`OpenTelemetryExtension`), sent over OTLP/HTTP in batches; `OTEL_SERVICE_NAME` names the
service (`customers-portal-api`). Without an endpoint nothing is traced and nothing extra
is imported.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def exporter_configured(environ: Mapping[str, str] = os.environ) -> bool:
    return any(environ.get(name, "").strip() for name in ENDPOINTS)


@functools.cache
def tracer_provider() -> Any | None:
    """The process's tracer provider exporting over OTLP, or None when tracing is off."""
    if not exporter_configured():
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = os.environ.get("OTEL_SERVICE_NAME", "customers-portal-api")
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider

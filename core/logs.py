"""Log set-up for the server and the worker: readable text by default, JSON for production.

`PORTAL_LOG_FORMAT=text` (default): `2026-12-02 20:30:01 INFO  portal.access [3f2a…] POST …`
`PORTAL_LOG_FORMAT=json`: one JSON object per line with `time`, `level`, `logger`, `message`,
`request_id`, the fields a line was given (`extra=`), and `exception` (its traceback).

Levels mean something: INFO for what happened (requests, client mistakes, emails), WARNING
for what needs a look, ERROR for unexpected failures (once, with their traceback). Chatty
libraries (fontTools' font subsetting, database drivers, HTTP clients) only speak at WARNING,
and uvicorn's own access log is replaced by `portal.access` (see `routes.access`).
"""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from core.request_context import current_request_id
from core.settings import Settings

QUIET = (
    "fontTools",
    "fpdf",
    "tortoise",
    "aiosqlite",
    "asyncpg",
    "asyncio",
    "httpx",
    "httpcore",
    "multipart",
    "websockets",
    "aiosmtplib",
    "strawberry",
    "broadcaster",
    "uvicorn.error",
)

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Puts the id of the request being served (or "-") on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


def _with_request_id(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = current_request_id.get()  # where the line was written, not shown
        return record

    make.portal = True  # type: ignore[attr-defined]
    return make


if not getattr(logging.getLogRecordFactory(), "portal", False):
    # Records take the request id when they are made: handlers may format them later,
    # elsewhere (queues, test capture), where the request is no longer current.
    logging.setLogRecordFactory(_with_request_id(logging.getLogRecordFactory()))


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)-5s %(name)s [%(request_id)s] %(message)s",
            datefmt="%Y-%m-%d %H:%M:%S",
        )


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id.get()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def log_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` for this process (uvicorn takes it as `log_config`)."""
    formatter = JsonFormatter if settings.log_format == "json" else TextFormatter
    quiet = {name: {"level": "WARNING"} for name in QUIET}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"portal": {"()": formatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "portal",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": settings.log_level.upper(), "handlers": ["console"]},
        "loggers": {
            **quiet,
            "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


def configure(settings: Settings) -> None:
    logging.config.dictConfig(log_config(settings))


def banner(settings: Settings) -> str:
    """The few lines a newcomer needs once the service is up."""
    listening = f"http://{settings.host}:{settings.port}"
    if settings.host in ("0.0.0.0", "::"):  # noqa: S104 - a name, not a bind
        listening = settings.public_url.rstrip("/")
    mail = "SMTP" if settings.smtp_url else f"files in {settings.mailbox_dir}/ (links logged)"
    operator = "on (/operator/graphql)" if settings.operator_token else "off"
    lines = [
        f"Customers Portal API ready on {listening}",
        f"  GraphiQL     {listening}/graphql" if settings.graphiql else "",
        f"  Portal links {settings.app_base_url}  (in emails)",
        f"  Public API   {settings.public_url.rstrip('/')}  (invoice PDFs)",
        f"  Email        {mail}",
        f"  Operator API {operator}",
    ]
    return "\n".join(line for line in lines if line)

"""Structured logs: one JSON object per line on stderr, with the request id, and never a secret.

The standard library's logging with a small JSON formatter, rather than structlog: uvicorn, SQLAlchemy and
Alembic already log through the standard library, so one formatter on the root handler turns every line of every
library into JSON without a second logging system to bridge.
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The request id of the request being served, for every log line written while serving it.
REQUEST_ID: ContextVar[str | None] = ContextVar("steelyard_request_id", default=None)

# Bearer tokens (ours start sy_), Authorization headers, cookies, secrets in URLs (user:password@) and the body of
# a PDF (a certificate) never reach a log line, whatever a library or a future log call puts into its message.
_SECRETS = (
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1[redacted]"),
    (re.compile(r"sy_[A-Za-z0-9_-]{8,}"), "[redacted-token]"),
    (
        re.compile(
            r"(?i)((?:authorization|cookie|set-cookie|x-api-key|secret|password)[\"']?\s*[:=]\s*[\"']?)[^\s,;\"'}]+"
        ),
        r"\1[redacted]",
    ),
    (re.compile(r"(?i)(://[^/\s:@]+:)[^@\s/]+@"), r"\1[redacted]@"),
    (re.compile(r"%PDF-.*", re.S), "[pdf body redacted]"),
)
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _message(record: logging.LogRecord) -> str:
    # SQLAlchemy at DEBUG logs every row it reads ("Row %r"): rows hold webhook secrets and session ids, so a row is
    # never written. Statements' parameters are hidden by the engine itself (db.make_engine: hide_parameters).
    if record.name.startswith("sqlalchemy.engine") and record.msg == "Row %r":
        return "Row [redacted]"
    return redact(record.getMessage())


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "msg": _message(record),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A dictConfig for uvicorn's `log_config`: every logger, uvicorn's own included, writes JSON to stderr."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }

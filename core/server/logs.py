"""Structured logs: one JSON object a line on stderr, for the office's log collector.

Every line has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``; what a record
carries in ``extra={"fields": {...}}`` is added beside them (a request's method, path, status,
duration, laptop). uvicorn's own loggers write through the same formatter; its access log is
off, since the application logs each request itself (``app.py``), with who made it.
"""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LOGGER = "fieldlog.server"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def log_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn's ``log_config``: every logger of the server
    and of uvicorn to stderr as JSON."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": handler},
        "loggers": {
            name: {"handlers": ["stderr"], "level": level, "propagate": False}
            for name in (LOGGER, "uvicorn", "uvicorn.error", "alembic")
        }
        | {"alembic.runtime.plugins": {"level": "WARNING"}},  # a line per start, saying nothing
    }


def configure(level: str = "INFO") -> None:
    """The same configuration for a process that is not uvicorn's (the command line)."""
    import logging.config

    logging.config.dictConfig(log_config(level))


def logger() -> logging.Logger:
    return logging.getLogger(LOGGER)


def event(message: str, level: int = logging.INFO, **fields: Any) -> None:
    logger().log(level, message, extra={"fields": fields})


def fail_line(message: str) -> None:
    """What a command prints when it stops: one plain line (for the person who ran it)."""
    print(f"fieldlog-server: {message}", file=sys.stderr)

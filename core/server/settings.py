"""The server's settings, from its environment: read once when the application is made."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from core.errors import FieldLogError
from core.postgres import database_url

DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024  # about 80,000 readings in one push
BODY_LIMIT_ENV = "FIELDLOG_MAX_BODY_BYTES"


@dataclass(frozen=True)
class Settings:
    """``database_url``: the PostgreSQL database (``DATABASE_URL``; the pool is sized by
    ``DB_POOL_SIZE``, ``DB_MAX_OVERFLOW``, ``DB_POOL_TIMEOUT``, read by ``core.postgres``);
    ``max_body_bytes``: the largest request body accepted (``FIELDLOG_MAX_BODY_BYTES``)."""

    database_url: str
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        named = environ.get("DATABASE_URL", "").strip()
        if not named:
            raise FieldLogError(
                "DATABASE_URL is not set: name the office's PostgreSQL database, e.g. "
                "DATABASE_URL=postgresql+psycopg://fieldlog@localhost/fieldlog"
            )
        database_url(named)  # refused here, with its reason, rather than at the first request
        return cls(named, _body_limit(environ.get(BODY_LIMIT_ENV, "").strip()))


def _body_limit(given: str) -> int:
    if not given:
        return DEFAULT_MAX_BODY_BYTES
    if not given.isdecimal() or int(given) < 1:
        raise FieldLogError(f"{BODY_LIMIT_ENV}={given!r}: it must be a number of bytes, 1 or more.")
    return int(given)

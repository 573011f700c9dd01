"""A FieldLog database on PostgreSQL, named by a URL (issue 15): the engine and the migration
lock. SQLite files keep ``core.db``'s engine, pragmas, file locks and backups.

A URL is anything that starts with a scheme and ``://``: ``postgresql+psycopg://user@host/db``
(``postgresql://`` means the same: psycopg 3 is the driver FieldLog ships). The pool is
SQLAlchemy's ``QueuePool``, sized by ``DB_POOL_SIZE`` (5), ``DB_MAX_OVERFLOW`` (10) and
``DB_POOL_TIMEOUT`` (seconds, 30), read when the engine is made; connections are checked before
use (``pool_pre_ping``), since a server restarts under a long-running process.

One process migrates a database at a time, as on SQLite: on PostgreSQL the migration's
transaction takes a transaction-level advisory lock first (``pg_advisory_xact_lock``), released
by its COMMIT or ROLLBACK, or by the server if the process dies. A second migrator waits for it
up to ``MIGRATION_WAIT_S``, then is told another one is at work.
"""

import os
import re
from collections.abc import Mapping

from sqlalchemy import Connection, Engine, create_engine, exc, text
from sqlalchemy.engine import URL, make_url

from core.errors import FieldLogError

POOL_ENV = {
    "pool_size": "DB_POOL_SIZE",
    "max_overflow": "DB_MAX_OVERFLOW",
    "pool_timeout": "DB_POOL_TIMEOUT",
}
DRIVER = "postgresql+psycopg"
MIGRATION_WAIT_S = 300
# The advisory lock every FieldLog migration takes: one bigint, "FieldLog" in ASCII.
MIGRATION_LOCK_KEY = int.from_bytes(b"FieldLog", "big") & 0x7FFF_FFFF_FFFF_FFFF

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(named: str) -> bool:
    """Whether ``named`` is a URL rather than a file path (``C:\\data`` is a path)."""
    return bool(_SCHEME.match(named))


def database_url(named: str) -> URL:
    """``named`` as a URL FieldLog can open on PostgreSQL; ``FieldLogError`` otherwise."""
    try:
        url = make_url(named)
    except exc.ArgumentError as error:
        raise FieldLogError(f"{named!r} is not a database URL ({error}).") from error
    if url.get_backend_name() != "postgresql":
        raise FieldLogError(
            f"{url.render_as_string(hide_password=True)}: FieldLog opens SQLite files (name the "
            "file's path) and PostgreSQL databases (postgresql+psycopg://user@host/database)."
        )
    if url.drivername != DRIVER:
        if url.get_driver_name() not in ("postgresql", "psycopg"):
            raise FieldLogError(
                f"{url.drivername}: FieldLog talks to PostgreSQL through psycopg 3 only: "
                f"write the URL as {DRIVER}://…"
            )
        url = url.set(drivername=DRIVER)
    return url


def pool_options(environ: Mapping[str, str] = os.environ) -> dict[str, float]:
    """The pool's settings from ``DB_POOL_SIZE``, ``DB_MAX_OVERFLOW``, ``DB_POOL_TIMEOUT``
    (each left at SQLAlchemy's default when unset)."""
    options: dict[str, float] = {}
    for option, variable in POOL_ENV.items():
        given = environ.get(variable, "").strip()
        if not given:
            continue
        try:
            value = float(given) if option == "pool_timeout" else int(given)
        except ValueError:
            value = -1
        if value < 0:
            raise FieldLogError(f"{variable}={given!r}: it must be a number, 0 or more.")
        options[option] = value
    return options


def create_postgres_engine(url: URL | str, environ: Mapping[str, str] = os.environ) -> Engine:
    """An engine on the PostgreSQL database ``url``, pooled as the environment says."""
    return create_engine(
        database_url(url if isinstance(url, str) else url.render_as_string(hide_password=False)),
        pool_pre_ping=True,
        **pool_options(environ),
    )


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def lock_migrations(conn: Connection, wait_s: float = MIGRATION_WAIT_S) -> None:
    """Take the migration lock inside ``conn``'s open transaction, waiting up to ``wait_s``;
    the transaction's end releases it."""
    conn.execute(text(f"SET LOCAL lock_timeout = '{int(wait_s * 1000)}ms'"))
    try:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    except exc.OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        raise FieldLogError(
            f"Another process has been migrating this database for over {wait_s:g} s: wait "
            "for it to finish, or find it (pg_stat_activity, waiting on an advisory lock)."
        ) from error
    conn.execute(text("SET LOCAL lock_timeout = 0"))

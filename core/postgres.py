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

import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, create_engine, exc, text
from sqlalchemy.engine import URL, make_url

from core.db import Database
from core.errors import FieldLogError

if TYPE_CHECKING:
    import psycopg

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


class PostgresDriver:
    """psycopg's connection behind the interface the driver paths use (``DriverConnection``):
    SQL text with ``?`` placeholders, written once for both databases, becomes psycopg's
    ``%s`` here (a literal ``%`` is doubled). ``raw`` is psycopg's own connection, for what
    only PostgreSQL has (``COPY``, ``copy_rows``)."""

    def __init__(self, raw: "psycopg.Connection[Any]") -> None:
        self.raw = raw

    @property
    def in_transaction(self) -> bool:
        import psycopg

        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Any = (), /) -> "psycopg.Cursor[Any]":
        return self.raw.execute(_psycopg_sql(sql), parameters, binary=True)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> object:
        cursor = self.raw.cursor()
        cursor.executemany(_psycopg_sql(sql), parameters)
        return cursor

    def rollback(self) -> None:
        self.raw.rollback()


@functools.lru_cache(maxsize=256)
def _psycopg_sql(sql: str) -> str:
    """``sql`` with psycopg's placeholders: the driver paths' SQL holds no ``?`` but its
    parameters' (no string literal of theirs has one)."""
    return sql.replace("%", "%%").replace("?", "%s")


# What binary COPY sends for each kind of column (the type must match exactly).
_COPY_TYPES = {"BIGINT": "int8", "INTEGER": "int4", "SMALLINT": "int2", "FLOAT": "float8",
               "DOUBLE PRECISION": "float8", "VARCHAR": "text", "TEXT": "text",
               "BOOLEAN": "bool", "UUID": "uuid"}  # fmt: skip


def copy_rows(
    conn: PostgresDriver, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """``rows`` (values of ``columns``, in order) into ``table`` by one binary ``COPY``: the
    bulk path on PostgreSQL, as ``executemany`` is on SQLite (T1)."""
    names = ", ".join(f'"{name}"' for name in columns)
    with conn.raw.cursor().copy(
        f'COPY "{table.name}" ({names}) FROM STDIN (FORMAT BINARY)'
    ) as copy:
        copy.set_types(list(_copy_types(table, tuple(columns))))
        for row in rows:
            copy.write_row(row)


@functools.lru_cache(maxsize=64)
def _copy_types(table: Table, columns: tuple[str, ...]) -> tuple[str, ...]:
    from sqlalchemy.dialects.postgresql import psycopg as dialect

    pg = dialect.dialect()  # type: ignore[no-untyped-call]
    types = (table.c[name].type.compile(dialect=pg) for name in columns)
    return tuple(_COPY_TYPES[compiled.partition("(")[0]] for compiled in types)


@dataclass
class PostgresDatabase(Database):
    """A FieldLog database on PostgreSQL (``core.db``'s rule, as on SQLite).

    ``write()`` is a plain ``READ COMMITTED`` transaction: the database has many writers, so a
    service that reads a row before it changes it locks that row (``with_for_update``), and a
    writer that relies on being the only one, as the import does for its consecutive reading
    ids and its duplicates, asks for it (``driver_write(sole_writer_of="readings")``: ``LOCK
    TABLE … IN SHARE ROW EXCLUSIVE MODE``, which readers pass and other writers wait for, as
    they wait for SQLite's write lock). ``read()`` is one ``REPEATABLE READ`` snapshot, read
    only. The driver paths get psycopg's connection from the pool (``PostgresDriver``).
    """

    url: URL
    engine: Engine
    _snapshots: Engine = field(init=False, repr=False)
    _reads: Engine = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._snapshots = self.engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        self._reads = self.engine.execution_options(postgresql_readonly=True)

    @classmethod
    def open(cls, url: URL | str, environ: Mapping[str, str] = os.environ) -> "PostgresDatabase":
        """The database ``url`` names, on an engine pooled as the environment says."""
        engine = create_postgres_engine(url, environ)
        return cls(engine.url, engine)

    @property
    def name(self) -> str:
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._snapshots.connect() as conn, conn.begin() as transaction:
            yield conn
            transaction.rollback()

    @contextmanager
    def driver_write(
        self, pragmas: Mapping[str, int] | None = None, *, sole_writer_of: str | None = None
    ) -> Iterator[PostgresDriver]:
        """As SQLite's: committed when the block ends unless it called ``rollback()``, rolled
        back if it raises. ``pragmas`` are SQLite's and mean nothing here."""
        with self.engine.connect() as conn:
            driver = PostgresDriver(_psycopg(conn))
            try:
                if sole_writer_of is not None:
                    driver.execute(f'LOCK TABLE "{sole_writer_of}" IN SHARE ROW EXCLUSIVE MODE')
                yield driver
            except BaseException:
                driver.raw.rollback()
                raise
            if driver.in_transaction:
                driver.raw.commit()

    @contextmanager
    def driver_read(self, *, snapshot: bool = False) -> Iterator[PostgresDriver]:
        """Read only; with ``snapshot`` one ``REPEATABLE READ`` snapshot for the block, else
        each statement sees what is committed when it runs."""
        with (self._snapshots if snapshot else self._reads).connect() as conn:
            driver = PostgresDriver(_psycopg(conn))
            try:
                yield driver
            finally:
                driver.raw.rollback()

    def close(self) -> None:
        self.engine.dispose()


def _psycopg(conn: Connection) -> "psycopg.Connection[Any]":
    import psycopg

    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    return raw

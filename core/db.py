"""The database services talk to: a FieldLog SQLite file, or a PostgreSQL database (issue 15).

``Database`` is the one seam. ``SqliteDatabase`` (here) is a file: every connection gets WAL,
``foreign_keys=ON``, ``synchronous=NORMAL`` and a busy timeout, and transactions follow
SQLAlchemy's recipe for SQLite: the driver's own transaction handling is switched off and
FieldLog emits BEGIN itself, so that DDL is transactional too and a connection can ask for
``BEGIN IMMEDIATE`` (execution option ``sqlite_begin="IMMEDIATE"``). ``PostgresDatabase``
(``core.postgres``) is a database named by a URL, on a pooled engine.

How services talk to the database, the one rule:

* ``Database.write()`` and ``Database.read()`` hand out a SQLAlchemy ``Connection`` in one
  transaction: a write takes the write lock first on SQLite (``BEGIN IMMEDIATE``; on
  PostgreSQL a plain transaction, where a service that reads before it writes locks the rows
  it reads, ``with_for_update``) and commits when its block ends; a read sees one snapshot and
  writes nothing (PostgreSQL: ``REPEATABLE READ``, read only). Statements are SQLAlchemy Core
  (``core.models`` tables), so that they run on both databases: ``inserted_primary_key``, not
  ``lastrowid``; no SQLite-only functions or collations.
* ``Database.driver_write()`` and ``Database.driver_read()`` hand out the driver's own
  connection (a ``DriverConnection``: ``sqlite3``'s, or psycopg's behind the same ``?``
  placeholders, ``core.postgres.PostgresDriver``), for plain SQL text that both databases
  read alike. They are allowed only on the paths a benchmark measures, where SQLAlchemy's
  per-statement cost shows (docs/PERFORMANCE.md): saving a typed reading (T7), the import
  writer (T1: ``executemany`` on SQLite, ``COPY`` on PostgreSQL, ``core.readings.insert_rows``),
  the chart's series (T3), the device table (T6, SQLite's; PostgreSQL takes Core there) and the
  readings table's pages, the export's stream and the demo's bulk fill. Each such path names
  its benchmark where it opens the connection. What differs between the drivers is asked of
  this module: ``inserted_id`` (``lastrowid`` or ``RETURNING``), ``uid_value`` (16 bytes or a
  ``uuid``).
"""

import sqlite3
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    Engine,
    RowMapping,
    Table,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from core.errors import DatabaseReplacedError, NotFoundError
from core.validation import storable_id

if TYPE_CHECKING:
    from core.open_lock import OpenLock

BUSY_TIMEOUT_MS = 5000
WAL_HEADER_BYTES = 32  # a -wal shorter than its header holds nothing
IN_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on bound parameters
T = TypeVar("T")


def in_chunks(ids: Sequence[T]) -> Iterator[list[T]]:
    """``ids`` (or uids) in lists short enough for one ``IN (...)``, in order."""
    for start in range(0, len(ids), IN_CHUNK):
        yield list(ids[start : start + IN_CHUNK])


def row_by_id(conn: Connection, table: Table, row_id: int, noun: str, *, lock: bool = False,
              columns: Sequence[ColumnElement[Any]] = ()) -> RowMapping:  # fmt: skip
    """The row ``row_id`` of ``table`` (only ``columns``, if given), or a NotFoundError naming
    the ``noun``. With ``lock`` the row is held until the transaction ends (FOR UPDATE), so that
    on PostgreSQL no other writer changes it meanwhile; SQLite's write transaction already
    excludes every other writer and renders no clause."""
    if not storable_id(row_id):
        raise NotFoundError(f"There is no {noun} with id {row_id}.")
    query = select(*columns) if columns else select(table)
    query = query.where(table.c.id == row_id)
    found = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if found is None:
        raise NotFoundError(f"There is no {noun} with id {row_id}.")
    return found


def apply_pragmas(dbapi_connection: sqlite3.Connection, *, wal: bool = True) -> None:
    """The pragmas every FieldLog connection runs with (raw ``sqlite3`` connections too)."""
    dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if wal:
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
    dbapi_connection.execute("PRAGMA synchronous = NORMAL")
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
    apply_pragmas(dbapi_connection)


def _on_connect_read_only(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    apply_pragmas(dbapi_connection, wal=False)  # setting the journal mode is a write


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_sqlite_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on ``path``. With ``read_only`` SQLite opens the file read-only (``mode=ro``):
    no statement can write it, and closing never checkpoints a WAL into it. On a medium where
    SQLite can make no ``-shm`` file beside it, a file with no WAL is opened as immutable."""
    if not read_only:
        url = URL.create("sqlite+pysqlite", database=str(path))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _on_connect)
    else:
        engine = create_engine(
            "sqlite+pysqlite://", creator=lambda: connect_read_only(path), poolclass=NullPool
        )
        event.listen(engine, "connect", _on_connect_read_only)
    event.listen(engine, "begin", _on_begin)
    return engine


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A ``mode=ro`` connection to ``path``; ``immutable`` where SQLite can make no ``-shm``
    beside it (read-only media, a full disk) and no WAL is there to read: no FieldLog has the
    file open then (a writer keeps its -wal while it does), so the file alone is all there is."""
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(
        f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
    )
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size >= WAL_HEADER_BYTES:  # it may hold readings
            raise
        if not any(why in str(exc).lower() for why in _NO_SHM):
            raise  # locked by another program, damaged: not a question of the -shm
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
    return conn


# What SQLite says when it cannot make the -shm it needs for reading a WAL-mode file.
_NO_SHM = ("unable to open", "disk i/o", "readonly", "read-only")


class DriverCursor(Protocol):
    """What the driver paths use of a cursor (``sqlite3``'s and psycopg's alike)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class DriverConnection(Protocol):
    """What the driver paths use of a connection: SQL text with ``?`` placeholders."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Any = ..., /) -> DriverCursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> object: ...

    def rollback(self) -> None: ...


def is_sqlite(conn: DriverConnection) -> bool:
    """Whether ``conn`` is SQLite's driver connection (else psycopg's, ``PostgresDriver``)."""
    return isinstance(conn, sqlite3.Connection)


def inserted_id(conn: DriverConnection, sql: str, parameters: Sequence[Any]) -> int:
    """Run the single-row ``INSERT`` ``sql`` and return the new row's id: SQLite's
    ``lastrowid`` (no RETURNING, which costs SQLite time: T7), PostgreSQL's ``RETURNING id``."""
    if isinstance(conn, sqlite3.Connection):  # (is_sqlite, said so that mypy sees it)
        made = conn.execute(sql, parameters).lastrowid
        assert made is not None
        return made
    return int(conn.execute(f"{sql} RETURNING id", parameters).fetchone()[0])


def new_id(result: "CursorResult[Any]") -> int:
    """The id of the row a Core ``insert()`` made (``lastrowid`` on SQLite, ``RETURNING`` on
    PostgreSQL: SQLAlchemy picks)."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def uid_value(conn: DriverConnection, uid: uuid.UUID) -> bytes | uuid.UUID:
    """``uid`` as the driver binds it into a uid column: 16 bytes on SQLite, ``uuid`` on
    PostgreSQL (``core.models.UuidBlob``, which the driver paths do not go through)."""
    return uid.bytes if is_sqlite(conn) else uid


def as_uuid(value: Any) -> uuid.UUID:
    """A uid as a driver returns it (16 bytes from SQLite, a ``UUID`` from psycopg)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=bytes(value))


class Database(ABC):
    """An open FieldLog database, SQLite or PostgreSQL: services take one of these and use
    only what is declared here (the module's rule)."""

    engine: Engine

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return str(self.engine.dialect.name)

    @property
    @abstractmethod
    def name(self) -> str:
        """What a message calls the database: a file's path, a URL without its password."""

    @abstractmethod
    def write(self) -> AbstractContextManager[Connection]:
        """One write transaction, committed when the block ends, rolled back if it raises."""

    @abstractmethod
    def read(self) -> AbstractContextManager[Connection]:
        """One read transaction: one snapshot, nothing written."""

    @abstractmethod
    def driver_write(
        self, pragmas: Mapping[str, int] | None = None, *, sole_writer_of: str | None = None
    ) -> AbstractContextManager[DriverConnection]:
        """``write()`` on the driver's connection (hot paths only)."""

    @abstractmethod
    def driver_read(self, *, snapshot: bool = False) -> AbstractContextManager[DriverConnection]:
        """The driver's connection for reading (hot paths only)."""

    @abstractmethod
    def close(self) -> None:
        """Release every connection (and whatever else the database holds)."""


@dataclass
class SqliteDatabase(Database):
    """An open FieldLog SQLite file: its path and engine.

    ``open_lock`` is the file's open lock when this process may write to it (see
    ``core.open_lock``); ``close`` releases it. Every use first checks that the file is still
    the one that was opened: a file replaced or moved under a running FieldLog (by a sync tool,
    by hand) raises ``DatabaseReplacedError`` instead of writing into what the user no longer
    sees.
    """

    path: Path
    engine: Engine
    open_lock: "OpenLock | None" = None
    _identity: tuple[int, int] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        self._identity = file_identity(self.path)

    @property
    def name(self) -> str:
        return str(self.path)

    def check_not_replaced(self) -> None:
        """Raise ``DatabaseReplacedError`` if the file at ``path`` is not the one opened."""
        now = file_identity(self.path)
        if self._identity is None:
            self._identity = now
        elif now != self._identity:
            raise DatabaseReplacedError(self.path, _replaced(self.path, now is None))

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: the write lock is taken first (a second writer waits here,
        never half-way through); committed when the block ends, rolled back if it raises."""
        self.check_not_replaced()
        with self.engine.connect() as conn:
            immediate = conn.execution_options(sqlite_begin="IMMEDIATE")
            with immediate.begin():
                yield immediate

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction: every statement sees the same snapshot; nothing is written
        (in WAL mode a reader blocks no writer)."""
        self.check_not_replaced()
        with self.engine.connect() as conn, conn.begin() as transaction:
            yield conn
            transaction.rollback()

    @contextmanager
    def driver_write(
        self, pragmas: Mapping[str, int] | None = None, *, sole_writer_of: str | None = None
    ) -> Iterator[sqlite3.Connection]:
        """``write()`` on the driver's connection (hot paths only, see the module's rule).
        Committed when the block ends, unless the block called ``conn.rollback()``: then
        nothing it did is kept (an import that added nothing). ``pragmas`` are set for this
        transaction only (they cannot change inside one) and put back after it, whatever
        happens: the connection goes back to the pool. ``sole_writer_of`` names a table no
        other transaction may write until this one ends: on SQLite ``BEGIN IMMEDIATE`` already
        makes this transaction the file's only writer."""
        with self._driver() as conn, _pragmas_set(conn, pragmas or {}):
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            if conn.in_transaction:
                conn.execute("COMMIT")

    @contextmanager
    def driver_read(self, *, snapshot: bool = False) -> Iterator[sqlite3.Connection]:
        """The driver's connection for reading (hot paths only, see the module's rule). Each
        statement is its own snapshot unless ``snapshot``: then the block is one transaction,
        as ``read()`` (an export's counts match its rows)."""
        with self._driver() as conn:
            if not snapshot:
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")

    @contextmanager
    def _driver(self) -> Iterator[sqlite3.Connection]:
        self.check_not_replaced()
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            yield driver

    def close(self) -> None:
        """Release every connection, so that the file can be replaced (Windows locks open
        files), and then the open lock."""
        self.engine.dispose()
        if self.open_lock is not None:
            self.open_lock.release()
            self.open_lock = None


@contextmanager
def _pragmas_set(conn: sqlite3.Connection, pragmas: Mapping[str, int]) -> Iterator[None]:
    before = {name: int(conn.execute(f"PRAGMA {name}").fetchone()[0]) for name in pragmas}
    try:
        for name, value in pragmas.items():
            conn.execute(f"PRAGMA {name} = {int(value)}")
        yield
    finally:
        for name, value in before.items():
            conn.execute(f"PRAGMA {name} = {value}")


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, file number) of ``path``: a file put in its place has another; None if gone."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _replaced(path: Path, gone: bool) -> str:
    what = "was moved or deleted" if gone else "was replaced by another file"
    return (
        f"The database {path} {what} while FieldLog had it open, so nothing more is written "
        "to it. Open it again (File → Open) to see what is there now; whatever was saved "
        "before this is in the file that was there."
    )

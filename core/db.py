"""Engines and sessions for a FieldLog SQLite file.

Every connection gets WAL, ``foreign_keys=ON``, ``synchronous=NORMAL`` and a busy timeout.
Transactions follow SQLAlchemy's recipe for SQLite: the driver's own transaction handling is
switched off and FieldLog emits BEGIN itself, so that DDL is transactional too and a connection
can ask for ``BEGIN IMMEDIATE`` (execution option ``sqlite_begin="IMMEDIATE"``).
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000


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


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_sqlite_engine(path: Path) -> Engine:
    url = URL.create("sqlite+pysqlite", database=str(path))
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


@dataclass
class Database:
    """An open FieldLog database: its path and engine. Services take one of these."""

    path: Path
    engine: Engine
    _sessions: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """The driver connection, for the few paths where SQLAlchemy's overhead matters."""
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            yield driver

    def close(self) -> None:
        """Release every connection, so that the file can be replaced (Windows locks open files)."""
        self.engine.dispose()

"""Plain ``sqlite3`` helpers that read a FieldLog file without SQLAlchemy or Alembic.

Used by the launch fast path, backups and restores: they must be cheap and must not write to a
file they only inspect.
"""

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.db import connect_read_only

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")
DATA_TABLES = ("origins", "devices", "readings")


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection: SQLite may not write to ``path`` through it."""
    conn = connect_read_only(path)
    try:
        yield conn
    finally:
        conn.close()


def has_sqlite_header(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def sidecars(path: Path) -> list[Path]:
    """The -wal, -shm and -journal files that belong with a database file."""
    return [path.with_name(path.name + suffix) for suffix in SIDECAR_SUFFIXES]


@dataclass(frozen=True)
class Snapshot:
    """What a copy of a database must contain to count as the same data."""

    revision: str | None
    counts: tuple[tuple[str, int], ...]


def snapshot(conn: sqlite3.Connection) -> Snapshot:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    revision = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    counts = tuple(
        (name, conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
        for name in DATA_TABLES
        if name in tables
    )
    return Snapshot(revision, counts)


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """Problems ``PRAGMA quick_check`` reports; empty when the file is sound."""
    rows = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
    return [] if rows == ["ok"] else rows


def foreign_key_problems(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return [tuple(row) for row in conn.execute("PRAGMA foreign_key_check").fetchall()]

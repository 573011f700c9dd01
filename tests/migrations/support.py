"""Helpers for the migration suite: real SQLite files, schemas built only by migrating."""

import sqlite3
import sys
from collections.abc import Collection, Iterable, Iterator
from contextlib import closing, contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from core import migrate
from core.db import create_sqlite_engine
from core.schema import SchemaMarker

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

REPO_ROOT = Path(__file__).resolve().parents[2]
VERSIONS_DIR = REPO_ROOT / "migrations" / "versions"

Row = dict[str, Any]
Table = dict[Any, Row]


@cache
def script() -> "ScriptDirectory":
    return migrate.script_directory()


@cache
def revision_ids() -> tuple[str, ...]:
    """Every revision, oldest first."""
    return migrate.revision_chain()


def previous(revision: str) -> str:
    """The revision before ``revision``, or ``"base"`` for the first one."""
    ids = revision_ids()
    index = ids.index(revision)
    return ids[index - 1] if index else "base"


def marker(revision: str) -> SchemaMarker:
    return migrate.marker_for(script(), None if revision == "base" else revision)


@contextmanager
def connect(path: Path) -> Iterator[Connection]:
    """A SQLAlchemy connection to ``path`` with FieldLog's pragmas; engine disposed afterwards."""
    engine = create_sqlite_engine(path)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def migrated(path: Path, *targets: str) -> Path:
    """Run ``upgrade`` (or ``downgrade`` for a target prefixed with ``-``) for each target."""
    with connect(path) as conn:
        run_targets(conn, targets)
    return path


def run_targets(conn: Connection, targets: Iterable[str]) -> None:
    """Each target in turn: an upgrade to it, or for ``-REV`` a downgrade (both databases)."""
    for target in targets:
        if target.startswith("-"):
            migrate.downgrade(conn, target[1:])
        else:
            migrate.upgrade(conn, target)


@contextmanager
def plain(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain ``sqlite3`` connection, closed afterwards."""
    with closing(sqlite3.connect(path)) as conn:
        yield conn


def rootpages(path: Path) -> dict[str, int]:
    """Each table's first page: a table rebuilt (copied) by a migration gets a new one."""
    with plain(path) as conn:
        found = conn.execute("SELECT name, rootpage FROM sqlite_master WHERE type = 'table'")
        return dict(found.fetchall())


@contextmanager
def untouched(path: Path) -> Iterator[sqlite3.Connection]:
    """Read ``path`` without writing a byte to it or creating -wal/-shm files beside it."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        yield conn


def pragma(path: Path, name: str) -> int:
    with plain(path) as conn:
        return int(conn.execute(f"PRAGMA {name}").fetchone()[0])


def revision_of(path: Path) -> str:
    """The Alembic revision stored in ``path``, or ``"base"`` when there is none."""
    with plain(path) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else "base"


def leftover_temp_tables(path: Path) -> list[str]:
    with plain(path) as conn:
        query = r"SELECT name FROM sqlite_master WHERE name LIKE '\_alembic\_tmp\_%' ESCAPE '\'"
        return [row[0] for row in conn.execute(query)]


def table_rows(conn: sqlite3.Connection, table: str) -> Table:
    """Every row of ``table`` as a dict, keyed by id."""
    conn.row_factory = sqlite3.Row
    try:
        return {row["id"]: dict(row) for row in conn.execute(f'SELECT * FROM "{table}"')}
    finally:
        conn.row_factory = None


def differences(before: Table, after: Table, skip: Collection[tuple[Any, str]] = ()) -> list[str]:
    """Rows lost or added, and values changed on the columns both sides have."""
    found = [f"row {key} vanished" for key in before.keys() - after.keys()]
    found += [f"row {key} appeared" for key in after.keys() - before.keys()]
    for key in before.keys() & after.keys():
        old, new = before[key], after[key]
        for column in old.keys() & new.keys():
            if (key, column) not in skip and not same(old[column], new[column]):
                found.append(f"row {key} {column}: {old[column]!r:.60} -> {new[column]!r:.60}")
    return sorted(found)


def same(a: object, b: object) -> bool:
    """Equal values of the same type (1 == 1.0 == True is not good enough for stored data)."""
    return type(a) is type(b) and a == b


def rebuild_from_reflection(path: Path, table: str) -> None:
    """What a batch-mode step on ``table`` does (the downgrade autogenerate used to write for a
    new column): the table copied from what SQLite reflection sees of it."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    with connect(path) as conn, migrate.migration_transaction(conn):
        operations = Operations(MigrationContext.configure(conn))
        with operations.batch_alter_table(table, recreate="always"):
            pass


def executable(name: str) -> str:
    """A console script installed next to this Python (the repo's venv)."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    raise FileNotFoundError(f"{name} is not installed next to {sys.executable}")

"""Which tables a migration could have left with broken foreign keys: only those are checked.

``PRAGMA foreign_key_check`` over the whole file reads every row of every table with a foreign
key: 1.9 s at 10M readings for a migration that only added a nullable column (T8 was 1969× the
bare ALTER). A migration runs with foreign keys off, so a reference can break only where it
changed something, and SQLite tells what:

- a table rebuilt (batch mode) or created gets a new rootpage: check it;
- a table written to (INSERT, UPDATE; seen by the authorizer when each statement is prepared,
  which also sees the statements of triggers) may hold new references: check it;
- a table deleted from or dropped leaves its children dangling: check every table that
  references it;
- a foreign-key column added in place with a non-NULL default gives every row a reference
  without writing any: check that table.

Anything else (a nullable column added in place, an index made or dropped) cannot break a
reference, and costs no check.
"""

import sqlite3
from dataclasses import dataclass, field

_WRITE = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE}
_REMOVE = {sqlite3.SQLITE_DELETE, sqlite3.SQLITE_DROP_TABLE}
_BOOKKEEPING = {"alembic_version", "sqlite_master", "sqlite_schema", "sqlite_sequence"}


@dataclass(frozen=True)
class Table:
    rootpage: int
    references: frozenset[str]  # the tables its foreign keys point to
    foreign_keys: frozenset[tuple[str, str]]  # (column, referenced table)


def tables(conn: sqlite3.Connection) -> dict[str, Table]:
    """Every table of the main database, with what its foreign keys point to."""
    rows = conn.execute("SELECT name, rootpage FROM sqlite_master WHERE type = 'table'")
    found = {}
    for name, rootpage in rows.fetchall():
        keys = conn.execute(f'PRAGMA foreign_key_list("{name}")').fetchall()
        pairs = frozenset((str(key[3]), str(key[2])) for key in keys)
        found[name] = Table(rootpage, frozenset(target for _c, target in pairs), pairs)
    return found


@dataclass
class Changes:
    """What the statements prepared on a connection may have changed (see ``watch``)."""

    written: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)

    def authorize(self, action: int, first: str | None, _second: object, *_rest: object) -> int:
        if first and action in _WRITE:
            self.written.add(first)
        elif first and action in _REMOVE:
            self.removed.add(first)
        return sqlite3.SQLITE_OK


def watch(conn: sqlite3.Connection) -> Changes:
    """Start recording which tables the statements on ``conn`` write or remove from."""
    changes = Changes()
    conn.set_authorizer(changes.authorize)
    return changes


def stop_watching(conn: sqlite3.Connection) -> None:
    conn.set_authorizer(None)


def to_check(conn: sqlite3.Connection, before: dict[str, Table], changes: Changes) -> set[str]:
    """The tables whose foreign keys the changes may have broken (see the module)."""
    after = tables(conn)
    suspects = {name for name in after if name in changes.written}
    for name, table in after.items():
        old = before.get(name)
        if old is None or old.rootpage != table.rootpage:
            suspects.add(name)  # created, or rebuilt by a copy
        elif table.foreign_keys - old.foreign_keys and _defaulted(conn, name, table, old):
            suspects.add(name)
        if table.references & (changes.removed | (set(before) - set(after))):
            suspects.add(name)  # rows it points to may be gone
    return {name for name in suspects if name not in _BOOKKEEPING and after[name].references}


def _defaulted(conn: sqlite3.Connection, name: str, table: Table, old: Table) -> bool:
    """Whether a foreign-key column added in place gave the existing rows a value."""
    added = {column for column, _target in table.foreign_keys - old.foreign_keys}
    columns = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
    defaults = {str(row[1]): row[4] for row in columns}
    return any(defaults.get(column) not in (None, "NULL") for column in added)


def violations(conn: sqlite3.Connection, names: set[str]) -> list[tuple[object, ...]]:
    found: list[tuple[object, ...]] = []
    for name in sorted(names):
        found += [tuple(row) for row in conn.execute(f'PRAGMA foreign_key_check("{name}")')]
    return found

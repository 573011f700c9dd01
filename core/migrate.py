"""FieldLog's one Alembic runner: config from the package or bundle, our connection, one
transaction.

Alembic is imported lazily, inside the functions that need it: a database already at head never
pays for it (see ``core.launch``). The backup, lock and checks around a migration are
``core.guarded_migration``.

Every upgrade or downgrade runs inside ``migration_transaction``:
- foreign keys are switched off on the connection *before* BEGIN (inside a transaction the
  pragma does nothing, and a batch migration that rebuilds ``devices`` would otherwise delete or
  refuse every reading through the foreign key);
- ``BEGIN IMMEDIATE`` takes the write lock first, so a second process waits instead of failing
  halfway;
- ``PRAGMA foreign_key_check`` runs before COMMIT on every table the migration may have left
  with a broken reference (``core.fk_scope``: rebuilt, created or written tables, the children
  of tables deleted from, new foreign keys with a default), and any violation rolls everything
  back; a migration that only adds a nullable column checks nothing, so it costs O(change).
"""

import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text
from sqlalchemy.schema import CreateIndex

from core import fk_scope, postgres
from core.db import create_sqlite_engine
from core.models import metadata
from core.schema import APPLICATION_ID, SchemaMarker

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


class ForeignKeyViolationError(Exception):
    pass


def migrations_dir() -> Path:
    """The migrations folder: inside the PyInstaller bundle, or next to the installed package."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "migrations"
    spec = find_spec("migrations")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("FieldLog's migrations package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def alembic_config(
    connection: Connection | None = None, script_location: Path | None = None
) -> "Config":
    from alembic.config import Config

    config = Config()
    location = str(script_location or migrations_dir())
    config.set_main_option("script_location", location.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def script_directory(script_location: Path | None = None) -> "ScriptDirectory":
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(script_location=script_location))


def known_revisions(script_location: Path | None = None) -> set[str]:
    """Every revision the migration scripts know."""
    return set(revision_chain(script_location))


def revision_chain(script_location: Path | None = None) -> tuple[str, ...]:
    """Every revision, oldest first."""
    walked = script_directory(script_location).walk_revisions()
    return tuple(reversed([rev.revision for rev in walked]))


def _driver(conn: Connection) -> sqlite3.Connection:
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


@contextmanager
def migration_transaction(conn: Connection) -> Iterator[None]:
    """Foreign keys off, BEGIN IMMEDIATE, foreign-key check, COMMIT; foreign keys on again.
    On PostgreSQL, which checks every foreign key as it goes: BEGIN, the migration lock
    (``core.postgres.lock_migrations``), COMMIT."""
    if conn.in_transaction():
        raise RuntimeError("migration_transaction needs a connection outside any transaction")
    if postgres.is_postgres(conn):
        with conn.begin():
            postgres.lock_migrations(conn)
            yield
        return
    driver = _driver(conn)
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        with conn.execution_options(sqlite_begin="IMMEDIATE").begin():
            before = fk_scope.tables(driver)
            changes = fk_scope.watch(driver)
            try:
                yield
            finally:
                fk_scope.stop_watching(driver)
            suspects = fk_scope.to_check(driver, before, changes)
            violations = fk_scope.violations(driver, suspects)
            if violations:
                raise ForeignKeyViolationError(f"foreign key check failed: {violations[:5]}")
    finally:
        conn.execution_options(sqlite_begin="DEFERRED")
        driver.execute("PRAGMA foreign_keys = ON")


@contextmanager
def migration_connection(path: Path) -> Iterator[Connection]:
    """A fresh connection to ``path`` inside ``migration_transaction``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_sqlite_engine(path)
    try:
        with engine.connect() as conn, migration_transaction(conn):
            yield conn
    finally:
        engine.dispose()


def marker_for(script: "ScriptDirectory", revision: str | None) -> SchemaMarker:
    """The schema marker of ``revision``: its number, and how many breaking steps led there."""
    if revision is None:
        return SchemaMarker(0, 0)
    chain = list(script.iterate_revisions(revision, "base"))
    compat = sum(1 for rev in chain if rev.module.breaks_older_readers)
    return SchemaMarker(int(revision), compat)


def write_marker(conn: Connection, script: "ScriptDirectory") -> None:
    """Record the current revision in ``PRAGMA user_version`` (inside the open transaction).
    A PostgreSQL database has no such marker yet: Alembic's record is all it keeps."""
    if postgres.is_postgres(conn):
        return
    marker = marker_for(script, current_revision(conn)).encode()
    if conn.exec_driver_sql("PRAGMA user_version").scalar() != marker:
        conn.exec_driver_sql(f"PRAGMA user_version = {marker}")
    if conn.exec_driver_sql("PRAGMA application_id").scalar() != APPLICATION_ID:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def current_revision(conn: Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def upgrade(
    conn: Connection,
    target: str = "head",
    script_location: Path | None = None,
    verify: Callable[[Connection], None] | None = None,
) -> None:
    """Run every revision up to ``target`` in one transaction on ``conn``.

    ``verify`` runs inside that transaction, before COMMIT: if it raises, everything rolls back
    and the file is left byte for byte as it was.
    """
    from alembic import command

    with migration_transaction(conn):
        command.upgrade(alembic_config(conn, script_location), target)
        if verify is not None:
            verify(conn)


def downgrade(conn: Connection, target: str, script_location: Path | None = None) -> None:
    from alembic import command

    with migration_transaction(conn):
        command.downgrade(alembic_config(conn, script_location), target)


def stamp(conn: Connection, target: str, script_location: Path | None = None) -> None:
    """Record ``target`` as the revision without running a migration (and the marker with it).
    Whatever was recorded before goes, a revision these scripts do not know included."""
    from alembic import command

    with migration_transaction(conn):
        command.stamp(alembic_config(conn, script_location), target, purge=True)


def schema_drift(conn: Connection) -> list[Any]:
    """Differences between the models and the database, as Alembic's autogenerate sees them."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def schema_object_problems(conn: Connection) -> list[str]:
    """Named indexes and constraints the models declare but the database lacks, or has under
    another name (or none).

    Autogenerate ignores CHECK constraints, partial-index conditions and the names of foreign
    keys and other constraints, and SQLite's batch mode has been seen to drop all of them (a
    table rebuilt from reflection loses the name of a foreign key declared in its column, as
    0005 declares ``batch_id``'s); this compares the stored SQL itself.
    """
    if postgres.is_postgres(conn):
        return _inspected_object_problems(conn)
    stored: dict[str, str] = dict(conn.execute(text("SELECT name, sql FROM sqlite_master")).all())
    problems = []
    for table in metadata.tables.values():
        for index in table.indexes:
            expected = str(CreateIndex(index).compile(dialect=conn.dialect))
            if _squash(stored.get(str(index.name))) != _squash(expected):
                problems.append(f"index {index.name} is missing or differs")
        for check in _check_names(table):
            if f"constraint {check} check" not in _squash(stored.get(table.name)):
                problems.append(f"check constraint {check} is missing from {table.name}")
        if table.name in stored:
            problems += _constraint_name_problems(table, _squash(stored[table.name]))
    return problems


def _inspected_object_problems(conn: Connection) -> list[str]:
    """``schema_object_problems`` where the database reports its own objects (PostgreSQL):
    each index with its columns, uniqueness and condition, and each constraint's name."""
    from sqlalchemy import inspect

    seen = inspect(conn)
    problems = []
    for table in metadata.tables.values():
        indexes = {found["name"]: found for found in seen.get_indexes(table.name)}
        for index in table.indexes:
            if _index_key(conn, indexes.get(str(index.name))) != _model_index_key(conn, index):
                problems.append(f"index {index.name} is missing or differs")
        stored = [str(seen.get_pk_constraint(table.name)["name"])]
        stored += [str(key["name"]) for key in seen.get_foreign_keys(table.name)]
        stored += [str(key["name"]) for key in seen.get_unique_constraints(table.name)]
        stored += [str(check["name"]) for check in seen.get_check_constraints(table.name)]
        problems += _constraint_name_problems(table, " ".join(f"constraint {n}" for n in stored))
    return problems


def _index_key(conn: Connection, found: Any) -> tuple[Any, ...] | None:
    if found is None:
        return None
    where = found["dialect_options"].get(f"{conn.dialect.name}_where")
    return tuple(found["column_names"]), bool(found["unique"]), _squash_where(where)


def _model_index_key(conn: Connection, index: Any) -> tuple[Any, ...]:
    where = index.dialect_options[conn.dialect.name]["where"]
    compiled = None if where is None else str(where.compile(dialect=conn.dialect))
    columns = tuple(column.name for column in index.columns)
    return columns, bool(index.unique), _squash_where(compiled)


def _squash_where(condition: str | None) -> str | None:
    """A partial index's condition without the parentheses PostgreSQL adds around it."""
    return None if condition is None else _squash(condition.replace("(", "").replace(")", ""))


def _constraint_name_problems(table: Any, stored_sql: str) -> list[str]:
    """Every named constraint of ``table`` (primary key, unique, foreign key, check) must be in
    its stored SQL under that name, and no other name may be there."""
    expected = {str(c.name).lower() for c in table.constraints if c.name}
    found = set(re.findall(r"constraint (\w+)", stored_sql))
    missing = [
        f"constraint {name} of {table.name} is missing or has lost its name"
        for name in sorted(expected - found)
    ]
    unknown = [
        f"{table.name} has a constraint named {name}, which the models do not declare (renamed?)"
        for name in sorted(found - expected)
    ]
    return missing + unknown


def _check_names(table: Any) -> list[str]:
    from sqlalchemy import CheckConstraint

    return [str(c.name) for c in table.constraints if isinstance(c, CheckConstraint)]


def _squash(sql: str | None) -> str:
    return " ".join((sql or "").replace('"', "").lower().split())

"""A file's schema as SQLite reports it, and the schema each revision makes, to compare them.

Alembic's revision record says which migrations a file has had; nothing checks that its tables
agree. ``stamp`` rewrites that record without migrating, so before it does, the file's shape
must be the shape the target revision makes (``stamp_problem``); ``db status`` uses the same
comparison to say which revision a file without a record really is (``matching_revision``).

A shape is the tables, their columns, foreign keys, indexes and named constraints: two files
with equal shapes have the same schema even if the stored SQL is spelled differently (a batch
rebuild re-renders CREATE TABLE). ``alembic_version`` is left out: it stays, empty, after a
downgrade to base. The shape of each revision comes from migrating an empty temporary file step
by step, once per process.
"""

import re
import sqlite3
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from core import migrate
from core.db import create_sqlite_engine
from core.errors import FieldLogError
from core.sqlite_files import read_only

BASE = "base"

Shape = dict[str, Any]


def shape_of(conn: sqlite3.Connection) -> Shape:
    """The shape of the database ``conn`` is open on."""
    shape: Shape = {}
    tables = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
    ).fetchall()
    for name, sql in tables:
        shape[name] = {
            "columns": conn.execute(f'PRAGMA table_xinfo("{name}")').fetchall(),
            "foreign_keys": sorted(
                row[2:] for row in conn.execute(f'PRAGMA foreign_key_list("{name}")')
            ),
            "indexes": sorted(
                _index(conn, row) for row in conn.execute(f'PRAGMA index_list("{name}")')
            ),
            "constraints": sorted(re.findall(r'constraint\s+"?(\w+)"?', sql, re.IGNORECASE)),
        }
    return shape


def inspected_shape(conn: Connection) -> Shape:
    """The shape of any database, as SQLAlchemy's inspector reports it: what a PostgreSQL
    database is compared by (a SQLite file's is ``shape_of``, read from its own records)."""
    from sqlalchemy import inspect

    seen = inspect(conn)
    where = f"{conn.dialect.name}_where"
    names = sorted(set(seen.get_table_names()) - {"alembic_version"})
    return {name: _inspected_table(seen, name, where) for name in names}


def _inspected_table(seen: Any, name: str, where: str) -> dict[str, Any]:
    columns = [
        (c["name"], str(c["type"]), c["nullable"], c["default"], c.get("comment"))
        for c in seen.get_columns(name)
    ]
    foreign_keys = [
        (
            k["name"],
            k["constrained_columns"],
            k["referred_table"],
            k["referred_columns"],
            sorted(k["options"].items()),
        )
        for k in seen.get_foreign_keys(name)
    ]
    indexes = [
        (i["name"], bool(i["unique"]), i["column_names"], i["dialect_options"].get(where))
        for i in seen.get_indexes(name)
    ]
    constraints = [str(seen.get_pk_constraint(name)["name"])]
    constraints += [f"{c['name']}: {c['sqltext']}" for c in seen.get_check_constraints(name)]
    constraints += [f"{u['name']}: {u['column_names']}" for u in seen.get_unique_constraints(name)]
    return {
        "columns": columns,
        "foreign_keys": sorted(map(str, foreign_keys)),
        "indexes": sorted(map(str, indexes)),
        "constraints": sorted(constraints),
    }


def file_shape(path: Path) -> Shape:
    """The shape of the file at ``path``, read without writing to it (none: no tables)."""
    if not path.exists():
        return {}
    with read_only(path) as conn:
        return shape_of(conn)


def _index(conn: sqlite3.Connection, row: tuple[Any, ...]) -> tuple[Any, ...]:
    _, name, unique, origin, partial = row
    columns = tuple(info[2] for info in conn.execute(f'PRAGMA index_info("{name}")'))
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    where = (sql or "").lower().replace('"', "").partition(" where ")[2]
    return name, unique, origin, partial, columns, " ".join(where.split())


@cache
def revision_shapes(script_location: Path | None = None) -> tuple[tuple[str, Shape], ...]:
    """Every revision, oldest first (``BASE`` before them), with the shape it makes."""
    found: list[tuple[str, Shape]] = [(BASE, {})]
    with tempfile.TemporaryDirectory(prefix="fieldlog-shapes-") as folder:
        engine = create_sqlite_engine(Path(folder) / "reference.db")
        try:
            with engine.connect() as conn:
                driver = conn.connection.driver_connection
                assert isinstance(driver, sqlite3.Connection)
                for revision in migrate.revision_chain(script_location):
                    migrate.upgrade(conn, revision, script_location)
                    found.append((revision, shape_of(driver)))
        finally:
            engine.dispose()
    return tuple(found)


def shape_at(revision: str, script_location: Path | None = None) -> Shape:
    for known, shape in revision_shapes(script_location):
        if known == revision:
            return shape
    raise KeyError(revision)


def matching_revisions(shape: Shape, script_location: Path | None = None) -> list[str]:
    """Every revision whose schema ``shape`` is (``BASE``: no tables), oldest first. Several
    in a row when a revision changes nothing on SQLite (0008 changes PostgreSQL alone)."""
    return [rev for rev, known in revision_shapes(script_location) if known == shape]


def matching_revision(shape: Shape, script_location: Path | None = None) -> str | None:
    """The newest revision whose schema ``shape`` is, or None."""
    matches = matching_revisions(shape, script_location)
    return matches[-1] if matches else None


def differences(expected: Shape, found: Shape) -> list[str]:
    """What ``found`` lacks or has beyond ``expected``, table by table, in a few words."""
    said = [f"no table {name}" for name in sorted(expected.keys() - found.keys())]
    extra = sorted(found.keys() - expected.keys())  # one entry: a later revision adds several
    if extra:
        said.append(
            f"an extra table {extra[0]}" if len(extra) == 1 else f"extra tables {', '.join(extra)}"
        )
    for name in sorted(expected.keys() & found.keys()):
        parts = [part for part in expected[name] if expected[name][part] != found[name][part]]
        if parts:
            said.append(f"{name} differs in its {', '.join(parts)}")
    return said


def resolve(target: str, script_location: Path | None = None) -> str:
    """The revision id ``target`` names ("head", "0004", "base"...); ``FieldLogError`` if none."""
    if target == BASE:
        return BASE
    script = migrate.script_directory(script_location)
    try:
        revision = script.get_revision(target)
    except Exception as exc:  # alembic's own error for a name it cannot resolve
        raise FieldLogError(f"There is no revision {target!r} ({exc}).") from exc
    return revision.revision


def stamp_problem(
    path: Path, target: str, force_hint: str, script_location: Path | None = None
) -> str | None:
    """Why ``path`` may not be stamped ``target`` (its schema is not what ``target`` makes),
    or None when it may. ``force_hint`` is how the caller's command says "stamp anyway"."""
    revision = resolve(target, script_location)
    found = file_shape(path)
    expected = shape_at(revision, script_location)
    if found == expected:
        return None
    return (
        f"{path} was not stamped {revision}: its schema is not the one {revision} makes "
        f"({'; '.join(differences(expected, found)[:5])}), and stamping would leave a file the "
        f"app and every later migration fail on. {_instead(path, found, script_location)} "
        f"To stamp it anyway, {force_hint} (a backup is taken first)."
    )


def _instead(path: Path, found: Shape, script_location: Path | None) -> str:
    """What to do instead of stamping a file whose schema is ``found``."""
    matches = matching_revisions(found, script_location)
    if not matches:
        return "Its schema is that of no revision: restore a backup of it."
    recorded = recorded_revision(path)
    if recorded in matches:
        return (
            f"It is at {recorded}, as recorded: upgrade it instead (fieldlog db upgrade, or "
            "alembic upgrade head)."
        )
    matching = matches[-1]
    return f"Its schema is that of {matching}: stamp {matching} instead, then upgrade it."


def recorded_revision(path: Path) -> str | None:
    """The revision ``alembic_version`` holds (``BASE`` for an empty record), or None."""
    if not path.exists():
        return None
    with read_only(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else BASE

"""The developers' ``alembic`` command line (``alembic.ini``, ``migrations/env.py``): which
database it works on.

From the repository root, with no database named, every command works on ``dev.db`` beside
``alembic.ini`` (git-ignored), as a fresh checkout expects: ``rm dev.db; alembic upgrade head;
sqlite3 dev.db ".tables"``. ``-x db=PATH`` names any other file. Neither the per-user database
nor ``FIELDLOG_DB`` is ever used unless it is named so: a developer's command line must never
migrate a technician's data by default. The app never comes here: it hands Alembic its own
connection (``core.migrate``).

What a command may do to that file depends on the command (``Use``): only ``upgrade``,
``downgrade`` and ``stamp`` write, and only they create a missing file. ``current`` and the other
commands that read open an existing file read-only and create nothing (no file, no -wal or -shm)
when it is missing; ``revision`` without ``--autogenerate`` needs no database at all.
"""

import enum
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine

from core import migrate
from core.db import create_sqlite_engine
from core.errors import FieldLogError
from core.paths import DB_ENV

DEV_DB = "dev.db"

log = logging.getLogger(__name__)  # alembic.ini shows its INFO lines


class Use(enum.Enum):
    """What an alembic command does with the database."""

    MIGRATE = "migrate"  # upgrade, downgrade, ensure_version: writes; creates a missing file
    STAMP = "stamp"  # stamp: writes the revision record only
    CHECK = "check"  # check: reads, and compares the file with the models
    AUTOGENERATE = "autogenerate"  # revision --autogenerate: reads, and compares
    READ = "read"  # current, history -i, show current: reads, or says there is nothing
    NONE = "none"  # revision without --autogenerate, merge: no database at all

    @property
    def writes(self) -> bool:
        return self in (Use.MIGRATE, Use.STAMP)

    @property
    def compares(self) -> bool:
        return self in (Use.CHECK, Use.AUTOGENERATE)


# Each alembic command hands its environment a function defined inside it (alembic/command.py),
# so the function's qualified name starts with the command's; every command not named here
# only reads.
_USE_BY_COMMAND = {
    "upgrade": Use.MIGRATE,
    "downgrade": Use.MIGRATE,
    "ensure_version": Use.MIGRATE,
    "stamp": Use.STAMP,
    "check": Use.CHECK,
    "merge": Use.NONE,
}


def use_of(environment: Mapping[str, Any]) -> Use:
    """The use of the command whose ``EnvironmentContext`` options are ``environment``."""
    command = getattr(environment.get("fn"), "__qualname__", "").partition(".")[0]
    if command == "revision":
        autogenerate = environment["revision_context"].command_args.get("autogenerate")
        return Use.AUTOGENERATE if autogenerate else Use.NONE
    return _USE_BY_COMMAND.get(command, Use.READ)


@contextmanager
def database(named: str | None, config_file: str | None, use: Use) -> Iterator[Connection]:
    """The connection a command of ``use`` works through, on ``-x db`` or dev.db (named in
    the log, as is a ``FIELDLOG_DB`` this does not use)."""
    path = database_path(named, config_file)
    if use is not Use.NONE:
        note = ignored_environment(named)
        if note:
            log.warning("%s", note)
        log.info("Database: %s%s", path, "" if path.exists() else " (does not exist yet)")
    with connection(path, use) as conn:
        yield conn


@contextmanager
def connection(path: Path, use: Use) -> Iterator[Connection]:
    """A connection fit for ``use``: in one migration transaction for a command that writes,
    read-only for one that reads, on an empty in-memory database when there is no file to read
    or none is needed. Nothing is created for a command that only reads."""
    if use.writes:
        with migrate.migration_connection(path) as conn:
            yield conn
    elif use is Use.NONE or not path.exists():
        if use.compares:
            raise FieldLogError(
                f"{path} does not exist yet, so there is nothing to compare the models with: "
                "create it with `alembic upgrade head`, then run this again."
            )
        with _connected(create_engine("sqlite://")) as conn:
            yield conn
    else:
        with _connected(create_sqlite_engine(path, read_only=True)) as conn:
            if use is Use.CHECK:
                _refuse_unsound_objects(path, conn)
            yield conn


def _refuse_unsound_objects(path: Path, conn: Connection) -> None:
    """``alembic check`` compares what autogenerate sees; a lost or changed constraint name, a
    CHECK or a partial index it does not see (``migrate.schema_object_problems``)."""
    problems = migrate.schema_object_problems(conn)
    if problems:
        raise FieldLogError(
            f"{path} does not have the schema objects the models name: {'; '.join(problems)}. "
            f"A migration lost or renamed them (batch mode rebuilds a table from reflection); "
            f"fix it, then {start_again(path)}"
        )


def start_again(path: Path) -> str:
    """What a developer does with a file whose schema went wrong."""
    if path.name == DEV_DB:
        return f"start again: rm {path.name} && alembic upgrade head."
    return "restore it from a backup (fieldlog db backups, fieldlog db restore FILE)."


@contextmanager
def _connected(engine: Any) -> Iterator[Connection]:
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def database_path(named: str | None, config_file: str | None) -> Path:
    """``-x db=PATH`` if given, else ``dev.db`` beside the ``alembic.ini`` in use."""
    if named:
        return Path(named).expanduser().resolve()
    if config_file is None:
        raise FieldLogError(
            "No database named, and no alembic.ini to find dev.db beside: name one with "
            "-x db=PATH (for example alembic -x db=dev.db upgrade head)."
        )
    return Path(config_file).resolve().parent / DEV_DB


def ignored_environment(named: str | None) -> str | None:
    """What to tell a developer whose ``FIELDLOG_DB`` this command does not use, if any."""
    chosen = os.environ.get(DB_ENV)
    if named or not chosen:
        return None
    return (
        f"{DB_ENV} is set ({chosen}), but the alembic command line uses {DEV_DB} unless "
        f"-x db=PATH names a file: alembic -x db={chosen} ..."
    )

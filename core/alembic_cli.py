"""The developers' ``alembic`` command line (``alembic.ini``, ``migrations/env.py``): which
database it works on, what each command may do to it, and what it refuses.

From the repository root, with no database named, every command works on ``dev.db`` beside
``alembic.ini`` (git-ignored), as a fresh checkout expects: ``rm dev.db; alembic upgrade head;
sqlite3 dev.db ".tables"``. ``-x db=PATH`` names any other file, and ``-x
db=postgresql+psycopg://user@host/database`` (or ``sqlalchemy.url`` in alembic.ini, when no
``-x db`` is given) a PostgreSQL database (``core.postgres``). Neither the per-user database
nor ``FIELDLOG_DB`` is ever used unless it is named so: a developer's command line must never
migrate a technician's data by default. The app never comes here: it hands Alembic its own
connection (``core.migrate``).

What a command may do to that file depends on the command (``Use``): only ``upgrade``,
``downgrade`` and ``stamp`` write, and only they create a missing file. ``current`` and the other
commands that read open an existing file read-only and create nothing (no file, no -wal or -shm)
when it is missing; ``revision`` without ``--autogenerate`` needs no database at all. Every
existing file is read as the launch reads it first: what the app refuses (another program's
file) is refused here too, and so is what Alembic would fail on with a bare message, each time
with what to do.
"""

import enum
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import URL, make_url

from core import migrate, postgres
from core.db import create_sqlite_engine
from core.errors import FieldLogError
from core.migration_lock import migration_lock
from core.paths import DB_ENV
from core.schema import HEAD_TABLES

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


@dataclass(frozen=True)
class Command:
    """The running alembic command, as far as the database is concerned."""

    use: Use
    db: str | None = None  # -x db=PATH
    force: bool = False  # -x force=1: stamp over a schema that differs, after a backup
    targets: tuple[str, ...] = ()  # the revisions a stamp records
    purge: bool = False  # stamp --purge: whatever revision is recorded goes first
    scripts: Path | None = None  # the migration scripts alembic runs

    @classmethod
    def of(
        cls, environment: Mapping[str, Any], x: Mapping[str, str], scripts: Path | None = None
    ) -> "Command":
        """From the ``EnvironmentContext``'s options and the ``-x`` arguments."""
        use = use_of(environment)
        targets = environment.get("destination_rev") if use is Use.STAMP else ()
        force = x.get("force", "").lower() in ("1", "yes", "true")
        purge = bool(environment.get("purge"))
        return cls(use, x.get("db"), force, tuple(targets or ()), purge, scripts)


T = TypeVar("T")
FORCE_HINT = "run it with -x force=1"


@contextmanager
def database(
    command: Command, config_file: str | None, configured_url: str | None = None
) -> Iterator[Connection]:
    """The connection ``command`` works through, on ``-x db``, else alembic.ini's
    ``sqlalchemy.url``, else dev.db (named in the log, as is a ``FIELDLOG_DB`` this does not
    use)."""
    target = database_target(command.db or configured_url, config_file)
    if isinstance(target, URL):
        if command.use is not Use.NONE:
            log.info("Database: %s", target.render_as_string(hide_password=True))
        with postgres_connection(target, command) as conn:
            yield conn
        return
    path = target
    if command.use is not Use.NONE:
        note = ignored_environment(command.db)
        if note:
            log.warning("%s", note)
        log.info("Database: %s%s", path, "" if path.exists() else " (does not exist yet)")
    with connection(path, command) as conn:
        yield conn


@contextmanager
def connection(path: Path, command: Command) -> Iterator[Connection]:
    """A connection fit for the command: in one migration transaction, under the file's locks,
    for one that writes; read-only for one that reads; on an empty in-memory database when
    there is no file to read or none is needed. Nothing is created for a command that reads."""
    use = command.use
    if use is not Use.NONE and path.exists():
        refuse_what_alembic_fails_on(path, command)
    if use.writes:
        with _writing(path, command) as conn:
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


@contextmanager
def _writing(path: Path, command: Command) -> Iterator[Connection]:
    """As the app writes: no other FieldLog has the file open, one migrator at a time; and a
    stamp only over the schema of its target (``maintenance.guard_stamp``)."""
    from core.maintenance import guard_stamp, holding_open_lock

    path.parent.mkdir(parents=True, exist_ok=True)
    with holding_open_lock(path), migration_lock(path):
        if command.use is Use.STAMP:
            if len(command.targets) != 1:
                raise FieldLogError("Stamp one revision at a time: alembic stamp REVISION.")
            (target,) = command.targets
            saved = beside_alembic(
                lambda: guard_stamp(path, target, command.force, FORCE_HINT, command.scripts)
            )
            if saved:
                log.warning("Its schema differs from %s's; backup taken first: %s", target, saved)
        with migrate.migration_connection(path) as conn:
            yield conn


@contextmanager
def postgres_connection(url: URL, command: Command) -> Iterator[Connection]:
    """As ``connection``, on a PostgreSQL database: a command that writes migrates in one
    transaction under the migration lock (``core.postgres``); one that reads does so in a
    read-only transaction, so that it creates nothing."""
    if command.use is Use.NONE:
        with _connected(create_engine("sqlite://")) as conn:
            yield conn
        return
    with _connected(postgres.create_postgres_engine(url)) as conn:
        refuse_on_postgres(conn, url, command)
        conn.rollback()
        if command.use.writes:
            with migrate.migration_transaction(conn):
                yield conn
        else:
            with conn.begin():
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield conn


def refuse_on_postgres(conn: Connection, url: URL, command: Command) -> None:
    """What ``refuse_what_alembic_fails_on`` refuses, on a PostgreSQL database: a revision no
    script defines, FieldLog's tables without a revision, a database at head without its
    tables, a compare on a database not at head; and a stamp, whose schema check reads SQLite
    files only, unless forced."""
    from sqlalchemy import inspect

    name = url.render_as_string(hide_password=True)
    revision = migrate.current_revision(conn)
    tables = set(inspect(conn).get_table_names()) & HEAD_TABLES
    if command.use is Use.STAMP:
        if not command.force:
            raise FieldLogError(
                f"{name}: a stamp on PostgreSQL cannot yet check that the schema is the "
                f"target's (issue 15). Make sure it is, dump it (pg_dump), and {FORCE_HINT}."
            )
        if revision and not command.purge and not _known(revision, command):
            raise FieldLogError(_unknown_revision_on(name, revision))
        return
    if revision is None and tables:
        raise FieldLogError(
            f"{name} holds FieldLog's tables but no revision record, so Alembic would run "
            "every migration over them: record the revision its schema is (alembic stamp)."
        )
    if revision and not _known(revision, command):
        raise FieldLogError(_unknown_revision_on(name, revision))
    head = migrate.script_directory(command.scripts).get_current_head()
    if revision == head and tables != HEAD_TABLES:
        raise FieldLogError(
            f"{name} says it is at {revision}, the head, but has no table "
            f"{', '.join(sorted(HEAD_TABLES - tables))} (queries fail with 'no such table'): "
            "drop its tables and alembic_version, then alembic upgrade head."
        )
    if command.use.compares and revision != head:
        raise FieldLogError(
            f"Target database is not up to date: {name} is at {revision or 'no revision'} and "
            f"the head is {head}. {command.use.value.capitalize()} compares the models with a "
            "database at head: run `alembic upgrade head` first, then this again."
        )


def _unknown_revision_on(name: str, revision: str) -> str:
    return (
        f"Can't locate revision identified by {revision!r}: {name} is at a revision no file in "
        "migrations/versions defines (a revision file deleted or renamed since, or one from "
        "another branch). Bring that file back, or record the revision its schema really is "
        "(alembic stamp --purge REVISION)."
    )


def refuse_what_alembic_fails_on(path: Path, command: Command) -> None:
    """Read ``path`` as the launch does (which refuses another program's file, as the app
    does), and refuse, with what to do, what Alembic would fail on with a bare message:
    a revision no script defines ("Can't locate revision"), FieldLog's tables without a
    revision record, a file at head without its tables ("no such table"), and for a command
    that compares, a file not at head ("Target database is not up to date")."""
    from core.launch import FileKind, inspect

    state = inspect(path)
    if command.use is Use.STAMP:
        if state.revision and not command.purge and not _known(state.revision, command):
            raise FieldLogError(_unknown_revision(path, state.revision, command))
        return  # the stamp's own check compares the schema (maintenance.guard_stamp)
    if state.kind is FileKind.UNRECORDED:
        raise FieldLogError(
            f"{path} holds FieldLog's tables but no revision record, so Alembic would run every "
            f"migration over them. {_schema_is(path, command)}"
        )
    if state.revision and not _known(state.revision, command):
        raise FieldLogError(_unknown_revision(path, state.revision, command))
    if state.missing_tables:
        raise FieldLogError(
            f"{path} says it is at {state.revision}, the head, but has no table "
            f"{', '.join(sorted(state.missing_tables))} (queries fail with 'no such table'): its "
            f"tables were dropped, or it was stamped without being migrated. "
            f"{_sentence(start_again(path))}"
        )
    head = migrate.script_directory(command.scripts).get_current_head()
    if command.use.compares and state.revision != head:
        raise FieldLogError(
            f"Target database is not up to date: {path} is at {state.revision or 'no revision'} "
            f"and the head is {head}. {command.use.value.capitalize()} compares the models with "
            "a database at head: run `alembic upgrade head` first, then this again."
        )


def _known(revision: str, command: Command) -> bool:
    return revision in migrate.known_revisions(command.scripts)


def _unknown_revision(path: Path, revision: str, command: Command) -> str:
    return (
        f"Can't locate revision identified by {revision!r}: {path} is at a revision no file in "
        "migrations/versions defines (a revision file deleted or renamed since, or one from "
        "another branch). Bring that file back, or record the revision its schema really is "
        f"(alembic stamp --purge REVISION, refused unless the schema matches). "
        f"{_schema_is(path, command)}"
    )


def _schema_is(path: Path, command: Command) -> str:
    """Which revision the schema of ``path`` is, and how to record it, or to start again."""
    from core.schema_shape import file_shape, matching_revision

    found = beside_alembic(lambda: matching_revision(file_shape(path), command.scripts))
    if found is None:
        return f"Its schema is that of no revision. {_sentence(start_again(path))}"
    return (
        f"Its schema is that of {found}: `alembic stamp --purge {found}` records that. Or "
        f"{start_again(path)}."
    )


def _refuse_unsound_objects(path: Path, conn: Connection) -> None:
    """``alembic check`` compares what autogenerate sees; a lost or changed constraint name, a
    CHECK or a partial index it does not see (``migrate.schema_object_problems``)."""
    problems = migrate.schema_object_problems(conn)
    if problems:
        raise FieldLogError(
            f"{path} does not have the schema objects the models name: {'; '.join(problems)}. "
            f"A migration lost or renamed them (batch mode rebuilds a table from reflection); "
            f"fix it. {_sentence(start_again(path))}"
        )


def start_again(path: Path) -> str:
    """What a developer does with a file whose schema went wrong, as a clause."""
    if path.name == DEV_DB:
        return f"start again: rm {path.name} && alembic upgrade head"
    return "restore it from a backup (fieldlog db backups, fieldlog db restore FILE)"


def _sentence(clause: str) -> str:
    return f"{clause[0].upper()}{clause[1:]}."


def beside_alembic(work: Callable[[], T]) -> T:
    """``work()``, which runs Alembic commands of its own (the schema each revision makes,
    ``core.schema_shape``), from inside the env.py of a running one. Each command installs its
    environment as ``alembic.context``'s and removes it when done, which would leave the
    running env.py without one: it is put back afterwards."""
    from alembic import context

    running = getattr(context, "_proxy")  # noqa: B009  (the module proxies that instance)
    try:
        return work()
    finally:
        running._install_proxy()


@contextmanager
def _connected(engine: Any) -> Iterator[Connection]:
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def database_target(named: str | None, config_file: str | None) -> "Path | URL":
    """The file, or the PostgreSQL database's URL, that ``named`` names (``database_path``);
    a ``sqlite:///PATH`` URL names its file."""
    if not named or not postgres.is_url(named):
        return database_path(named, config_file)
    if named.startswith("sqlite"):
        database = make_url(named).database
        if not database or database == ":memory:":
            raise FieldLogError(f"{named}: name a file (sqlite:///PATH), or leave -x db out.")
        return database_path(database, config_file)
    return postgres.database_url(named)


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

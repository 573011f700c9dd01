"""Support tasks on a database file: status, check, backup, restore, downgrade, stamp.

These are what ``fieldlog db ...`` runs on an installed copy, where there is no Alembic command
line. Each takes the migration lock when it writes, and none leaves a half-done file.
"""

import contextlib
import enum
import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from core import backup as backups
from core.attachments import restore_files
from core.db import create_sqlite_engine
from core.errors import DatabaseError, SchemaMismatchError
from core.guarded_migration import GuardedMigration
from core.launch import FileKind, FileState, inspect, open_database, translate
from core.launch_errors import UnknownRevisionError, UpgradeFailedError
from core.migration_lock import migration_lock
from core.open_lock import OpenLock
from core.progress import Say
from core.schema import HEAD_REVISION, HEAD_SCHEMA_VERSION, READER_COMPAT, SchemaMarker
from core.sqlite_files import foreign_key_problems, quick_check, read_only, snapshot

log = logging.getLogger("fieldlog.maintenance")

HOLDS_DATA = (FileKind.FIELDLOG, FileKind.UNRECORDED)  # what may be checked and backed up


class Condition(enum.Enum):
    """What ``db status`` finds, each with its own words (``core.cli.database``)."""

    MISSING = "missing"
    EMPTY = "empty"  # no tables: the next launch creates the schema
    UP_TO_DATE = "up to date"
    BEHIND = "behind"  # a revision before head, with that revision's schema
    NEWER = "newer"  # a newer FieldLog's, which this version can read and write
    NEWER_UNREADABLE = "newer, unreadable"
    UNKNOWN = "unknown"  # a revision no script knows, and nothing says a newer FieldLog's
    UNRECORDED = "unrecorded"  # FieldLog's tables, but no revision record
    TABLES_MISSING = "tables missing"  # at head, without tables head has
    NOT_ITS_SCHEMA = "not its schema"  # behind head, but its schema is not its revision's


@dataclass(frozen=True)
class Status:
    path: Path
    condition: Condition
    revision: str | None
    head: str
    marker: SchemaMarker | None
    counts: dict[str, int]
    schema_of: str | None = None  # the revision the schema is, where the record is in doubt
    missing_tables: frozenset[str] = frozenset()

    @property
    def exists(self) -> bool:
        return self.condition is not Condition.MISSING

    @property
    def up_to_date(self) -> bool:
        return self.condition is Condition.UP_TO_DATE


def status(path: Path, script_location: Path | None = None) -> Status:
    """What is at ``path``, read without writing anything (a missing file stays missing), and
    whether its revision record tells the truth: the schema of a file whose record is missing,
    unknown or not its schema's is compared with every revision's (``core.schema_shape``)."""
    state = inspect(path)
    if state.kind is FileKind.MISSING:
        return Status(path, Condition.MISSING, None, HEAD_REVISION, None, {})
    if state.kind is FileKind.EMPTY or (state.kind is FileKind.FIELDLOG and not state.revision):
        return Status(path, Condition.EMPTY, None, HEAD_REVISION, None, {})
    with _reading(path) as conn:
        counts = dict(snapshot(conn).counts)
    condition = _condition(path, state, script_location)
    schema_of = None
    if condition in (Condition.UNRECORDED, Condition.UNKNOWN, Condition.NOT_ITS_SCHEMA):
        schema_of = _schema_of(path, script_location)
    found = Status(path, condition, state.revision, HEAD_REVISION, state.marker, counts)
    return replace(found, schema_of=schema_of, missing_tables=state.missing_tables)


def _condition(path: Path, state: FileState, script_location: Path | None) -> Condition:
    from core import migrate, schema_shape

    if state.kind is FileKind.UNRECORDED:
        return Condition.UNRECORDED
    if state.revision == HEAD_REVISION:
        return Condition.TABLES_MISSING if state.missing_tables else Condition.UP_TO_DATE
    assert state.revision is not None
    if state.revision in migrate.known_revisions(script_location):
        expected = schema_shape.shape_at(state.revision, script_location)
        same = schema_shape.file_shape(path) == expected
        return Condition.BEHIND if same else Condition.NOT_ITS_SCHEMA
    if state.marker.schema_version > HEAD_SCHEMA_VERSION:
        readable = state.marker.compat <= READER_COMPAT
        return Condition.NEWER if readable else Condition.NEWER_UNREADABLE
    return Condition.UNKNOWN


def _schema_of(path: Path, script_location: Path | None) -> str | None:
    from core import schema_shape

    return schema_shape.matching_revision(schema_shape.file_shape(path), script_location)


def check(path: Path) -> list[str]:
    """Every problem found: full integrity check, foreign keys, schema objects, model drift."""
    from core import migrate

    _require_fieldlog(path)
    with _reading(path) as conn:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        problems = [] if rows == ["ok"] else [f"integrity: {row}" for row in rows]
        problems += [f"foreign key: {row}" for row in foreign_key_problems(conn)]
    engine = create_sqlite_engine(path, read_only=True)  # closing it checkpoints nothing
    try:
        with engine.connect() as conn:
            problems += migrate.schema_object_problems(conn)
            problems += [f"drift: {diff}" for diff in migrate.schema_drift(conn)]
    finally:
        engine.dispose()
    return problems


def check_while_open(path: Path, stop: Callable[[], bool] = lambda: False) -> list[str] | None:
    """SQLite's ``quick_check`` (``sqlite_files.quick_check``) of the file at ``path`` on a
    read-only connection of its own: the problems found ([] when sound), or None when
    ``stop()`` turned true first.

    Launching a file already at head reads only its header and revision, so that opening costs
    almost nothing; this is the integrity check the window then runs beside the user's work (a
    reader in WAL mode blocks no writer). It reads the whole file (about 10 ms per MB here), so
    ``stop`` is polled while it runs: closing the window interrupts it.
    """
    with _reading(path) as conn:
        conn.set_progress_handler(lambda: 1 if stop() else 0, 1000)
        try:
            return quick_check(conn)
        except sqlite3.OperationalError:
            if stop():
                return None
            raise


def set_aside_wal(path: Path) -> Path:
    """Move a ``-wal`` that does not belong to ``path`` out of the way (``core.wal``); returns
    its new name. Refused while a FieldLog has the file open, and when the WAL belongs."""
    from core import wal

    with holding_open_lock(path):
        found = wal.summary(path)
        if found is None and not wal.wal_path(path).exists():
            raise DatabaseError(path, f"There is no {wal.wal_path(path).name} beside {path}.")
        reason = wal.problem(path, found) if found is not None else None
        if found is not None and reason is None:
            raise DatabaseError(
                path,
                f"{wal.wal_path(path).name} belongs to {path}: it holds its latest changes, so "
                "it was left where it is. Open the database and FieldLog applies it.",
            )
        return wal.set_aside(path)


def backup_now(path: Path) -> Path:
    """A manual backup: never rotated away."""
    _require_fieldlog(path)
    return backups.make_backup(path, "manual")


def restore(path: Path, backup_file: Path, progress: Say | None = None) -> Path | None:
    """Replace ``path`` with a copy of ``backup_file``; the current file is backed up first.

    Returns that safety backup (None when there was no database to keep). Refused while
    another FieldLog process has the file open (``core.open_lock``): it would go on writing to
    the file this replaces.
    """
    backups.check_backup_file(backup_file)
    with holding_open_lock(path), migration_lock(path, progress):
        keep = _keep_current(path)
        backups.replace_with(path, backup_file)
        lost = restore_files(path, backup_file)  # the attached files it refers to
    if lost:
        log.warning("restored %s: %d attached file(s) are in neither store: %s", path,
                    len(lost), ", ".join(lost))  # fmt: skip
    return keep


@contextlib.contextmanager
def holding_open_lock(path: Path) -> Iterator[None]:
    """Hold ``path``'s open lock: no other FieldLog writes to it meanwhile."""
    lock = OpenLock(path)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


def _keep_current(path: Path) -> Path | None:
    """Save what is about to be replaced: a backup, or for a damaged file a byte copy."""
    if not path.exists():
        return None
    try:
        if inspect(path).kind not in HOLDS_DATA:
            return None
        return backups.make_backup(path, "pre-restore")
    except DatabaseError:  # unreadable (BackupError included): keep the bytes as they are
        return backups.keep_damaged(path)


def downgrade(
    path: Path,
    target: str,
    progress: Say | None = None,
    script_location: Path | None = None,
) -> Path:
    """Take the schema back to ``target`` after a backup; returns the backup's path. It runs
    as the launch's upgrade does (``core.guarded_migration``): checked, backed up, in one
    transaction, checked again, and on failure the file put back as it was.
    ``script_location``: migration scripts other than the shipped ones (tests)."""
    from core import migrate

    if target != "base" and target not in migrate.known_revisions(script_location):
        raise UnknownRevisionError(path, f"There is no revision {target!r} to downgrade to.")
    # first bring it to a known, verified state
    result = open_database(path, progress=progress, script_location=script_location)
    result.database.close()
    with holding_open_lock(path), migration_lock(path, progress):
        guard = GuardedMigration(path, "downgrade", progress)
        saved = guard.back_up()
        guard.run(
            lambda conn: migrate.downgrade(conn, target, script_location),
            None if target == "base" else target,
            lambda exc: UpgradeFailedError.downgrading(path, exc, saved),
        )
    return saved


def stamp(
    path: Path,
    target: str,
    *,
    force: bool = False,
    progress: Say | None = None,
    script_location: Path | None = None,
) -> Path | None:
    """Record ``target`` as the revision of ``path`` without migrating it: the repair of a file
    whose record was lost or is wrong. Refused (``SchemaMismatchError``) unless the file's
    schema is the one ``target`` makes; ``force`` stamps anyway, after a backup, whose path
    it returns. ``script_location``: migration scripts other than the shipped ones (tests)."""
    from core import migrate

    if inspect(path).kind is FileKind.MISSING:
        raise DatabaseError(path, f"There is no database at {path} to stamp.")
    with holding_open_lock(path), migration_lock(path, progress):
        saved = guard_stamp(path, target, force, "add --force", script_location)
        engine = create_sqlite_engine(path)
        try:
            with engine.connect() as conn:
                migrate.stamp(conn, target, script_location)
        except Exception as exc:
            raise translate(path, exc) from exc
        finally:
            engine.dispose()
    return saved


def guard_stamp(
    path: Path, target: str, force: bool, force_hint: str, script_location: Path | None = None
) -> Path | None:
    """Before a stamp (``fieldlog db stamp``, ``alembic stamp``): refuse one over a schema that
    is not ``target``'s, unless ``force``, which takes a backup first (returned)."""
    from core import schema_shape

    problem = schema_shape.stamp_problem(path, target, force_hint, script_location)
    if problem is None:
        return None
    if not force:
        raise SchemaMismatchError(path, problem)
    return backups.make_backup(path, "pre-stamp")


def _require_fieldlog(path: Path) -> None:
    if inspect(path).kind not in HOLDS_DATA:
        raise DatabaseError(path, f"There is no FieldLog database at {path}.")


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        with read_only(path) as conn:
            yield conn
    except sqlite3.Error as exc:
        raise translate(path, exc) from exc

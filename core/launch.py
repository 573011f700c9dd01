"""The launch contract (docs/ARCHITECTURE.md): one entry point that the window, the CLI and the
frozen app all call to get a database at the schema this build expects.

- A database already at head opens after a few cheap ``sqlite3`` reads: no Alembic import.
- A new file is created by running every migration.
- A database behind head is backed up, upgraded in one transaction under a file lock, and
  verified; on any failure it is put back exactly as it was and the error names the backup.
- A database from a newer FieldLog opens only if its compatibility marker says this build can
  read it; otherwise nothing is written and the error says why.

This module inspects and opens files, and says what SQLite's errors mean (``translate``). The
upgrade is ``core.launch_upgrade``, run through ``core.guarded_migration``; every way a launch
fails is a class in ``core.launch_errors``, with its words.
"""

import enum
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from core import wal
from core.db import SqliteDatabase, create_sqlite_engine
from core.errors import DatabaseError, FieldLogError
from core.launch_errors import (
    CorruptDatabaseError,
    DatabaseInUseError,
    DatabaseLockedError,
    InsufficientSpaceError,
    NewerDatabaseError,
    NotADatabaseError,
    NotFieldLogError,
    ReadOnlyLocationError,
)
from core.migration_lock import LOCK_TIMEOUT_S, migrating, migration_lock
from core.open_lock import OpenLock
from core.paths import resolve_db_path
from core.progress import Say
from core.schema import (
    APPLICATION_ID,
    HEAD_REVISION,
    HEAD_SCHEMA_VERSION,
    HEAD_TABLES,
    READER_COMPAT,
    SchemaMarker,
)
from core.sqlite_files import has_sqlite_header, read_only

OPEN_GRACE_S = 2.0  # a FieldLog holding the file open may be just closing it
NO_MARKER = SchemaMarker(0, 0)


class FileKind(enum.Enum):
    MISSING = "missing"
    EMPTY = "empty"
    FIELDLOG = "fieldlog"
    UNRECORDED = "unrecorded"  # FieldLog's tables, but its revision record (table or row) gone


class Outcome(enum.Enum):
    OPENED = "opened"
    CREATED = "created"
    UPGRADED = "upgraded"
    OPENED_NEWER = "opened a compatible database from a newer FieldLog"


@dataclass(frozen=True)
class FileState:
    kind: FileKind
    revision: str | None = None
    marker: SchemaMarker = NO_MARKER
    tables: frozenset[str] = frozenset()

    @property
    def missing_tables(self) -> frozenset[str]:
        """The models' tables a file at head lacks (dropped, or stamped without migrating)."""
        return HEAD_TABLES - self.tables if self.revision == HEAD_REVISION else frozenset()


@dataclass(frozen=True)
class LaunchResult:
    database: SqliteDatabase
    outcome: Outcome
    revision: str | None
    previous_revision: str | None = None
    backup: Path | None = None


def open_database(
    path: str | os.PathLike[str] | None = None,
    *,
    progress: Say | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
    script_location: Path | None = None,
    write: bool = True,
    dry_run: bool = False,
) -> LaunchResult:
    """Bring the database at ``path`` (or the per-user default) to head and open it.

    With ``write`` (the window, and commands that change data) the database comes with the
    file's open lock (``core.open_lock``): a file another FieldLog process has open for writing
    is refused, naming that process. Without it the file is only read, through a read-only
    engine (it is still upgraded first if it must be, which needs the lock for that moment).
    ``dry_run`` (with ``write=False``): no lock, but an engine that may write in transactions
    the caller always rolls back, as an import's dry run does. ``lock_timeout``: how long to
    wait for another process migrating the file; ``script_location``: migration scripts other
    than the shipped ones (tests).
    """
    db_path = resolve_db_path(path)
    state = inspect(db_path)
    lock = _open_lock(db_path, state, write, lock_timeout)
    try:
        result = _open_or_upgrade(
            db_path, state, progress, lock_timeout, script_location, write or dry_run
        )
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    if lock is not None and not write:
        lock.release()  # held only to upgrade safely, or to learn that nobody writes
        lock = None
    result.database.open_lock = lock
    return result


def _open_lock(db_path: Path, state: FileState, write: bool, timeout: float) -> OpenLock | None:
    """The open lock, taken; for reading only, None when another process has it and the file
    needs no upgrade (reading beside a writer is what WAL is for). A process that is upgrading
    the file is waited for (up to ``timeout``): it closes the file when it is done."""
    lock = OpenLock(db_path)
    give_up = time.monotonic() + timeout

    def upgrading() -> bool:
        return time.monotonic() < give_up and migrating(db_path)

    try:
        lock.acquire(grace_s=OPEN_GRACE_S, wait_while=upgrading)
    except (DatabaseInUseError, ReadOnlyLocationError):
        if write or _needs_upgrade(state):
            raise
        return None
    return lock


def _needs_upgrade(state: FileState) -> bool:
    if state.kind is not FileKind.FIELDLOG:
        return True
    return state.revision != HEAD_REVISION and state.marker.schema_version <= HEAD_SCHEMA_VERSION


def _open_or_upgrade(
    db_path: Path,
    state: FileState,
    progress: Say | None,
    lock_timeout: float,
    script_location: Path | None,
    write: bool,
) -> LaunchResult:
    _refuse_unusable(db_path, state)
    opened = _open_without_migrating(db_path, state, write)
    if opened is not None:
        return opened
    require_writable_folder(db_path.parent)
    with migration_lock(db_path, progress, lock_timeout):
        state = inspect(db_path)  # another process may have upgraded it while we waited
        opened = _open_without_migrating(db_path, state, write)
        if opened is not None:
            return opened
        from core.launch_upgrade import Upgrade  # here: a file at head never loads Alembic

        return Upgrade(db_path, state, script_location, progress or _quiet).run()


def _refuse_unusable(db_path: Path, state: FileState) -> None:
    """A FieldLog file whose revision record cannot be believed: without one, which migrations
    to run would be guesswork; at head without its tables, every query would fail."""
    if state.kind is FileKind.UNRECORDED:
        raise CorruptDatabaseError.unrecorded(db_path)
    if state.missing_tables:
        raise CorruptDatabaseError.tables_missing(db_path, HEAD_REVISION, state.missing_tables)


def inspect(db_path: Path) -> FileState:
    """What is at ``db_path``, read without writing a byte. Raises for files FieldLog can't use."""
    if not db_path.exists():
        return FileState(FileKind.MISSING)
    if db_path.is_dir():
        raise NotADatabaseError.folder(db_path)
    if not db_path.is_file():
        raise NotADatabaseError.not_a_file(db_path)
    if db_path.stat().st_size == 0:
        return FileState(FileKind.EMPTY)
    if not has_sqlite_header(db_path):
        raise NotADatabaseError.not_sqlite(db_path)
    _refuse_stray_wal(db_path)
    try:
        return _read_state(db_path)
    except sqlite3.Error as exc:
        raise translate(db_path, exc) from exc


def _refuse_stray_wal(db_path: Path) -> None:
    """Before anything reads the file through a WAL no running FieldLog is writing (one left
    by a crash, or from another copy), check that it belongs to the file (``core.wal``)."""
    if not wal.wal_path(db_path).exists():
        return  # the usual case: a file closed cleanly has none, and costs one stat
    with OpenLock(db_path).nobody_writing() as nobody:
        if nobody:
            try:
                wal.refuse_if_stray(db_path)
            except (OSError, sqlite3.Error) as exc:
                raise translate(db_path, exc) from exc


def _read_state(db_path: Path) -> FileState:
    with read_only(db_path) as conn:
        app_id, user_version = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in _HEADER)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id != APPLICATION_ID:
            if tables:
                raise NotFieldLogError.foreign(db_path)
            return FileState(FileKind.EMPTY)
        marker = SchemaMarker.decode(user_version)
        row = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        elif not tables:
            return FileState(FileKind.EMPTY)
    if row is None and tables - {"alembic_version"}:
        return FileState(FileKind.UNRECORDED, None, marker, frozenset(tables))
    return FileState(FileKind.FIELDLOG, row[0] if row else None, marker, frozenset(tables))


_HEADER = ("application_id", "user_version")


def _open_without_migrating(
    db_path: Path, state: FileState, write: bool = True
) -> LaunchResult | None:
    if state.kind is not FileKind.FIELDLOG:
        return None
    if state.revision == HEAD_REVISION:
        return open_file(db_path, Outcome.OPENED, state.revision, write)
    if state.marker.schema_version > HEAD_SCHEMA_VERSION:
        if state.marker.compat > READER_COMPAT:
            raise NewerDatabaseError.unreadable(db_path, state.revision, HEAD_REVISION)
        return open_file(db_path, Outcome.OPENED_NEWER, state.revision, write)
    return None


def open_file(
    db_path: Path, outcome: Outcome, revision: str | None, write: bool = True
) -> LaunchResult:
    """The engine on a file at a revision this build can use; without ``write`` a read-only
    one (``mode=ro``), which works on read-only media and never checkpoints a WAL into it."""
    if write:
        require_writable_file(db_path)
    engine = create_sqlite_engine(db_path, read_only=not write)
    try:
        with engine.connect():
            pass  # applies the pragmas now, so a locked or read-only file fails here
    except Exception as exc:
        engine.dispose()
        raise translate(db_path, exc) from exc
    return LaunchResult(SqliteDatabase(db_path, engine), outcome, revision)


def require_writable_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ReadOnlyLocationError.cannot_write(folder, exc) from exc


def require_writable_file(db_path: Path) -> None:
    require_writable_folder(db_path.parent)  # SQLite writes its -wal and -shm files there
    try:
        with db_path.open("r+b"):
            pass
    except OSError as exc:
        raise ReadOnlyLocationError.cannot_write(db_path, exc) from exc


def translate(db_path: Path, exc: BaseException) -> FieldLogError:
    """A user-facing error for an exception raised by SQLite (raw or wrapped by SQLAlchemy)."""
    if isinstance(exc, FieldLogError):
        return exc
    original = getattr(exc, "orig", None) or exc
    text = str(original).lower()
    if "locked" in text or "busy" in text:
        return DatabaseLockedError.by_another_program(db_path)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return ReadOnlyLocationError.cannot_write(db_path, original)
    if "full" in text or ("disk i/o" in text and _nearly_full(db_path)):
        return InsufficientSpaceError.disk_full(db_path)
    if "disk i/o" in text:
        return DatabaseError(
            db_path,
            f"The disk holding {db_path} could not be read or written ({original}): it may be "
            "full, removed or failing. Free some space, check that it is connected, and try "
            "again; nothing was half-written.",
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return CorruptDatabaseError.damaged(db_path, str(original))
    return DatabaseError(db_path, f"Could not use the database {db_path}: {original}")


def _nearly_full(db_path: Path) -> bool:
    """Whether the disk of ``db_path`` has no room left for SQLite's -wal and -shm files,
    which it reports as a disk I/O error."""
    try:
        return shutil.disk_usage(db_path.parent).free < SHM_BYTES
    except OSError:
        return False


SHM_BYTES = 64 * 1024  # a -shm file is 32 KiB, a WAL frame one page


def _quiet(_message: str) -> None:
    pass

"""The launch contract (docs/ARCHITECTURE.md): one entry point that the window, the CLI and the
frozen app all call to get a database at the schema this build expects.

- A database already at head opens after a few cheap ``sqlite3`` reads: no Alembic import.
- A new file is created by running every migration.
- A database behind head is backed up, upgraded in one transaction under a file lock, and
  verified; on any failure it is put back exactly as it was and the error names the backup.
- A database from a newer FieldLog opens only if its compatibility marker says this build can
  read it; otherwise nothing is written and the error says why.
"""

import contextlib
import enum
import logging
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection

from core import backup as backups
from core import wal
from core.db import Database, create_sqlite_engine
from core.errors import DatabaseError, FieldLogError
from core.files import sha256
from core.launch_errors import (
    CorruptDatabaseError,
    DatabaseInUseError,
    DatabaseLockedError,
    InsufficientSpaceError,
    NewerDatabaseError,
    NotADatabaseError,
    NotFieldLogError,
    ReadOnlyLocationError,
    UnknownRevisionError,
    UpgradeFailedError,
)
from core.open_lock import OpenLock
from core.paths import log_dir, resolve_db_path
from core.schema import (
    APPLICATION_ID,
    HEAD_REVISION,
    HEAD_SCHEMA_VERSION,
    READER_COMPAT,
    SchemaMarker,
)
from core.sqlite_files import (
    has_sqlite_header,
    quick_check,
    read_only,
    sidecars,
)

LOCK_TIMEOUT_S = 300.0
KEEP_UPGRADE_LOGS = 30
OPEN_GRACE_S = 2.0  # a FieldLog holding the file open may be just closing it
NO_MARKER = SchemaMarker(0, 0)
SPACE_MARGIN_BYTES = 16 * 1024 * 1024

Progress = Callable[[str], None]
log = logging.getLogger("fieldlog.launch")


class FileKind(enum.Enum):
    MISSING = "missing"
    EMPTY = "empty"
    FIELDLOG = "fieldlog"


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


@dataclass(frozen=True)
class LaunchResult:
    database: Database
    outcome: Outcome
    revision: str | None
    previous_revision: str | None = None
    backup: Path | None = None


def open_database(
    path: str | os.PathLike[str] | None = None,
    *,
    progress: Progress | None = None,
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
    the caller always rolls back, as an import's dry run does.
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
        return time.monotonic() < give_up and _upgrading(db_path)

    try:
        lock.acquire(grace_s=OPEN_GRACE_S, wait_while=upgrading)
    except (DatabaseInUseError, ReadOnlyLocationError):
        if write or _needs_upgrade(state):
            raise
        return None
    return lock


def _upgrading(db_path: Path) -> bool:
    """Whether another process holds the migration lock now (it will close the file soon)."""
    probe = FileLock(db_path.with_name(db_path.name + ".lock"))
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return True
    except OSError:
        return False
    probe.release()
    return False


def _needs_upgrade(state: FileState) -> bool:
    if state.kind is not FileKind.FIELDLOG:
        return True
    return state.revision != HEAD_REVISION and state.marker.schema_version <= HEAD_SCHEMA_VERSION


def _open_or_upgrade(
    db_path: Path,
    state: FileState,
    progress: Progress | None,
    lock_timeout: float,
    script_location: Path | None,
    write: bool,
) -> LaunchResult:
    opened = _open_without_migrating(db_path, state, write)
    if opened is not None:
        return opened
    _require_writable_folder(db_path.parent)
    with migration_lock(db_path, lock_timeout, progress):
        state = inspect(db_path)  # another process may have upgraded it while we waited
        opened = _open_without_migrating(db_path, state, write)
        if opened is not None:
            return opened
        return _Upgrade(db_path, state, script_location, progress or _quiet).run()


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
        if "alembic_version" not in tables:
            if tables:
                raise CorruptDatabaseError.damaged(db_path, "no schema revision record")
            return FileState(FileKind.EMPTY)
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    revision = row[0] if row else None
    return FileState(FileKind.FIELDLOG, revision, SchemaMarker.decode(user_version))


_HEADER = ("application_id", "user_version")


def _open_without_migrating(
    db_path: Path, state: FileState, write: bool = True
) -> LaunchResult | None:
    if state.kind is not FileKind.FIELDLOG:
        return None
    if state.revision == HEAD_REVISION:
        return _open(db_path, Outcome.OPENED, state.revision, write)
    if state.marker.schema_version > HEAD_SCHEMA_VERSION:
        if state.marker.compat > READER_COMPAT:
            raise NewerDatabaseError.unreadable(db_path, state.revision, HEAD_REVISION)
        return _open(db_path, Outcome.OPENED_NEWER, state.revision, write)
    return None


def _open(
    db_path: Path, outcome: Outcome, revision: str | None, write: bool = True
) -> LaunchResult:
    """The engine on an opened file; without ``write`` a read-only one (``mode=ro``), which
    works on read-only media and never checkpoints a WAL into the file."""
    if write:
        _require_writable_file(db_path)
    engine = create_sqlite_engine(db_path, read_only=not write)
    try:
        with engine.connect():
            pass  # applies the pragmas now, so a locked or read-only file fails here
    except Exception as exc:
        engine.dispose()
        raise translate(db_path, exc) from exc
    return LaunchResult(Database(db_path, engine), outcome, revision)


@contextlib.contextmanager
def migration_lock(db_path: Path, timeout: float, progress: Progress | None) -> Iterator[None]:
    """Only one process migrates a file; the others wait here, then find it at head."""
    lock = FileLock(db_path.with_name(db_path.name + ".lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if progress:
            progress("Waiting for another FieldLog to finish with this database…")
        try:
            lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise DatabaseLockedError.migration_timed_out(db_path, timeout) from exc
    try:
        yield
    finally:
        lock.release()


class _Upgrade:
    """One upgrade attempt, with its own log file for support staff."""

    def __init__(
        self, db_path: Path, state: FileState, script_location: Path | None, progress: Progress
    ) -> None:
        self.db_path = db_path
        self.state = state
        self.script_location = script_location
        self.progress = progress
        self.backup: Path | None = None
        self.attempt: _AttemptLog

    def run(self) -> LaunchResult:
        with _attempt_log(self.db_path) as attempt:
            self.attempt = attempt
            try:
                return self._run()
            except FieldLogError as exc:
                attempt.error("%s", exc)
                raise
            except Exception:
                attempt.exception("unexpected failure")
                raise

    def _run(self) -> LaunchResult:
        from core import migrate

        self._step("Reading the migration scripts")
        script = migrate.script_directory(self.script_location)
        head = script.get_current_head()
        if self.state.revision is not None and self.state.revision not in _revisions(script):
            raise UnknownRevisionError.unheard_of(self.db_path, self.state.revision)
        if self.state.kind is FileKind.FIELDLOG:
            self._prepare_existing()
        before = sha256(self.db_path) if self.db_path.exists() else None
        try:
            self._migrate_and_verify(head)
        except Exception as exc:
            self._put_back(before)
            raise self._failure(exc) from exc
        if self.backup is not None:
            backups.rotate(self.db_path, protect=self.backup)
        return self._result(head)

    def _step(self, message: str) -> None:
        self.attempt.info("%s", message)
        self.progress(message)

    def _prepare_existing(self) -> None:
        _require_writable_file(self.db_path)
        _require_space(self.db_path)
        self._step("Checking the database")
        _check_and_checkpoint(self.db_path)
        self._step("Backing up the database")
        self.backup = backups.make_backup(self.db_path, "pre-upgrade")
        self.attempt.info("backup written to %s", self.backup)

    def _migrate_and_verify(self, head: str | None) -> None:
        """Verify inside the migration's transaction, so a failed check rolls everything back;
        after COMMIT, check the file once more (a failure there restores the backup)."""
        from core import migrate

        self._step(f"Upgrading the database from {self.state.revision or 'nothing'} to {head}")
        engine = create_sqlite_engine(self.db_path)
        try:
            with engine.connect() as conn:
                migrate.upgrade(conn, "head", self.script_location, verify=self._verifier(head))
            self._step("Checking the upgraded file")
            with engine.connect() as conn:
                _verify_committed(conn, head)
        finally:
            engine.dispose()

    def _verifier(self, head: str | None) -> Callable[[Connection], None]:
        def verify(conn: Connection) -> None:
            self._step("Verifying the upgraded database")
            _verify(conn, head)

        return verify

    def _put_back(self, before: str | None) -> None:
        """Leave the file as it was: untouched if the rollback did it, else from the backup."""
        if before is None:
            _remove_with_sidecars(self.db_path)
        elif self.state.kind is FileKind.EMPTY:
            _remove_with_sidecars(self.db_path)
            self.db_path.touch()
        elif sha256(self.db_path) != before and self.backup is not None:
            backups.replace_with(self.db_path, self.backup)

    def _failure(self, exc: Exception) -> FieldLogError:
        if isinstance(exc, FieldLogError) and not isinstance(exc, _VerificationError):
            return exc
        return UpgradeFailedError.upgrading(self.db_path, exc, self.backup, self.attempt.path)

    def _result(self, head: str | None) -> LaunchResult:
        outcome = Outcome.CREATED if self.state.kind is not FileKind.FIELDLOG else Outcome.UPGRADED
        self._step(f"Database at {head}: {outcome.value}")
        opened = _open(self.db_path, outcome, head)
        return LaunchResult(opened.database, outcome, head, self.state.revision, self.backup)


class _VerificationError(Exception):
    pass


def _verify(conn: Connection, head: str | None) -> None:
    """Before COMMIT: head revision, named objects, no drift. (The migration transaction has
    checked the foreign keys of every table the migration touched; SQLite's quick_check, O(file),
    runs once before the upgrade and once after COMMIT, not here too.)"""
    from core import migrate

    problems = _revision_problems(conn, head)
    problems += migrate.schema_object_problems(conn)
    problems += [f"schema differs from the models: {d}" for d in migrate.schema_drift(conn)]
    if problems:
        raise _VerificationError("; ".join(str(p) for p in problems[:5]))


def _verify_committed(conn: Connection, head: str | None) -> None:
    """After COMMIT, read back from the file: the revision and SQLite's quick_check."""
    problems = _revision_problems(conn, head)
    if not problems:
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        problems = quick_check(driver)
    if problems:
        raise _VerificationError("; ".join(problems[:5]))


def _revision_problems(conn: Connection, head: str | None) -> list[str]:
    from core import migrate

    revision = migrate.current_revision(conn)
    return [] if revision == head else [f"the revision is {revision}, expected {head}"]


def _revisions(script: object) -> set[str]:
    from alembic.script import ScriptDirectory

    assert isinstance(script, ScriptDirectory)
    return {rev.revision for rev in script.walk_revisions()}


def _check_and_checkpoint(db_path: Path) -> None:
    """Refuse a damaged file before touching it; fold the WAL into the file so it can be hashed."""
    conn = sqlite3.connect(db_path, timeout=5)
    try:
        problems = quick_check(conn)
        if problems:
            raise CorruptDatabaseError.damaged(db_path, problems[0])
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        raise translate(db_path, exc) from exc
    finally:
        conn.close()


def _remove_with_sidecars(db_path: Path) -> None:
    for path in [db_path, *sidecars(db_path)]:
        path.unlink(missing_ok=True)


def _require_writable_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ReadOnlyLocationError.cannot_write(folder, exc) from exc


def _require_writable_file(db_path: Path) -> None:
    _require_writable_folder(db_path.parent)  # SQLite writes its -wal and -shm files there
    try:
        with db_path.open("r+b"):
            pass
    except OSError as exc:
        raise ReadOnlyLocationError.cannot_write(db_path, exc) from exc


def _require_space(db_path: Path) -> None:
    """Room for a backup and for one copy of the largest table: twice the file, and a margin."""
    size = db_path.stat().st_size
    needed = 2 * size + SPACE_MARGIN_BYTES
    free = shutil.disk_usage(db_path.parent).free
    if free < needed:
        raise InsufficientSpaceError.to_migrate(db_path, "upgrade", needed, free)


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


@dataclass
class _AttemptLog:
    logger: logging.Logger
    path: Path | None

    def info(self, message: str, *args: object) -> None:
        self.logger.info(message, *args)

    def error(self, message: str, *args: object) -> None:
        self.logger.error(message, *args)

    def exception(self, message: str) -> None:
        self.logger.exception(message)


def prune_upgrade_logs(folder: Path, keep: int = KEEP_UPGRADE_LOGS) -> list[Path]:
    """Delete all but the newest ``keep`` per-attempt logs (their names sort by time): a new
    database is made by an upgrade from nothing too, so they pile up (273 in an afternoon)."""
    logs = sorted(folder.glob("upgrade-*.log"), reverse=True)
    doomed = logs[max(0, keep - 1) :]  # room for the one about to be written
    for path in doomed:
        with contextlib.suppress(OSError):
            path.unlink()
    return doomed


@contextlib.contextmanager
def _attempt_log(db_path: Path) -> Iterator[_AttemptLog]:
    """A log file per upgrade attempt in the per-user log folder, with Alembic's own lines."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path: Path | None = log_dir() / f"upgrade-{stamp}.log"
    handler: logging.Handler
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        prune_upgrade_logs(path.parent)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        path, handler = None, logging.NullHandler()  # a missing log must not stop the upgrade
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    watched = [logging.getLogger("fieldlog.upgrade"), logging.getLogger("alembic")]
    levels = [logger.level for logger in watched]
    for logger in watched:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    attempt = _AttemptLog(watched[0], path)
    attempt.info("upgrade attempt on %s", db_path)
    try:
        yield attempt
    finally:
        for logger, level in zip(watched, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
        handler.close()

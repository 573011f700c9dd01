"""One guarded migration of a database file, in either direction: the upgrade at launch
(``core.launch_upgrade``) and ``fieldlog db downgrade`` (``core.maintenance``) both run Alembic
through ``GuardedMigration``, under the same rules:

- the caller holds the file's migration lock (``core.migration_lock``): one process migrates
  a file at a time, and every other waits for it up to the same ``LOCK_TIMEOUT_S``;
- an existing file is checked before anything changes it: it can be written, its disk has room
  for a backup and a working copy, SQLite's quick_check finds it sound, and its WAL is folded
  into it (so that its bytes say afterwards whether the migration changed it); then it is
  backed up, and the backup verified (``core.backup``);
- the revisions run in one transaction (``core.migrate``), checked before COMMIT by the caller
  and after COMMIT here: the revision read back from the file, and quick_check once more;
- on any failure the file is put back: left alone when the rollback already left it byte for
  byte as it was, else replaced by the backup; a file that had nothing to back up (none yet,
  or one without tables) goes back to none, or to empty. The caller's error names the backup.
"""

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection

from core import backup as backups
from core.db import create_sqlite_engine
from core.errors import FieldLogError
from core.files import sha256
from core.launch import require_writable_file, translate
from core.launch_errors import CorruptDatabaseError, InsufficientSpaceError
from core.progress import Say
from core.sqlite_files import quick_check, sidecars

SPACE_MARGIN_BYTES = 16 * 1024 * 1024

Verb = Literal["upgrade", "downgrade"]
CommittedCheck = Callable[[Connection, str | None], None]


class VerificationError(Exception):
    """A migrated file failed a check: the migration is undone."""


class GuardedMigration:
    """One migration of ``db_path`` (``verb``: "upgrade" or "downgrade", as in the backup's
    name and the messages), run under the module's rules by a caller holding the migration
    lock: ``back_up()`` for a file that holds data, then ``run()``.

    ``check_committed`` reads the committed file back; the default checks its revision and
    runs quick_check (a test passes one that finds damage, to see the backup put back).
    """

    def __init__(
        self,
        db_path: Path,
        verb: Verb,
        step: Say | None = None,
        *,
        check_committed: CommittedCheck | None = None,
    ) -> None:
        self.db_path = db_path
        self.verb = verb
        self.step: Say = step or (lambda _message: None)
        self.check_committed = check_committed or verify_committed
        self.backup: Path | None = None

    def back_up(self) -> Path:
        """Check the file before anything changes it, then back it up; returns the backup."""
        require_writable_file(self.db_path)
        _require_space(self.db_path, self.verb)
        self.step("Checking the database")
        _check_and_checkpoint(self.db_path)
        self.step("Backing up the database")
        self.backup = backups.make_backup(self.db_path, f"pre-{self.verb}")
        return self.backup

    def run(
        self,
        migrate: Callable[[Connection], None],
        expected: str | None,
        failure: Callable[[Exception], FieldLogError],
    ) -> None:
        """``migrate`` (one transaction, on a connection of its own), then the committed file
        checked to be at ``expected``; on any failure the file is put back and
        ``failure(exc)`` is raised."""
        before = sha256(self.db_path) if self.db_path.exists() else None
        try:
            self._migrate_and_check(migrate, expected)
        except Exception as exc:
            self._put_back(before)
            raise failure(exc) from exc

    def _migrate_and_check(
        self, migrate: Callable[[Connection], None], expected: str | None
    ) -> None:
        engine = create_sqlite_engine(self.db_path)
        try:
            with engine.connect() as conn:
                migrate(conn)
            self.step(f"Checking the {self.verb}d file")
            with engine.connect() as conn:
                self.check_committed(conn, expected)
        finally:
            engine.dispose()

    def _put_back(self, before: str | None) -> None:
        """Leave the file as it was: untouched if the rollback did it, else from the backup."""
        if before is None:
            _remove_with_sidecars(self.db_path)
        elif self.backup is None:  # no data to back up: it was empty, or had no tables
            _remove_with_sidecars(self.db_path)
            self.db_path.touch()
        elif sha256(self.db_path) != before:
            backups.replace_with(self.db_path, self.backup)


def verify_committed(conn: Connection, expected: str | None) -> None:
    """After COMMIT, read back from the file: the revision and SQLite's quick_check."""
    problems = revision_problems(conn, expected)
    if not problems:
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        problems = quick_check(driver)
    if problems:
        raise VerificationError("; ".join(problems[:5]))


def revision_problems(conn: Connection, expected: str | None) -> list[str]:
    from core import migrate

    revision = migrate.current_revision(conn)
    return [] if revision == expected else [f"the revision is {revision}, expected {expected}"]


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


def _require_space(db_path: Path, verb: str) -> None:
    """Room for a backup and for one copy of the largest table: twice the file, and a margin."""
    size = db_path.stat().st_size
    needed = 2 * size + SPACE_MARGIN_BYTES
    free = shutil.disk_usage(db_path.parent).free
    if free < needed:
        raise InsufficientSpaceError.to_migrate(db_path, verb, needed, free)


def _remove_with_sidecars(db_path: Path) -> None:
    for path in [db_path, *sidecars(db_path)]:
        path.unlink(missing_ok=True)

"""The upgrade at launch: a file behind head, or a new one, brought to head through
``core.guarded_migration`` (lock, backup, one transaction, checks, put back on failure),
verified against the models before COMMIT, with a log of the attempt for support staff
(``core.upgrade_log``).

``core.launch`` imports this module only for a file that needs it: a file at head never loads
it, nor Alembic and the models behind it.
"""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection

from core import backup as backups
from core import migrate
from core.errors import FieldLogError
from core.guarded_migration import GuardedMigration, VerificationError, revision_problems
from core.launch import FileKind, FileState, LaunchResult, Outcome, open_file
from core.launch_errors import UnknownRevisionError, UpgradeFailedError
from core.progress import Say
from core.upgrade_log import AttemptLog, attempt_log


class Upgrade:
    """One upgrade attempt on a file the caller holds the migration lock of."""

    def __init__(
        self, db_path: Path, state: FileState, script_location: Path | None, progress: Say
    ) -> None:
        self.db_path = db_path
        self.state = state
        self.script_location = script_location
        self.progress = progress
        self.guard = GuardedMigration(db_path, "upgrade", self._step)
        self.attempt: AttemptLog

    def run(self) -> LaunchResult:
        with attempt_log(self.db_path) as attempt:
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
        self._step("Reading the migration scripts")
        head = migrate.script_directory(self.script_location).get_current_head()
        revision = self.state.revision
        if revision is not None and revision not in migrate.known_revisions(self.script_location):
            raise UnknownRevisionError.unheard_of(self.db_path, revision)
        if self.state.kind is FileKind.FIELDLOG:
            self.attempt.info("backup written to %s", self.guard.back_up())
        self._step(f"Upgrading the database from {revision or 'nothing'} to {head}")
        self.guard.run(self._migration(head), head, self._failure)
        if self.guard.backup is not None:
            backups.rotate(self.db_path, protect=self.guard.backup)
        return self._result(head)

    def _step(self, message: str) -> None:
        self.attempt.info("%s", message)
        self.progress(message)

    def _migration(self, head: str | None) -> Callable[[Connection], None]:
        """Every pending revision in one transaction, verified before its COMMIT, so that a
        failed check rolls everything back."""

        def verify(conn: Connection) -> None:
            self._step("Verifying the upgraded database")
            verify_against_models(conn, head)

        def upgrade(conn: Connection) -> None:
            migrate.upgrade(conn, "head", self.script_location, verify=verify)

        return upgrade

    def _failure(self, exc: Exception) -> FieldLogError:
        if isinstance(exc, FieldLogError):
            return exc  # already says what happened and what to do
        return UpgradeFailedError.upgrading(self.db_path, exc, self.guard.backup, self.attempt.path)

    def _result(self, head: str | None) -> LaunchResult:
        outcome = Outcome.CREATED if self.state.kind is not FileKind.FIELDLOG else Outcome.UPGRADED
        self._step(f"Database at {head}: {outcome.value}")
        opened = open_file(self.db_path, outcome, head)
        return LaunchResult(opened.database, outcome, head, self.state.revision, self.guard.backup)


def verify_against_models(conn: Connection, head: str | None) -> None:
    """Before COMMIT: head revision, named objects, no drift. (The migration transaction has
    checked the foreign keys of every table the migration touched; SQLite's quick_check, O(file),
    runs once before the upgrade and once after COMMIT, not here too.)"""
    problems = revision_problems(conn, head)
    problems += migrate.schema_object_problems(conn)
    problems += [f"schema differs from the models: {d}" for d in migrate.schema_drift(conn)]
    if problems:
        raise VerificationError("; ".join(str(p) for p in problems[:5]))

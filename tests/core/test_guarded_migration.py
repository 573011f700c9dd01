"""The one runner both migration directions use: what it puts back, and when."""

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Connection

from core import migrate
from core.files import sha256
from core.guarded_migration import GuardedMigration, Verb, VerificationError
from core.launch import open_database
from core.launch_errors import UpgradeFailedError
from core.migration_lock import migration_lock
from core.schema import HEAD_REVISION
from core.sqlite_files import sidecars
from tests.core.launch_support import behind_head, rows


def revision_of(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def damaged(_conn: Connection, _expected: str | None) -> None:
    raise VerificationError("simulated damage found after COMMIT")


def failed(path: Path, guard: GuardedMigration) -> Callable[[Exception], UpgradeFailedError]:
    return lambda exc: UpgradeFailedError(
        path, f"failed: {exc}; backup {guard.backup}", guard.backup
    )


@pytest.mark.parametrize(
    ("verb", "start", "target"),
    [("upgrade", "0003", HEAD_REVISION), ("downgrade", HEAD_REVISION, "0003")],
)
def test_a_file_failing_its_check_after_commit_is_restored_from_the_backup(
    tmp_path: Path, verb: Verb, start: str, target: str
) -> None:
    path = behind_head(tmp_path / "site.db", "0003")
    if start == HEAD_REVISION:
        open_database(path).database.close()
    devices_before, readings_before = rows(path, "devices"), rows(path, "readings")
    guard = GuardedMigration(path, verb, check_committed=damaged)
    command = migrate.upgrade if verb == "upgrade" else migrate.downgrade
    with migration_lock(path):
        backup = guard.back_up()
        assert f"-r{start}-pre-{verb}" in backup.name
        with pytest.raises(UpgradeFailedError, match="after COMMIT") as caught:
            guard.run(lambda conn: command(conn, target), target, failed(path, guard))
    assert caught.value.backup == backup and str(backup) in str(caught.value)
    assert revision_of(path) == start and sha256(path) == sha256(backup)
    assert rows(path, "devices") == devices_before and rows(path, "readings") == readings_before
    locks = {"site.db.lock", "site.db.open.lock"}
    assert {p.name for p in tmp_path.glob("site.db*")} - locks == {"site.db"}  # no -wal, -shm


def test_a_failure_the_rollback_undid_leaves_the_very_same_file(tmp_path: Path) -> None:
    """Not replaced by the backup: the same file (inode), byte for byte."""
    path = behind_head(tmp_path / "old.db", "0003")
    guard = GuardedMigration(path, "upgrade")

    def half_then_fail(conn: Connection) -> None:
        with migrate.migration_transaction(conn):
            conn.exec_driver_sql("DELETE FROM readings")
            raise RuntimeError("simulated failure half-way")

    with migration_lock(path):
        guard.back_up()
        before, inode = sha256(path), path.stat().st_ino
        with pytest.raises(UpgradeFailedError, match="half-way"):
            guard.run(half_then_fail, HEAD_REVISION, failed(path, guard))
    assert sha256(path) == before and path.stat().st_ino == inode


def test_a_file_without_data_goes_back_to_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    guard = GuardedMigration(path, "upgrade")  # nothing to back up

    def create_then_fail(conn: Connection) -> None:
        migrate.upgrade(conn, "head")
        raise RuntimeError("simulated failure after the tables")

    with pytest.raises(UpgradeFailedError):
        guard.run(create_then_fail, HEAD_REVISION, failed(path, guard))
    assert path.stat().st_size == 0 and not any(p.exists() for p in sidecars(path))

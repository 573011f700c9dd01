"""Backups: complete (WAL rows included), verified, named, rotated, restorable."""

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from core import backup as backups
from core.launch import LaunchResult
from core.launch_errors import BackupError, CorruptDatabaseError, NotADatabaseError
from core.paths import backups_dir
from core.schema import HEAD_REVISION
from tests.core.launch_support import rows


def add_devices(path: Path, count: int) -> sqlite3.Connection:
    """Commit ``count`` devices through a WAL connection that stays open (no checkpoint)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.executemany(
        "INSERT INTO devices (uid, name, status, created_at, updated_at) "
        "VALUES (randomblob(16), ?, 'active', 0, 0)",
        [(f"Gauge {n}",) for n in range(count)],
    )
    conn.commit()
    return conn


def test_a_backup_holds_rows_still_in_the_wal(launched: LaunchResult) -> None:
    path = launched.database.path
    with closing(add_devices(path, 25)):
        assert Path(f"{path}-wal").stat().st_size > 0
        copy = backups.make_backup(path, "manual")
    assert len(rows(copy, "devices")) == 25
    assert not Path(f"{copy}-wal").exists()  # a backup is one self-contained file


def test_a_backup_is_named_with_time_revision_and_reason(launched: LaunchResult) -> None:
    path = launched.database.path
    copy = backups.make_backup(path, "manual")
    assert copy.parent == backups_dir(path)
    (info,) = backups.list_backups(path)
    assert (info.path, info.revision, info.reason) == (copy, HEAD_REVISION, "manual")
    assert info.created.tzinfo is not None and info.size == copy.stat().st_size


def make(path: Path, reason: str, count: int) -> list[Path]:
    made = []
    for _ in range(count):
        made.append(backups.make_backup(path, reason))
        time.sleep(0.002)
    return made


def test_rotation_keeps_the_newest_automatic_backups_and_every_manual_one(
    launched: LaunchResult,
) -> None:
    path = launched.database.path
    manual = make(path, "manual", 2)
    automatic = make(path, "pre-upgrade", 5)
    deleted = backups.rotate(path, keep=3)
    assert sorted(deleted) == sorted(automatic[:2])
    remaining = {info.path for info in backups.list_backups(path)}
    assert remaining == set(manual) | set(automatic[2:])


def test_rotation_never_deletes_the_protected_backup(launched: LaunchResult) -> None:
    path = launched.database.path
    automatic = make(path, "pre-upgrade", 3)
    backups.rotate(path, keep=1, protect=automatic[0])
    assert automatic[0].exists() and automatic[2].exists() and not automatic[1].exists()


def test_backups_of_other_files_in_the_folder_are_not_listed(launched: LaunchResult) -> None:
    path = launched.database.path
    stranger = backups_dir(path) / "other-20260101T000000000000Z-r0004-pre-upgrade.db"
    stranger.parent.mkdir(parents=True, exist_ok=True)
    stranger.write_bytes(b"")
    assert backups.list_backups(path) == []


def test_replace_with_puts_the_backup_in_place_and_moves_stale_sidecars(
    launched: LaunchResult,
) -> None:
    path = launched.database.path
    copy = backups.make_backup(path, "manual")
    launched.database.close()
    with closing(add_devices(path, 3)):
        pass
    Path(f"{path}-wal").write_bytes(b"stale")
    backups.replace_with(path, copy)
    assert rows(path, "devices") == []
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(path.name)]
    assert sorted(leftovers) == [path.name, f"{path.name}.lock", f"{path.name}.open.lock"]


def test_check_backup_file_refuses_junk_and_damage(tmp_path: Path, launched: LaunchResult) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database")
    with pytest.raises(NotADatabaseError):
        backups.check_backup_file(junk)
    copy = backups.make_backup(launched.database.path, "manual")
    data = bytearray(copy.read_bytes())
    data[2 * 4096 : 4 * 4096] = b"\x5a" * (2 * 4096)
    copy.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        backups.check_backup_file(copy)


def test_a_revision_written_in_the_file_never_leads_out_of_the_backups_folder(
    launched: LaunchResult, tmp_path: Path
) -> None:
    path = launched.database.path
    launched.database.close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0006/../../../outside'")
        conn.commit()
    made = backups.make_backup(path, "manual")
    assert made.parent == backups_dir(path)
    assert "-runknown-manual.db" in made.name
    assert [info.revision for info in backups.list_backups(path)] == ["unknown"]
    assert not list(tmp_path.rglob("outside*"))


def test_orphans_of_killed_backups_are_removed_and_fresh_ones_kept(
    launched: LaunchResult,
) -> None:
    path = launched.database.path
    folder = backups_dir(path)
    folder.mkdir(exist_ok=True)
    old = [folder / "fieldlog-20261130T100000000000Z-r0007-manual.db.partial",
           folder / "fieldlog-20261130T100000000000Z-r0007-manual.db.partial-journal"]  # fmt: skip
    fresh = folder / "fieldlog-20261201T100000000000Z-r0007-manual.db.partial"
    for leftover in (*old, fresh):
        leftover.write_bytes(b"x" * 4096)
    an_hour_ago = time.time() - 3600
    for leftover in old:
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    made = backups.make_backup(path, "manual")
    assert made.is_file() and not any(p.exists() for p in old)
    assert fresh.exists()  # perhaps another process's backup still being written


def test_a_failed_backup_leaves_no_partial_and_no_journal(
    launched: LaunchResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up in the middle of the copy: SQLite has the copy and its rollback
    journal open, and both go."""
    path = launched.database.path

    def disk_full(source: sqlite3.Connection, target: Path) -> None:
        target.write_bytes(b"half a database")
        target.with_name(target.name + "-journal").write_bytes(b"its journal")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backups, "_copy", disk_full)
    with pytest.raises(BackupError, match="disk is full"):
        backups.make_backup(path, "manual")
    assert list(backups_dir(path).iterdir()) == []

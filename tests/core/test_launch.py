"""The launch contract (docs/ARCHITECTURE.md), one real file per situation it names."""

import os
import shutil
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from filelock import FileLock

from core import backup as backups
from core import launch
from core.files import sha256
from core.launch import Outcome, open_database
from core.launch_errors import (
    BackupError,
    CorruptDatabaseError,
    DatabaseLockedError,
    InsufficientSpaceError,
    NewerDatabaseError,
    NotADatabaseError,
    NotFieldLogError,
    UnknownRevisionError,
    UpgradeFailedError,
)
from core.paths import backups_dir
from core.schema import APPLICATION_ID, HEAD_MARKER, HEAD_REVISION, SchemaMarker
from tests.core.launch_support import (
    EXTRA_REVISION,
    behind_head,
    execute,
    finish,
    launch_in_process,
    rows,
    scripts_with_extra_revision,
    stamp,
)


def open_and_close(path: Path, **options: object) -> launch.LaunchResult:
    result = open_database(path, **options)  # type: ignore[arg-type]
    result.database.close()
    return result


def header(path: Path) -> tuple[int, int, str]:
    with sqlite3.connect(path) as conn:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        marker = conn.execute("PRAGMA user_version").fetchone()[0]
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    conn.close()
    return app_id, marker, revision


# --- new, empty and current files -------------------------------------------------------------


def test_a_missing_file_is_created_by_migrating_in_new_folders(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "fieldlog.db"
    result = open_and_close(path)
    assert result.outcome is Outcome.CREATED and result.backup is None
    assert header(path) == (APPLICATION_ID, HEAD_MARKER.encode(), HEAD_REVISION)


def test_an_empty_file_is_created_in_place(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    assert open_and_close(path).outcome is Outcome.CREATED
    assert header(path)[2] == HEAD_REVISION


def test_the_environment_variable_chooses_the_default_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDLOG_DB", str(tmp_path / "from-env.db"))
    result = open_and_close(None)  # type: ignore[arg-type]
    assert result.database.path == tmp_path / "from-env.db"


def test_a_database_at_head_opens_without_importing_alembic(tmp_path: Path) -> None:
    path = tmp_path / "current.db"
    open_and_close(path)
    before = sha256(path)
    code, lines = finish(launch_in_process(path))
    assert code == 0 and lines[0] == "OPENED", lines
    assert lines[2] == "False", "the fast path imported Alembic"
    assert not backups_dir(path).exists()
    assert header(path)[2] == HEAD_REVISION and sha256(path) == before


# --- behind head -------------------------------------------------------------------------------


def test_a_database_behind_head_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    path = behind_head(tmp_path / "old.db", "0003")
    devices_before = len(rows(path, "devices"))
    result = open_and_close(path)
    assert (result.outcome, result.previous_revision) == (Outcome.UPGRADED, "0003")
    assert result.backup is not None and result.backup.parent == backups_dir(path)
    assert "-r0003-pre-upgrade" in result.backup.name
    assert header(result.backup)[2] == "0003" and header(path)[2] == HEAD_REVISION
    assert len(rows(path, "devices")) == devices_before


def test_progress_reports_each_step(tmp_path: Path) -> None:
    steps: list[str] = []
    open_and_close(behind_head(tmp_path / "old.db"), progress=steps.append)
    assert any("Backing up" in s for s in steps) and any("Verifying" in s for s in steps)


def test_each_attempt_writes_an_upgrade_log(tmp_path: Path) -> None:
    open_and_close(behind_head(tmp_path / "old.db"))
    (log,) = (tmp_path / "logs").glob("upgrade-*.log")
    text = log.read_text(encoding="utf-8")
    assert "backup written to" in text and "Running upgrade 0003 -> 0004" in text


def test_a_failing_migration_leaves_the_file_exactly_as_it_was(tmp_path: Path) -> None:
    path = behind_head(tmp_path / "old.db", "0003")
    before = sha256(path)
    scripts = scripts_with_extra_revision(
        tmp_path,
        """
        op.add_column("devices", sa.Column("half_done", sa.Integer()))
        raise RuntimeError("simulated failure in the extra revision")
        """,
    )
    with pytest.raises(UpgradeFailedError) as caught:
        open_database(path, script_location=scripts)
    message = str(caught.value)
    assert "simulated failure in the extra revision" in message
    assert caught.value.backup is not None and str(caught.value.backup) in message
    assert sha256(path) == before
    assert caught.value.backup.is_file()
    (log,) = (tmp_path / "logs").glob("upgrade-*.log")
    assert str(log) in message and "simulated failure" in log.read_text(encoding="utf-8")


def test_a_failed_verification_rolls_back_leaving_the_file_exactly(tmp_path: Path) -> None:
    """The extra revision adds a column the models do not know: verification must catch it."""
    path = behind_head(tmp_path / "old.db", "0003")
    before = sha256(path)
    scripts = scripts_with_extra_revision(
        tmp_path, 'op.add_column("devices", sa.Column("stray", sa.Integer()))'
    )
    with pytest.raises(UpgradeFailedError, match="stray") as caught:
        open_database(path, script_location=scripts)
    assert sha256(path) == before
    assert caught.value.backup is not None and caught.value.backup.is_file()


def test_a_failed_upgrade_of_a_new_file_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    scripts = scripts_with_extra_revision(tmp_path, 'raise RuntimeError("boom")')
    with pytest.raises(UpgradeFailedError, match="boom"):
        open_database(path, script_location=scripts)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "logs", "migrations", "new.db.lock", "new.db.open.lock"
    ]  # fmt: skip


# --- files FieldLog must refuse, untouched -------------------------------------------------------


def test_a_database_from_a_newer_incompatible_fieldlog_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    open_and_close(path)
    stamp(path, EXTRA_REVISION, SchemaMarker(int(EXTRA_REVISION), HEAD_MARKER.compat + 1))
    before = sha256(path)
    with pytest.raises(NewerDatabaseError, match=EXTRA_REVISION) as caught:
        open_database(path)
    assert "newer version of FieldLog" in str(caught.value) and str(path) in str(caught.value)
    assert sha256(path) == before and not backups_dir(path).exists()


def test_a_database_from_a_newer_compatible_fieldlog_opens(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    open_and_close(path)
    stamp(path, EXTRA_REVISION, SchemaMarker(int(EXTRA_REVISION), HEAD_MARKER.compat))
    result = open_and_close(path)
    assert (result.outcome, result.revision) == (Outcome.OPENED_NEWER, EXTRA_REVISION)
    assert header(path)[2] == EXTRA_REVISION


def test_an_unknown_revision_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "unknown.db"
    open_and_close(path)
    stamp(path, "b1a2c3", SchemaMarker(3, 1))
    before = sha256(path)
    with pytest.raises(UnknownRevisionError, match="b1a2c3"):
        open_database(path)
    assert sha256(path) == before and not backups_dir(path).exists()


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list\n", encoding="utf-8")
    with pytest.raises(NotADatabaseError, match="not an SQLite file"):
        open_database(path)
    assert path.read_text(encoding="utf-8") == "shopping list\n"


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    execute(path, "CREATE TABLE contacts (name TEXT)")
    before = sha256(path)
    with pytest.raises(NotFieldLogError, match="another program"):
        open_database(path)
    assert sha256(path) == before


def test_a_corrupt_database_is_refused_before_any_change(tmp_path: Path) -> None:
    path = behind_head(tmp_path / "old.db")
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page : 5 * page] = b"\xa5" * (2 * page)  # smash two b-tree pages, keep the header
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError) as caught:
        open_database(path)
    assert str(path) in str(caught.value) and "backup" in str(caught.value)
    assert path.read_bytes() == bytes(data) and not backups_dir(path).exists()


def test_tables_without_a_revision_record_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "half.db"
    execute(path, f"PRAGMA application_id = {APPLICATION_ID}", "CREATE TABLE devices (id INT)")
    with pytest.raises(CorruptDatabaseError, match="no schema revision record"):
        open_database(path)


def test_a_file_whose_revision_row_was_deleted_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = behind_head(tmp_path / "old.db", "0004")
    execute(path, "DELETE FROM alembic_version")
    before = sha256(path)
    with pytest.raises(CorruptDatabaseError, match="no schema revision record") as caught:
        open_database(path)
    assert "fieldlog db status" in str(caught.value) and "fieldlog db stamp" in str(caught.value)
    assert sha256(path) == before and not backups_dir(path).exists()


def test_a_file_at_head_without_its_tables_is_refused_with_what_to_do(launched) -> None:
    """Opened as it was, every query would fail with 'no such table: devices'."""
    path = launched.database.path
    launched.database.close()
    execute(path, "DROP TABLE readings", "DROP TABLE devices")
    with pytest.raises(CorruptDatabaseError, match="has no table devices, readings") as caught:
        open_database(path)
    assert "Restore the newest backup" in str(caught.value)


def test_a_folder_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder.db").mkdir()
    with pytest.raises(NotADatabaseError, match="is a folder"):
        open_database(tmp_path / "folder.db")


# --- the machine gets in the way ---------------------------------------------------------------


@pytest.mark.slow
def test_a_read_only_folder_is_reported_and_nothing_changes(tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    path = behind_head(folder / "old.db")
    before = sha256(path)
    folder.chmod(0o555)
    try:
        code, lines = finish(launch_in_process(path, drop_root_powers=True))
    finally:
        folder.chmod(0o755)
    assert code == 1 and lines[0] == "ReadOnlyLocationError", lines
    assert "cannot write" in lines[1] and str(folder) in lines[1]
    assert sha256(path) == before and sorted(p.name for p in folder.iterdir()) == ["old.db"]


def test_not_enough_space_stops_before_the_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = behind_head(tmp_path / "old.db")
    before = sha256(path)

    class Usage:
        free = 1024

    monkeypatch.setattr(shutil, "disk_usage", lambda _folder: Usage)
    with pytest.raises(InsufficientSpaceError, match="free"):
        open_database(path)
    assert sha256(path) == before and not backups_dir(path).exists()


def test_a_disk_filling_up_during_the_backup_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = behind_head(tmp_path / "old.db")
    before = sha256(path)

    def full_disk(_source: sqlite3.Connection, target: Path) -> None:
        target.write_bytes(b"SQLite format 3\x00 half")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backups, "_copy", full_disk)
    with pytest.raises(BackupError, match="disk is full"):
        open_database(path)
    assert sha256(path) == before
    assert list(backups_dir(path).iterdir()) == []  # the partial copy was removed
    assert header(path)[2] == "0003"


def test_a_held_upgrade_lock_times_out_with_a_clear_message(tmp_path: Path) -> None:
    path = behind_head(tmp_path / "old.db")
    holder = FileLock(path.with_name(path.name + ".lock"))
    with holder:
        code, lines = finish(launch_in_process(path, lock_timeout=0.5))
    assert code == 1 and lines[0] == "DatabaseLockedError", lines
    assert "Another FieldLog" in lines[1]
    assert header(path)[2] == "0003"


def test_waiting_for_the_lock_is_reported_as_progress(tmp_path: Path) -> None:
    path = behind_head(tmp_path / "old.db")
    steps: list[str] = []
    with FileLock(path.with_name(path.name + ".lock")), pytest.raises(DatabaseLockedError):
        open_database(path, progress=steps.append, lock_timeout=0.2)
    assert steps == ["Waiting for another FieldLog to finish with this database…"]


@pytest.mark.slow
def test_two_processes_launching_at_once_upgrade_once(tmp_path: Path) -> None:
    path = behind_head(tmp_path / "old.db")
    devices_before = rows(path, "devices")
    processes = [launch_in_process(path) for _ in range(2)]
    results = [finish(process) for process in processes]
    assert [code for code, _ in results] == [0, 0], results
    assert sorted(lines[0] for _, lines in results) == ["OPENED", "UPGRADED"]
    assert len(list(backups_dir(path).iterdir())) == 1
    # Revisions only add columns at the end, so each old row is the start of its new one.
    after = [row[: len(devices_before[0])] for row in rows(path, "devices")]
    assert after == devices_before and header(path)[2] == HEAD_REVISION


# --- backups around launches --------------------------------------------------------------------


def test_failed_launches_keep_every_backup_and_a_good_one_rotates(tmp_path: Path) -> None:
    path = behind_head(tmp_path / "old.db")
    scripts = scripts_with_extra_revision(tmp_path, 'raise RuntimeError("boom")')
    made = []
    for _ in range(backups.KEEP_AUTOMATIC + 2):
        with pytest.raises(UpgradeFailedError) as caught:
            open_database(path, script_location=scripts)
        made.append(caught.value.backup)
        time.sleep(0.002)  # distinct timestamps in the names
    assert all(backup is not None and backup.is_file() for backup in made)
    assert len(backups.list_backups(path)) == len(made)
    result = open_and_close(path)  # a good launch rotates: the newest ten automatic ones stay
    kept = {info.path for info in backups.list_backups(path)}
    assert result.backup in kept and len(kept) == backups.KEEP_AUTOMATIC


def special_files(folder: Path) -> list[Path]:
    """Files that are not regular files, made in ``folder`` (never the system's own: a
    regression would replace them, as it once replaced a --db /dev/null with an empty file): a
    named pipe, and where this process may make device nodes, a null and an endless zero
    device."""
    made = []
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe")
        made.append(folder / "pipe")
    for name, minor in (("null", 3), ("zero", 5)):
        try:
            os.mknod(folder / name, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
        except (AttributeError, OSError):  # not root, or not a POSIX system
            continue
        made.append(folder / name)
    return made


def test_only_a_regular_file_is_a_database_and_others_are_left_alone(tmp_path: Path) -> None:
    nodes = special_files(tmp_path)
    assert nodes, "no special file could be made here"
    for node in nodes:
        before = node.stat()
        started = time.monotonic()
        with pytest.raises(NotADatabaseError, match="not a regular file"):
            open_database(node)
        assert time.monotonic() - started < 5  # nothing read from a pipe or an endless device
        after = node.stat()
        assert (after.st_ino, after.st_mode, after.st_rdev) == (before.st_ino, before.st_mode,
                                                                before.st_rdev), node  # fmt: skip

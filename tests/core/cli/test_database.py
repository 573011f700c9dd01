"""``fieldlog db``: status, upgrade and downgrade, backups and restore, the check."""

import sqlite3
from pathlib import Path

from core.cli import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS
from core.files import sha256
from core.paths import backups_dir
from core.schema import HEAD_REVISION, READER_COMPAT, SchemaMarker
from tests.core.cli.cli_support import run
from tests.core.launch_support import behind_head, execute, stamp


def revision_of(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def test_status_of_a_missing_file_says_so_and_creates_nothing(capsys, tmp_path) -> None:
    target = tmp_path / "not" / "there.db"
    code, out, _ = run(capsys, "--db", target, "db", "status")
    assert code == EXIT_OK and "does not exist" in out
    assert not target.parent.exists()


def test_upgrade_on_a_new_path_creates_a_database_at_head(capsys, tmp_path) -> None:
    target = tmp_path / "new" / "field.db"
    code, out, _ = run(capsys, "--db", target, "db", "upgrade")
    assert code == EXIT_OK and "created" in out
    assert revision_of(target) == HEAD_REVISION
    code, out, _ = run(capsys, "db", "status", "--db", target)
    assert "up to date" in out and "readings: 0" in out


def test_downgrade_needs_confirmation_and_takes_a_backup(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    run(capsys, "--db", db, "db", "upgrade")
    code, _, err = run(capsys, "--db", db, "db", "downgrade", "0002")
    assert code == EXIT_ERROR and "not confirmed" in err and revision_of(db) == HEAD_REVISION
    code, out, _ = run(capsys, "--db", db, "db", "downgrade", "0002", "--yes")
    assert code == EXIT_OK and revision_of(db) == "0002"
    backup = Path(out.split("backup: ")[1].strip())
    assert backup.exists() and revision_of(backup) == HEAD_REVISION


def test_downgrade_to_an_unknown_revision_changes_nothing(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    run(capsys, "--db", db, "db", "upgrade")
    code, _, err = run(capsys, "--db", db, "db", "downgrade", "0x", "--yes")
    assert code == EXIT_ERROR and "0x" in err and revision_of(db) == HEAD_REVISION


def test_backup_list_and_restore(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    run(capsys, "--db", db, "device", "add", "Kept")
    _, out, _ = run(capsys, "--db", db, "db", "backup")
    backup = Path(out.strip())
    run(capsys, "--db", db, "device", "add", "Added later")
    code, out, _ = run(capsys, "--db", db, "db", "backups")
    assert str(backup) in out and "manual" in out
    code, out, _ = run(capsys, "--db", db, "db", "restore", backup, "--yes")
    assert code == EXIT_OK and "backed up to" in out
    _, out, _ = run(capsys, "--db", db, "device", "list")
    assert "Kept" in out and "Added later" not in out


def test_check_reports_ok_and_finds_a_broken_foreign_key(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    run(capsys, "--db", db, "db", "upgrade")
    assert run(capsys, "--db", db, "db", "check")[0] == EXIT_OK
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO readings (device_id, recorded_at, value, unit, created_at) "
        "VALUES (999, 0, 1, '', 0)"
    )
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--db", db, "db", "check")
    assert code == EXIT_PROBLEMS and "foreign key" in out


def test_stamp_is_refused_over_a_schema_that_is_not_the_targets(capsys, tmp_path) -> None:
    """``stamp head`` over a file at 0004 would leave one the app then fails on."""
    db = behind_head(tmp_path / "old.db", "0004")
    before = sha256(db)
    code, _, err = run(capsys, "--db", db, "db", "stamp", "head")
    assert code == EXIT_ERROR
    assert f"was not stamped {HEAD_REVISION}" in err and "It is at 0004, as recorded" in err
    assert "--force" in err
    assert sha256(db) == before and not backups_dir(db).exists()


def test_stamp_with_force_takes_a_backup_first(capsys, tmp_path) -> None:
    db = behind_head(tmp_path / "old.db", "0004")
    code, out, _ = run(capsys, "--db", db, "db", "stamp", "head", "--force")
    assert code == EXIT_OK and revision_of(db) == HEAD_REVISION
    backup = Path(out.split("backup taken first: ")[1].strip())
    assert backup.parent == backups_dir(db) and "pre-stamp" in backup.name
    assert revision_of(backup) == "0004"


def test_stamp_records_a_lost_revision_when_the_schema_matches(capsys, tmp_path) -> None:
    """The repair of a file whose alembic_version row was deleted: no --force needed."""
    db = tmp_path / "f.db"
    run(capsys, "--db", db, "device", "add", "Kept")
    execute(db, "DELETE FROM alembic_version")
    code, out, _ = run(capsys, "--db", db, "db", "stamp", "head")
    assert code == EXIT_OK and "backup" not in out and revision_of(db) == HEAD_REVISION
    _, out, _ = run(capsys, "--db", db, "device", "list")
    assert "Kept" in out


def test_stamp_replaces_a_revision_no_script_knows(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    run(capsys, "--db", db, "db", "upgrade")
    execute(db, "UPDATE alembic_version SET version_num = 'e03f14036106'")
    code, _, err = run(capsys, "--db", db, "db", "stamp", HEAD_REVISION)
    assert code == EXIT_OK, err
    assert revision_of(db) == HEAD_REVISION


def test_stamp_of_a_missing_file_creates_nothing(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "--db", tmp_path / "none.db", "db", "stamp", "head")
    assert code == EXIT_ERROR and "no database" in err
    assert not (tmp_path / "none.db").exists()


# --- db status tells the truth ------------------------------------------------------------------


def with_a_device(capsys, db: Path) -> Path:
    run(capsys, "--db", db, "device", "add", "Gauge", "--unit", "bar")
    run(capsys, "--db", db, "reading", "add", "1", "2.5")
    return db


def test_status_of_a_file_whose_revision_row_was_deleted_is_not_empty(capsys, tmp_path) -> None:
    db = with_a_device(capsys, tmp_path / "f.db")
    execute(db, "DELETE FROM alembic_version")
    code, out, _ = run(capsys, "--db", db, "db", "status")
    assert code == EXIT_PROBLEMS and "empty file" not in out
    assert "no revision recorded" in out and "will not open it" in out
    assert f"Its schema is that of {HEAD_REVISION}: `fieldlog db stamp {HEAD_REVISION}`" in out
    assert "devices:  1" in out and "readings: 1" in out


def test_status_of_an_unknown_revision_is_not_behind(capsys, tmp_path) -> None:
    db = with_a_device(capsys, tmp_path / "f.db")
    execute(db, "UPDATE alembic_version SET version_num = 'e03f14036106'")
    code, out, _ = run(capsys, "--db", db, "db", "status")
    assert code == EXIT_PROBLEMS and "behind" not in out
    assert "'e03f14036106' is not one FieldLog knows" in out
    assert f"`fieldlog db stamp {HEAD_REVISION}` records that" in out


def test_status_of_a_file_at_head_without_its_tables_is_not_up_to_date(capsys, tmp_path) -> None:
    db = with_a_device(capsys, tmp_path / "f.db")
    execute(db, "DROP TABLE readings", "DROP TABLE devices")
    code, out, _ = run(capsys, "--db", db, "db", "status")
    assert code == EXIT_PROBLEMS and "up to date" not in out
    assert "has no table devices, readings" in out and "fieldlog db restore" in out


def test_status_of_a_file_whose_record_is_not_its_schema_names_its_schema(capsys, tmp_path) -> None:
    db = behind_head(tmp_path / "old.db", "0004")
    execute(db, "UPDATE alembic_version SET version_num = '0006'")
    code, out, _ = run(capsys, "--db", db, "db", "status")
    assert code == EXIT_PROBLEMS and "behind" not in out
    assert "its schema is not 0006's" in out and "`fieldlog db stamp 0004`" in out
    assert "then the next launch upgrades it" in out


def test_status_of_a_file_behind_head_says_the_launch_upgrades_it(capsys, tmp_path) -> None:
    db = behind_head(tmp_path / "old.db", "0004")
    code, out, _ = run(capsys, "--db", db, "db", "status")
    assert code == EXIT_OK and "behind: the next launch" in out


def test_status_of_a_newer_fieldlogs_file(capsys, tmp_path) -> None:
    db = with_a_device(capsys, tmp_path / "f.db")
    newer = f"{int(HEAD_REVISION) + 1:04d}"
    stamp(db, newer, SchemaMarker(int(newer), READER_COMPAT))
    code, out, _ = run(capsys, "--db", db, "db", "status")
    assert code == EXIT_OK and "newer FieldLog, which this version can read" in out
    stamp(db, newer, SchemaMarker(int(newer), READER_COMPAT + 1))
    code, out, _ = run(capsys, "--db", db, "db", "status")
    assert code == EXIT_PROBLEMS and "cannot use safely" in out

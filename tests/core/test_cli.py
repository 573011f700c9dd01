import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import EXIT_ERROR, EXIT_OK, EXIT_PROBLEMS, main
from core.schema import HEAD_REVISION


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


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


def test_device_and_reading_commands(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    run(
        capsys,
        "--db",
        db,
        "device",
        "add",
        "Boiler",
        "--serial",
        "SN-1",
        "--unit",
        "bar",
        "--high",
        "5",
    )
    code, out, err = run(
        capsys, "--db", db, "reading", "add", "SN-1", "7.5", "--at", "2026-03-01T10:00+02:00"
    )
    assert code == EXIT_OK and "7.5 bar" in out and "above" in err
    code, out, _ = run(capsys, "--db", db, "reading", "list", "SN-1")
    assert "2026-03-01" in out and "above limits" in out
    code, out, _ = run(capsys, "--db", db, "device", "list", "--filter", "boil")
    assert "Boiler" in out and "SN-1" in out


def test_an_ambiguous_value_is_refused(capsys, tmp_path) -> None:
    db = tmp_path / "f.db"
    run(capsys, "--db", db, "device", "add", "Boiler", "--serial", "SN-1")
    with pytest.raises(SystemExit) as raised:
        main(["--db", str(db), "reading", "add", "SN-1", "1,5"])
    assert raised.value.code == 2
    assert "ambiguous" in capsys.readouterr().err


def test_errors_are_one_line_without_a_traceback(capsys, tmp_path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 10)
    code, _, err = run(capsys, "--db", junk, "db", "upgrade")
    assert code == EXIT_ERROR
    assert err.count("\n") == 1 and "Traceback" not in err and str(junk) in err


def test_unknown_device_is_a_clear_error(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "--db", tmp_path / "f.db", "reading", "add", "NOPE", "1")
    assert code == EXIT_ERROR and "'NOPE'" in err


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


def test_the_installed_command_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "core", "--db", str(tmp_path / "x.db"), "db", "status"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "does not exist" in done.stdout


def test_reading_add_keeps_the_typed_resolution(tmp_path, capsys) -> None:
    from core.cli import main

    db = ["--db", str(tmp_path / "cli.db")]
    assert main([*db, "device", "add", "Gauge", "--serial", "G-1", "--unit", "bar"]) == 0
    assert main([*db, "reading", "add", "G-1", "4.00"]) == 0
    assert "saved: 4.00 bar" in capsys.readouterr().out
    assert main([*db, "reading", "list", "G-1"]) == 0
    assert "        4.00 bar" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["reading", "add", "99999999999999999999", "4"], "There is no device with id 9999"),
        (["reading", "list", "99999999999999999999"], "There is no device with id 9999"),
        (["reading", "add", "G-1", "4", "--note", "bad \udcff byte"], "note: holds bytes"),
        (["device", "add", "Pump \udcfe"], "name: holds bytes"),
    ],
)
def test_odd_values_get_one_clear_line(capsys, tmp_path, argv, said) -> None:
    """Values a shell can pass (a 20-digit id, bytes that are not UTF-8): one line saying
    what is wrong, never "unexpected error" (issue 12)."""
    db = ["--db", str(tmp_path / "odd.db")]
    assert run(capsys, *db, "device", "add", "Gauge", "--serial", "G-1")[0] == EXIT_OK
    code, _out, err = run(capsys, *db, *argv)
    assert code != EXIT_OK and said in err
    assert "unexpected" not in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_an_export_date_out_of_range_is_refused_plainly(capsys, tmp_path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(tmp_path / "x.db"), "export", "-o", str(tmp_path / "x.csv"),
              "--to", "9999-12-31"])  # fmt: skip
    assert stopped.value.code != 0
    err = capsys.readouterr().err
    assert "'9999-12-31' is out of the range of dates" in err and "Traceback" not in err

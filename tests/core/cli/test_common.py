"""The argument types every command group shares, driven through ``fieldlog`` itself."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, main
from core.devices import list_devices
from core.launch import open_database
from core.readings import list_readings
from tests.core.cli.cli_support import run

OUT_OF_RANGE = "is out of the range of dates FieldLog handles; give one between 1970 and 9998"


@pytest.fixture
def gauge_db(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    path = tmp_path / "f.db"
    code, _, _ = run(capsys, "--db", path, "device", "add", "Gauge", "--serial", "G-1")
    assert code == EXIT_OK
    return path


def stored_times(path: Path) -> list[datetime]:
    """When the readings of the database's one device were taken, read back by the core."""
    db = open_database(path, write=False).database
    try:
        (device,) = list_devices(db)
        return [r.recorded_at for r in list_readings(db, device.id, limit=None)]
    finally:
        db.close()


def refused(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> str:
    """The one error line argparse prints (after the usage) for arguments it refuses."""
    with pytest.raises(SystemExit) as stopped:
        main([str(a) for a in argv])
    assert stopped.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = [line for line in err.splitlines() if "error:" in line]
    assert err.splitlines()[-1] == line
    return line


def test_a_bare_date_is_its_local_midnight(capsys, gauge_db, kolkata) -> None:
    code, out, _ = run(capsys, "--db", gauge_db, "reading", "add", "G-1", "1.5",
                       "--at", "2026-03-01")  # fmt: skip
    assert code == EXIT_OK and "at 2026-03-01T00:00:00+05:30" in out
    assert stored_times(gauge_db) == [datetime(2026, 2, 28, 18, 30, tzinfo=UTC)]


def test_a_time_without_an_offset_is_local_and_one_with_an_offset_is_kept(
    capsys, gauge_db, kolkata
) -> None:
    for at in ("2026-03-01T10:00", "2026-03-01T10:00+01:00"):
        assert run(capsys, "--db", gauge_db, "reading", "add", "G-1", "1", "--at", at)[0] == 0
    assert sorted(stored_times(gauge_db)) == [
        datetime(2026, 3, 1, 4, 30, tzinfo=UTC),
        datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    ]


@pytest.mark.parametrize("at", ["99999-01-01", "0001-01-01T00:00", "0001-01-01"])
def test_a_year_out_of_range_is_one_clear_line(capsys, gauge_db, at) -> None:
    line = refused(capsys, "--db", gauge_db, "reading", "add", "G-1", "1.5", "--at", at)
    assert line == f"fieldlog reading add: error: argument --at: '{at}' {OUT_OF_RANGE}"
    assert stored_times(gauge_db) == []


def test_a_year_that_parses_but_is_not_believable_is_the_core_s_one_line(capsys, gauge_db) -> None:
    code, _, err = run(capsys, "--db", gauge_db, "reading", "add", "G-1", "1.5",
                       "--at", "9999-12-31T23:59")  # fmt: skip
    assert code == EXIT_ERROR and "more than a day in the future" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert stored_times(gauge_db) == []


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("reading", "add", "G-1", "1.5", "--at"), id="reading add --at"),
        pytest.param(("reading", "list", "G-1", "--from"), id="reading list --from"),
        pytest.param(("export", "-o", "x.csv", "--from"), id="export --from"),
    ],
)
@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param("0001-01-01", OUT_OF_RANGE, id="out of range"),
        pytest.param("next tuesday", "is not a date or an ISO 8601 time", id="unreadable"),
    ],
)
def test_every_command_reads_a_moment_by_the_same_rules(
    capsys, gauge_db, command, text, said
) -> None:
    line = refused(capsys, "--db", gauge_db, *command, text)
    assert line.endswith(f"argument {command[-1]}: '{text}' {said}")


def test_an_export_date_out_of_range_is_refused_plainly(capsys, tmp_path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(tmp_path / "x.db"), "export", "-o", str(tmp_path / "x.csv"),
              "--to", "9999-12-31"])  # fmt: skip
    assert stopped.value.code != 0
    err = capsys.readouterr().err
    assert "'9999-12-31' is out of the range of dates" in err and "Traceback" not in err

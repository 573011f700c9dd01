"""``fieldlog import``, ``export`` and ``batch`` on real files, as a script would run them."""

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.cli import EXIT_ERROR, EXIT_OK
from tests.core.cli.cli_support import run

ROWS = (
    "serial,time,value,unit\n"
    "SN-1,2026-03-01T10:00:00+01:00,1.5,bar\n"
    "SN-1,2026-03-01T11:00:00+01:00,2.5,bar\n"
    "SN-1,2026-03-01T12:00:00+01:00,abc,bar\n"
)


@pytest.fixture
def db_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    path = tmp_path / "f.db"
    code, _, _ = run(capsys, "--db", path, "device", "add", "Boiler", "--serial", "SN-1",
                     "--unit", "bar")  # fmt: skip
    assert code == EXIT_OK
    return path


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "march.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def test_a_dry_run_prints_the_report_and_writes_nothing(capsys, db_file, source) -> None:
    code, out, _ = run(capsys, "--db", db_file, "import", source, "--dry-run")
    assert code == EXIT_OK
    assert "2 new readings would be imported" in out and "line 4" in out
    code, out, _ = run(capsys, "--db", db_file, "reading", "list", "SN-1")
    assert out.strip() == ""


def test_import_then_reimport_adds_nothing_twice(capsys, db_file, source) -> None:
    code, out, _ = run(capsys, "--db", db_file, "import", source)
    assert code == EXIT_OK and "2 new readings were imported" in out and "batch 1" in out
    code, out, _ = run(capsys, "--db", db_file, "import", source)
    assert code == EXIT_OK and "0 new readings" in out and "2 duplicates" in out
    code, out, _ = run(capsys, "--db", db_file, "reading", "list", "SN-1")
    assert len(out.strip().splitlines()) == 2


def test_nothing_importable_exits_non_zero(capsys, db_file, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("serial,time,value,unit\nSN-9,2026-03-01T10:00:00+01:00,1.5,bar\n", "utf-8")
    code, out, err = run(capsys, "--db", db_file, "import", bad)
    assert code == EXIT_ERROR and "nothing in bad.csv could be imported" in err
    assert "no device with serial SN-9" in out and "--create-devices" in out
    code, out, _ = run(capsys, "--db", db_file, "import", bad, "--create-devices")
    assert code == EXIT_OK and "1 new readings were imported" in out


def test_an_unreadable_file_is_one_clear_line(capsys, db_file, tmp_path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "--db", db_file, "import", empty)
    assert code == EXIT_ERROR and "empty.csv" in err and "Traceback" not in err
    code, _, err = run(capsys, "--db", db_file, "import", tmp_path / "missing.csv")
    assert code == EXIT_ERROR and "missing.csv does not exist" in err


def test_a_bad_mapping_is_refused(capsys, db_file, source) -> None:
    code, _, err = run(capsys, "--db", db_file, "import", source, "--map", "colour=value")
    assert code == EXIT_ERROR and "ROLE=COLUMN" in err


def test_export_writes_what_was_imported(capsys, db_file, source, tmp_path) -> None:
    run(capsys, "--db", db_file, "import", source)
    out_file = tmp_path / "out.csv"
    day = ("--from", "2026-03-01", "--to", "2026-03-01")
    code, out, _ = run(capsys, "--db", db_file, "export", "--device", "SN-1", *day, "-o", out_file)
    assert code == EXIT_OK and "2 readings of 1 devices" in out
    with out_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [float(r["value"]) for r in rows] == [1.5, 2.5]
    code, out, _ = run(capsys, "--db", db_file, "export", "--from", "2026-03-02", "-o",
                       tmp_path / "later.xlsx")  # fmt: skip
    assert code == EXIT_OK and "0 readings" in out


def test_the_csv_has_a_byte_order_mark_unless_asked_not_to(
    capsys, db_file, source, tmp_path
) -> None:
    run(capsys, "--db", db_file, "import", source)
    for flags, start in (((), b"\xef\xbb\xbfdevice,"), (("--bom",), b"\xef\xbb\xbfdevice,"),
                         (("--no-bom",), b"device,")):  # fmt: skip
        out_file = tmp_path / f"out{len(flags)}{''.join(flags)}.csv"
        assert run(capsys, "--db", db_file, "export", *flags, "-o", out_file)[0] == EXIT_OK
        assert out_file.read_bytes().startswith(start), flags
    with pytest.raises(SystemExit) as refused:  # argparse's usage error, exit 2
        run(capsys, "--db", db_file, "export", "--bom", "--no-bom", "-o", out_file)
    assert refused.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_export_needs_a_known_format(capsys, db_file, tmp_path) -> None:
    code, _, err = run(capsys, "--db", db_file, "export", "-o", tmp_path / "out.txt")
    assert code == EXIT_ERROR and "--format csv, xlsx or pdf" in err


def test_batches_are_listed_and_undone(capsys, db_file, source) -> None:
    run(capsys, "--db", db_file, "import", source)
    code, out, _ = run(capsys, "--db", db_file, "batch", "list")
    assert code == EXIT_OK and "march.csv" in out and "+2 new" in out
    code, out, _ = run(capsys, "--db", db_file, "batch", "undo", "1", "--yes")
    assert code == EXIT_OK and "2 readings removed" in out
    code, out, _ = run(capsys, "--db", db_file, "batch", "list")
    assert "undone" in out
    code, _, err = run(capsys, "--db", db_file, "batch", "undo", "1", "--yes")
    assert code == EXIT_ERROR and "already undone" in err


def test_undo_without_yes_and_no_terminal_changes_nothing(capsys, db_file, source) -> None:
    run(capsys, "--db", db_file, "import", source)
    code, out, _ = run(capsys, "--db", db_file, "batch", "undo", "1")
    assert code == EXIT_ERROR and "nothing changed" in out
    code, out, _ = run(capsys, "--db", db_file, "reading", "list", "SN-1")
    assert len(out.strip().splitlines()) == 2


def test_an_export_reimports_without_loss(capsys, db_file, tmp_path) -> None:
    """CSV round trip: every reading comes back once, formula-looking text included."""
    from core.devices import DeviceFields, create_device, list_devices
    from core.launch import open_database
    from core.readings import NewReading, add_reading, list_readings

    db = open_database(db_file).database
    fields = DeviceFields('=Pump, "north"', serial_number="+SN 7", default_unit="µS/cm")
    odd = create_device(db, fields)
    moments = [datetime(2026, 3, 29, 0, 30, tzinfo=UTC) + timedelta(hours=h) for h in range(4)]
    for n, moment in enumerate(moments):
        add_reading(db, NewReading(odd.id, 0.1 + 0.2 * n, moment, operator="@ann",
                                   note="-5 °C; =cmd|' /C calc'!A0"))  # fmt: skip
    db.close()
    out_file = tmp_path / "all.csv"
    code, out, _ = run(capsys, "--db", db_file, "export", "-o", out_file, "--bom")
    assert (
        code == EXIT_OK
        and f"devices, every field of each, written to {tmp_path / 'all.devices.csv'}" in out
    )
    fresh = tmp_path / "fresh.db"
    code, out, _ = run(capsys, "--db", fresh, "import", out_file, "--create-devices")
    assert code == EXIT_OK and "4 new readings were imported" in out
    assert "Devices (every field) read from all.devices.csv." in out
    assert "“Boiler” (no readings in the file) → new device (created)" in out
    again = open_database(fresh).database
    try:
        device, boiler = list_devices(again)  # by name: "=" sorts before "B"
        assert (device.name, device.serial_number) == ('=Pump, "north"', "+SN 7")
        assert (boiler.name, boiler.default_unit) == ("Boiler", "bar")  # no readings: kept too
        back = list_readings(again, device.id, limit=None)
    finally:
        again.close()
    assert sorted((r.recorded_at, r.value, r.unit, r.operator, r.note) for r in back) == [
        (m, 0.1 + 0.2 * n, "µS/cm", "@ann", "-5 °C; =cmd|' /C calc'!A0")
        for n, m in enumerate(moments)
    ]


def test_a_device_name_too_long_is_named_as_the_reason(capsys, db_file, tmp_path) -> None:
    long = tmp_path / "long.csv"
    long.write_text(f"device,time,value\n{'x' * 201},2026-03-01T10:00:00+01:00,1.5\n", "utf-8")
    code, out, _ = run(capsys, "--db", db_file, "import", long, "--create-devices")
    assert code == EXIT_ERROR and "line 2: the device name is longer than 200 characters" in out


def test_the_workbook_export_reimports_with_its_offsets(capsys, db_file, source, tmp_path) -> None:
    """Excel has no zones: the export adds a "UTC offset" column, which the import applies."""
    run(capsys, "--db", db_file, "import", source)
    book = tmp_path / "out.xlsx"
    assert run(capsys, "--db", db_file, "export", "-o", book)[0] == EXIT_OK
    fresh = tmp_path / "fresh.db"
    code, out, _ = run(capsys, "--db", fresh, "import", book, "--create-devices")
    assert code == EXIT_OK and "2 new readings were imported" in out
    assert "Readings from 2026-03-01 09:00:00+00:00 to 2026-03-01 10:00:00+00:00" in out

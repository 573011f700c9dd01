"""The Excel export: real dates and numbers, text never a formula, no temporary files left."""

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.db import Database
from core.devices import DeviceFields, create_device
from core.exporting import ExportCancelled, ExportFormat, export
from core.readings import NewReading, add_reading
from tests.core.exporting.support import BERLIN, T0
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


def test_xlsx_has_real_dates_numbers_and_text_that_is_never_a_formula(
    two_devices: Database, tmp_path: Path
) -> None:
    path = tmp_path / "out.xlsx"
    export(two_devices, path, ExportFormat.XLSX, local_zone=BERLIN)
    book = load_workbook(path)
    sheet = book["Readings"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["Device", "Serial", "Time (local)", "UTC offset", "Time (UTC)", "Value"]
    first = sheet[2]
    assert first[0].value == "=Conductivity" and first[0].data_type == "s"
    assert first[1].value == "+42" and first[1].data_type == "s"
    assert first[2].value == datetime(2026, 3, 1, 13, 30) and first[2].is_date
    assert first[2].number_format == "yyyy-mm-dd hh:mm:ss"
    assert first[3].value == "+01:00"
    assert first[4].value == datetime(2026, 3, 1, 12, 30) and first[4].is_date
    assert first[4].number_format == "yyyy-mm-dd hh:mm:ss"
    assert first[5].value == 612.0 and first[5].data_type == "n"  # openpyxl writes 612.0 as 612
    assert first[7].value == "above" and first[0].fill.fgColor.rgb == "FFF4CCCC"
    boiler_row = sheet[3]
    assert boiler_row[5].value == pytest.approx(0.1 + 0.2, rel=1e-15)  # openpyxl: 16 digits
    assert boiler_row[9].value == "=SUM(A1:A9)" and boiler_row[9].data_type == "s"
    assert sheet.max_row == 4


def test_the_utc_column_tells_the_autumn_hour_that_repeats_apart(
    db: Database, tmp_path: Path
) -> None:
    """Excel has no zones: across the night clocks go back, local wall-clock time repeats an
    hour, and arithmetic on it is an hour off. The UTC column is real dates that do not."""
    device = create_device(db, DeviceFields("Pump", default_unit="bar"))
    for minutes in (0, 60, 120):
        moment = datetime(2026, 10, 25, 0, 30, tzinfo=UTC) + timedelta(minutes=minutes)
        add_reading(db, NewReading(device.id, 1.0, moment))
    add_reading(db, NewReading(device.id, 2.0, datetime(2026, 10, 25, 3, 30, 0, 250_000, UTC)))
    path = tmp_path / "fold.xlsx"
    export(db, path, ExportFormat.XLSX, local_zone=BERLIN)
    rows = list(load_workbook(path)["Readings"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3], r[4]) for r in rows] == [
        (datetime(2026, 10, 25, 2, 30), "+02:00", datetime(2026, 10, 25, 0, 30)),
        (datetime(2026, 10, 25, 2, 30), "+01:00", datetime(2026, 10, 25, 1, 30)),
        (datetime(2026, 10, 25, 3, 30), "+01:00", datetime(2026, 10, 25, 2, 30)),
        (datetime(2026, 10, 25, 4, 30, 0, 250_000), "+01:00",
         datetime(2026, 10, 25, 3, 30, 0, 250_000)),
    ]  # fmt: skip


def test_xlsx_devices_sheet_holds_every_field(two_devices: Database, tmp_path: Path) -> None:
    from core.devices import list_devices

    path = tmp_path / "out.xlsx"
    export(two_devices, path, ExportFormat.XLSX)
    rows = list(load_workbook(path)["Devices"].iter_rows(values_only=True))
    assert rows[0] == ("Name", "Serial", "Type", "Manufacturer", "Model", "Location", "Unit",
                       "Low limit", "High limit", "Calibration due", "Calibrate every (days)",
                       "Status", "Notes", "Archived (UTC)", "UID")  # fmt: skip
    boiler = next(d for d in list_devices(two_devices) if d.name == "Boiler")
    assert rows[2] == ("Boiler", "SN-1", "Thermometer", None, None, "Plant room", "°C", 10.0, 80.0,
                       datetime(2026, 6, 30), None, "active", None, None,
                       str(boiler.uid))  # fmt: skip


def test_a_cancelled_xlsx_leaves_no_temporary_files(
    two_devices: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows stream through temporary files; a cancel part-way leaves none of them, and
    no half-written workbook."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before = sorted(p.name for p in tmp_path.iterdir())
    answers = iter([False, True])
    with pytest.raises(ExportCancelled):
        export(two_devices, tmp_path / "x.xlsx", ExportFormat.XLSX,
               cancelled=lambda: next(answers, True))  # fmt: skip
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_text_is_never_a_link_a_number_or_a_formula(db: Database, tmp_path: Path) -> None:
    """XlsxWriter would turn each of these into something else; they must read back as typed.
    (A NUL only SQLite's text can hold.)"""
    device = create_device(db, DeviceFields("Pump", default_unit="bar"))
    nul = "\x00" if db.dialect == "sqlite" else "\x01"
    notes = ["http://example.com/a b", "1.5", "=1+1", "mailto:x@y.z", "two  spaces", f"nul{nul}"]
    for n, note in enumerate(notes):
        add_reading(db, NewReading(device.id, float(n), T0 + timedelta(hours=n), note=note))
    path = tmp_path / "notes.xlsx"
    export(db, path, ExportFormat.XLSX, local_zone=UTC)
    sheet = load_workbook(path)["Readings"]
    cells = [sheet.cell(row=r, column=10) for r in range(2, 2 + len(notes))]
    assert [c.value for c in cells] == [*notes[:5], "nul\ufffd"]
    assert all(c.data_type == "s" and c.hyperlink is None for c in cells)


def test_readings_past_a_sheets_rows_continue_on_the_next_sheet(
    two_devices: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet holds 1,048,575 readings; XlsxWriter drops rows past that without a word, so
    the export carries on in "Readings 2". Shown here with sheets of two rows."""
    from core.exporting import xlsx

    monkeypatch.setattr(xlsx, "SHEET_ROWS", 2)
    path = tmp_path / "long.xlsx"
    assert export(two_devices, path, ExportFormat.XLSX, local_zone=BERLIN).readings == 3
    book = load_workbook(path)
    assert book.sheetnames == ["Readings", "Devices", "Readings 2", "Calibrations", "History"]
    first = [r[0] for r in book["Readings"].iter_rows(min_row=2, values_only=True)]
    rest = [r[0] for r in book["Readings 2"].iter_rows(min_row=2, values_only=True)]
    assert first == ["=Conductivity", "Boiler"] and rest == ["Boiler"]
    assert book["Readings 2"]["A1"].value == "Device"  # every sheet has its header


def test_the_utc_serial_number_is_xlsxwriter_s_own() -> None:
    """``excel_time`` is what ``write_datetime`` would store, bit for bit, 1970–2100."""
    from xlsxwriter.utility import _datetime_to_excel_datetime  # type: ignore[import-untyped]

    from core.exporting.xlsx import excel_time
    from core.timeutil import from_epoch_ms

    moments = [0, 1, 999, 4_102_444_799_999] + [n * 7_919_993_917 for n in range(500)]
    for ms in moments:
        naive = from_epoch_ms(ms).replace(tzinfo=None)
        assert excel_time(ms) == _datetime_to_excel_datetime(naive, False, False), ms


def test_the_workbook_carries_the_calibrations_and_the_history(db: Database, tmp_path: Path):
    from dataclasses import replace
    from datetime import date

    from core.calibration import NewCalibration, record_calibration
    from core.devices import DeviceFields, create_device, update_device
    from core.models import CalibrationResult

    fields = DeviceFields("PI-101", default_unit="bar", high_limit=6.0,
                          calibration_interval_days=365)  # fmt: skip
    gauge = create_device(db, fields, who="Ana")
    update_device(db, gauge.id, replace(fields, high_limit=6.5), who="Ana", reason="new spec")
    record_calibration(db, NewCalibration(
        gauge.id, date(2026, 3, 1), CalibrationResult.ADJUSTED, performed_by="J. Weber",
        lab="Metrolab", certificate_number="ML-7", as_found=CalibrationResult.FAIL,
        as_found_values="+0.12 bar"))  # fmt: skip
    path = tmp_path / "out.xlsx"
    export(db, path, ExportFormat.XLSX)
    book = load_workbook(path)
    assert book.sheetnames == ["Readings", "Devices", "Calibrations", "History"]
    calibrations = list(book["Calibrations"].iter_rows(values_only=True))
    assert calibrations[1] == ("PI-101", datetime(2026, 3, 1), "J. Weber", "Metrolab", "ML-7",
                               None, "fail", "+0.12 bar", "adjusted", None,
                               datetime(2027, 3, 1), None, 0)  # fmt: skip
    history = list(book["History"].iter_rows(values_only=True))
    assert [row[1:] for row in history[2:]] == [
        ("Ana", "PI-101", "device", gauge.id, "edit", "high_limit", 6.0, 6.5, "new spec"),
        ("J. Weber", "PI-101", "calibration", 1, "record", None, None, history[3][8], None),
        ("J. Weber", "PI-101", "device", gauge.id, "edit", "calibration_due", None,
         "2027-03-01", "set by the calibration recorded"),
    ]  # fmt: skip
    assert history[1][5] == "create" and isinstance(history[1][0], datetime)
    assert '"certificate_number": "ML-7"' in str(history[3][8])

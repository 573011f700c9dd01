"""An export imports back exactly: FieldLog's own CSV and workbook, through the real importer."""

from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from core.db import Database
from core.demo import create_demo
from core.devices import DeviceFields, create_device, list_devices
from core.exporting import ExportFormat, export
from core.importing.formats import detect_format, open_import
from core.importing.history import list_batches
from core.importing.options import ImportOptions
from core.importing.service import import_parsed
from core.launch import open_database
from core.models import DeviceStatus
from core.readings import NewReading, add_reading, list_readings
from tests.core.exporting.support import BERLIN


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.XLSX])
def test_the_time_columns_read_back_exactly_across_the_autumn_fold(
    db: Database, tmp_path: Path, fmt: ExportFormat
) -> None:
    """The export writes each time several ways (ISO 8601, local wall-clock, UTC); the import
    reads the exact one, even for the hour that repeats when the clocks go back."""
    device = create_device(db, DeviceFields("Pump", serial_number="P-1", default_unit="bar"))
    start = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    moments = [start + timedelta(minutes=20 * n, milliseconds=n) for n in range(8)]
    for n, moment in enumerate(moments):
        add_reading(db, NewReading(device.id, float(n), moment))
    path = tmp_path / f"fold.{fmt}"
    export(db, path, fmt, local_zone=BERLIN)
    assert detect_format(path) == fmt.value
    parsed = open_import(path)
    report = import_parsed(db, parsed)
    assert (report.accepted, report.duplicates, report.rejected) == (0, 8, [])
    assert [m.how for m in report.matches] == ["UID"]
    times = [r.recorded_at for r in list_readings(db, device.id, newest_first=False)]
    assert times == moments


def _sample(db: Database) -> None:
    """The sample data, a device with no readings, and text a spreadsheet could mangle."""
    end = datetime(2026, 11, 10, tzinfo=UTC)  # five weeks across the night clocks go back
    create_demo(db, devices=12, years=0.1, end=end)
    create_device(db, DeviceFields(
        "Spare gauge", serial_number="00123", device_type="Pressure gauge", manufacturer="WIKA",
        model="232.50", location="Store", default_unit="bar", low_limit=0.000000001,
        high_limit=12345678.901, calibration_due=date(2027, 1, 31), status=DeviceStatus.RETIRED,
        notes='\tline one\n=two, "three"',
    ))  # fmt: skip
    odd = create_device(db, DeviceFields('\t=Odd, "one"', serial_number="+7", default_unit="°C"))
    for n in range(3):
        moment = end - timedelta(hours=n, milliseconds=n)
        add_reading(db, NewReading(odd.id, 0.5 * n, moment, operator="@ann", note="-1, \n\tx"))


def _devices(db: Database) -> list[tuple[object, ...]]:
    names = [f.name for f in fields(DeviceFields)]
    found = list_devices(db, include_archived=True, limit=None)
    return sorted((d.uid, d.archived, *(getattr(d, n) for n in names)) for d in found)


def _readings(db: Database) -> list[tuple[object, ...]]:
    """Every reading field but its source (and the database's own ids and stamps)."""
    rows = []
    for device in list_devices(db, include_archived=True, limit=None):
        for r in list_readings(db, device.id, limit=None, include_superseded=True):
            rows.append((device.uid, r.recorded_at, r.value, r.unit, r.operator, r.note,
                         r.decimals, r.superseded, r.corrects_id))  # fmt: skip
    return sorted(rows, key=repr)


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.XLSX])
def test_an_export_of_the_sample_data_imports_back_whole_and_once(
    db: Database, tmp_path: Path, fmt: ExportFormat
) -> None:
    _sample(db)
    path = tmp_path / f"sample.{fmt}"
    summary = export(db, path, fmt, local_zone=BERLIN)
    assert summary.devices == 14
    fresh = open_database(tmp_path / "fresh.db").database
    try:
        first = import_parsed(fresh, open_import(path), create_devices=True)
        assert first.rejected == [] and first.differences == []
        assert len(first.devices_created) == 14
        assert _devices(fresh) == _devices(db)
        assert _readings(fresh) == _readings(db)
        again = import_parsed(fresh, open_import(path), create_devices=True)
        assert (again.accepted, again.devices_created, again.differences) == (0, [], [])
        assert not again.written and again.duplicates == summary.readings
        assert {m.how for m in again.matches} == {"UID"}
        assert _devices(fresh) == _devices(db) and _readings(fresh) == _readings(db)
        assert len(list_batches(fresh)) == 1
    finally:
        fresh.close()


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.XLSX])
def test_a_device_held_otherwise_is_reported_field_by_field_and_never_changed(
    db: Database, tmp_path: Path, fmt: ExportFormat
) -> None:
    pump = create_device(db, DeviceFields("Pump", serial_number="P-1", default_unit="bar",
                                          low_limit=1.0, high_limit=5.0))  # fmt: skip
    add_reading(db, NewReading(pump.id, 2.0, datetime(2026, 3, 1, tzinfo=UTC)))
    path = tmp_path / f"pump.{fmt}"
    export(db, path, fmt)
    office = open_database(tmp_path / "office.db").database
    try:
        other = DeviceFields("Pump", serial_number="P-1", default_unit="bar", high_limit=8.0)
        theirs = create_device(office, other)
        report = import_parsed(office, open_import(path), create_devices=True)
        assert report.accepted == 1 and [m.how for m in report.matches] == ["serial"]
        said = [(d.device_name, d.field, d.in_file, d.in_database) for d in report.differences]
        assert said == [("Pump", "low limit", "“1.0”", "nothing"),
                        ("Pump", "high limit", "“5.0”", "“8.0”")]  # fmt: skip
        text = report.text()
        assert (f"“Pump” (device {theirs.id}): the file gives its high limit as “5.0”, the "
                "database has “8.0”; the database's is kept") in text  # fmt: skip
        assert _devices(office) == [(theirs.uid, False, *(
            getattr(theirs, f.name) for f in fields(DeviceFields)))]  # fmt: skip
    finally:
        office.close()


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.XLSX])
def test_a_device_with_no_readings_is_not_made_without_create_devices(
    db: Database, tmp_path: Path, fmt: ExportFormat
) -> None:
    create_device(db, DeviceFields("Spare", default_unit="bar"))
    path = tmp_path / f"spare.{fmt}"
    export(db, path, fmt)
    office = open_database(tmp_path / "office.db").database
    try:
        report = import_parsed(office, open_import(path))
        assert report.nothing_importable and not report.written
        assert "“Spare” (no readings in the file): not in the database" in report.text()
        made = import_parsed(office, open_import(path), create_devices=True)
        assert made.written and made.devices_created == ["Spare"]
        assert [d.default_unit for d in list_devices(office)] == ["bar"]
    finally:
        office.close()


def test_a_devices_file_on_its_own_imports_the_devices(db: Database, tmp_path: Path) -> None:
    create_device(db, DeviceFields("Spare", default_unit="bar", high_limit=9.5))
    summary = export(db, tmp_path / "inventory.csv", ExportFormat.CSV)
    assert summary.devices_path is not None
    office = open_database(tmp_path / "office.db").database
    try:
        parsed = open_import(summary.devices_path)
        assert parsed.channels == [] and len(parsed.devices) == 1
        report = import_parsed(office, parsed, create_devices=True)
        assert report.devices_created == ["Spare"] and not report.nothing_importable
        assert _devices(office) == _devices(db)
    finally:
        office.close()


def test_an_archived_device_chosen_for_export_comes_back_archived(
    db: Database, tmp_path: Path
) -> None:
    from core.devices import archive_device
    from core.exporting import ExportRequest

    old = create_device(db, DeviceFields("Old pump", default_unit="bar"))
    add_reading(db, NewReading(old.id, 2.0, datetime(2026, 3, 1, tzinfo=UTC)))
    archive_device(db, old.id)
    for fmt in (ExportFormat.CSV, ExportFormat.XLSX):
        path = tmp_path / f"old.{fmt}"
        export(db, path, fmt, ExportRequest(device_ids=[old.id]))
        office = open_database(tmp_path / f"office-{fmt}.db").database
        try:
            import_parsed(office, open_import(path), create_devices=True)
            assert _devices(office) == _devices(db) and _readings(office) == _readings(db)
            with office.read() as conn, db.read() as mine:
                query = "SELECT archived_at FROM devices"
                assert conn.exec_driver_sql(query).all() == mine.exec_driver_sql(query).all()
        finally:
            office.close()


def test_a_workbook_exported_before_the_devices_had_every_field_still_gives_them(
    tmp_path: Path,
) -> None:
    """A workbook of an earlier FieldLog: its "Devices" sheet had eight columns, no UID."""
    from openpyxl import Workbook

    book = Workbook()
    readings = book.create_sheet("Readings", 0)
    book.remove(book.worksheets[1])
    readings.append(["Device", "Serial", "Time (local)", "UTC offset", "Value", "Unit"])
    readings.append(["Boiler", "SN-1", datetime(2026, 3, 1, 13, 0), "+01:00", 61.5, "°C"])
    devices = book.create_sheet("Devices")
    devices.append(["Name", "Serial", "Type", "Location", "Unit", "Low limit", "High limit",
                    "Calibration due"])  # fmt: skip
    devices.append(["Boiler", "SN-1", "Thermometer", "Plant room", "°C", 10.0, 80.0,
                    datetime(2026, 6, 30)])  # fmt: skip
    path = tmp_path / "old.xlsx"
    book.save(path)
    office = open_database(tmp_path / "office.db").database
    try:
        report = import_parsed(office, open_import(path), create_devices=True)
        assert report.accepted == 1 and report.devices_created == ["Boiler"]
        (boiler,) = list_devices(office)
        assert (boiler.device_type, boiler.location, boiler.default_unit, boiler.low_limit,
                boiler.high_limit, boiler.calibration_due) == (
            "Thermometer", "Plant room", "°C", 10.0, 80.0, date(2026, 6, 30))  # fmt: skip
        again = import_parsed(office, open_import(path), create_devices=True)
        assert again.differences == [] and not again.written  # no column, no difference
    finally:
        office.close()


def test_a_readings_table_whose_header_names_devices_is_still_read_as_readings(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("Name,Serial,Unit,Time,Value\nPump,P-1,bar,2026-03-01T10:00:00+01:00,1.5\n")
    report = import_parsed(db, open_import(path), create_devices=True)
    assert report.accepted == 1 and report.devices_created == ["Pump"]


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.XLSX])
def test_a_device_an_old_fieldlog_kept_with_a_long_name_is_refused_alone(
    db: Database, tmp_path: Path, fmt: ExportFormat
) -> None:
    """A 0001 database may hold a 5,000-character device name, which no device may have now:
    exported, that device and its readings are refused with why; the rest imports."""
    from sqlalchemy import update

    from core.models import devices

    at = datetime(2026, 3, 1, 12, tzinfo=UTC)
    long_one = create_device(db, DeviceFields("Flow meter", default_unit="m³/h"))
    kept = create_device(db, DeviceFields("Gauge", default_unit="bar"))
    add_reading(db, NewReading(long_one.id, 12.5, at))
    add_reading(db, NewReading(kept.id, 4.5, at))
    with db.write() as conn:
        conn.execute(update(devices).where(devices.c.id == long_one.id).values(name="F" * 5000))
    path = tmp_path / f"old.{fmt}"
    export(db, path, fmt)
    office = open_database(tmp_path / "office.db").database
    try:
        report = import_parsed(office, open_import(path, ImportOptions(timezone="UTC")),
                               create_devices=True)  # fmt: skip
        assert [d.name for d in list_devices(office)] == ["Gauge"]
        assert (report.accepted, report.rejected_count) == (1, 1)
        assert "longer than 200 characters" in report.rejected[0].reason
    finally:
        office.close()

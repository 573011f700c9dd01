"""The CSV export: exact content, local offsets, periods, what is left out."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.db import Database, SqliteDatabase
from core.devices import DeviceFields, DeviceRecord, archive_device, create_device
from core.exporting import ExportFormat, ExportRequest, export
from core.readings import NewReading, add_reading, correct_reading
from core.timeutil import to_epoch_ms
from tests.core.exporting.support import BERLIN, HEADER, T0, add, run
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


def test_csv_content_is_exact(two_devices: Database, tmp_path: Path) -> None:
    """Sorted by device name then time; formula-like text gets one apostrophe; repr values."""
    path = tmp_path / "out.csv"
    assert run(two_devices, path) == 3
    assert path.read_bytes().decode("utf-8-sig") == (
        HEADER + "'=Conductivity,'+42,2026-03-01T12:30:00+00:00,2026-03-01 12:30:00,"
        "2026-03-01 12:30:00,612.0,µS/cm,above,'@Chloé,'+1 spare,manual\r\n"
        + "Boiler,SN-1,2026-03-01T12:00:00+00:00,2026-03-01 12:00:00,2026-03-01 12:00:00,"
        "0.30000000000000004,°C,below,Anna Müller,'=SUM(A1:A9),manual\r\n"
        + "Boiler,SN-1,2026-03-01T13:00:00+00:00,2026-03-01 13:00:00,2026-03-01 13:00:00,95.5,"
        "°C,above,'-Bob,,import\r\n"
    )


def test_the_bom_is_written_unless_refused(two_devices: Database, tmp_path: Path) -> None:
    """A spreadsheet is the CSV's audience: without the BOM, Excel in a Windows-1252 locale
    shows °C as Â°C. A tool that takes the BOM for text can ask for none."""
    run(two_devices, tmp_path / "excel.csv")
    run(two_devices, tmp_path / "plain.csv", excel_bom=False)
    assert (tmp_path / "excel.csv").read_bytes().startswith(b"\xef\xbb\xbfdevice,")
    assert (tmp_path / "plain.csv").read_bytes().startswith(b"device,")


def test_times_carry_the_local_offset_across_a_dst_change(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    add(db, boiler, 20.0, datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    add(db, boiler, 21.0, datetime(2026, 3, 29, 1, 30, tzinfo=UTC))
    path = tmp_path / "dst.csv"
    export(db, path, ExportFormat.CSV, local_zone=BERLIN)
    times = [line.split(",")[2:5] for line in path.read_text("utf-8").splitlines()[1:]]
    assert times == [
        ["2026-03-29T01:30:00+01:00", "2026-03-29 01:30:00", "2026-03-29 00:30:00"],
        ["2026-03-29T03:30:00+02:00", "2026-03-29 03:30:00", "2026-03-29 01:30:00"],
    ]


def test_the_autumn_hour_that_repeats_is_told_apart_by_the_utc_column(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    """Local wall-clock time repeats 02:30 on the night clocks go back; UTC does not."""
    add(db, boiler, 20.0, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    add(db, boiler, 21.0, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    path = tmp_path / "fold.csv"
    export(db, path, ExportFormat.CSV, local_zone=BERLIN)
    times = [line.split(",")[2:5] for line in path.read_text("utf-8").splitlines()[1:]]
    assert times == [
        ["2026-10-25T02:30:00+02:00", "2026-10-25 02:30:00", "2026-10-25 00:30:00"],
        ["2026-10-25T02:30:00+01:00", "2026-10-25 02:30:00", "2026-10-25 01:30:00"],
    ]


def test_milliseconds_appear_on_every_time_once_one_needs_them(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    add(db, boiler, 20.0, T0)
    add(db, boiler, 21.0, T0 + timedelta(milliseconds=250))
    path = tmp_path / "ms.csv"
    run(db, path)
    times = [line.split(",")[2:5] for line in path.read_text("utf-8").splitlines()[1:]]
    assert times == [
        ["2026-03-01T12:00:00.000+00:00", "2026-03-01 12:00:00.000", "2026-03-01 12:00:00.000"],
        ["2026-03-01T12:00:00.250+00:00", "2026-03-01 12:00:00.250", "2026-03-01 12:00:00.250"],
    ]


def test_the_period_is_start_inclusive_end_exclusive(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    for hour in range(5):
        add(db, boiler, float(hour + 20), T0 + timedelta(hours=hour))
    start, end = to_epoch_ms(T0 + timedelta(hours=1)), to_epoch_ms(T0 + timedelta(hours=3))
    path = tmp_path / "period.csv"
    assert run(db, path, start_ms=start, end_ms=end) == 2
    assert [line.split(",")[5] for line in path.read_text("utf-8").splitlines()[1:]] == [
        "21.0",
        "22.0",
    ]


def test_corrected_originals_are_left_out_unless_asked(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    original = add(db, boiler, 20.0, T0)
    correct_reading(db, original, value=25.0, reason="typed wrong")
    assert run(db, tmp_path / "current.csv") == 1
    assert "25.0" in (tmp_path / "current.csv").read_text("utf-8")
    assert run(db, tmp_path / "all.csv", include_superseded=True) == 2


def test_no_readings_gives_the_header_only(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    path = tmp_path / "empty.csv"
    summary = export(db, path, ExportFormat.CSV)
    assert (summary.readings, summary.devices) == (0, 1)
    assert path.read_bytes() == b"\xef\xbb\xbf" + HEADER.encode()


def test_archived_devices_are_left_out_unless_chosen(
    db: Database, boiler: DeviceRecord, meter: DeviceRecord, tmp_path: Path
) -> None:
    add(db, meter, 1.0, T0)
    archive_device(db, meter.id)
    assert export(db, tmp_path / "a.csv", ExportFormat.CSV).devices == 1
    chosen = ExportRequest(device_ids=[meter.id])
    assert export(db, tmp_path / "b.csv", ExportFormat.CSV, chosen).readings == 1


def test_control_characters_do_not_make_the_csv_binary(
    sqlite_db: SqliteDatabase, tmp_path: Path
) -> None:
    """Found by the frozen check: a NUL in a note made the export unreadable to the importer.
    (SQLite's text can hold a NUL, PostgreSQL's cannot.)"""
    db = sqlite_db
    device = create_device(db, DeviceFields("Pump", default_unit="bar"))
    add_reading(db, NewReading(device.id, 1.0, datetime(2026, 1, 1, tzinfo=UTC),
                               note="nul\x00byte, bell\x07, tab\tkept"))  # fmt: skip
    export(db, tmp_path / "x.csv", ExportFormat.CSV)
    data = (tmp_path / "x.csv").read_bytes()
    assert b"\x00" not in data and b"\x07" not in data
    assert "nul\ufffdbyte, bell\ufffd, tab\tkept" in data.decode("utf-8")


def test_export_times_are_the_stored_instants_to_the_millisecond() -> None:
    """The export's fast local time is the exact one, across DST changes and 1970–2100."""
    from core.exporting.job import ExportJob, ExportRequest
    from core.timeutil import from_epoch_ms

    edges = [0, 1, 999, 4_102_444_799_999]  # 1970, and the last millisecond of 2099
    dst = [1_711_846_799_999, 1_711_846_800_000, 1_729_990_799_999, 1_729_990_800_000]  # 2024
    moments = edges + dst + [n * 7_919_993_917 for n in range(500)]
    for zone in (BERLIN, UTC, None):
        job = ExportJob.__new__(ExportJob)
        job.zone, job.request = zone, ExportRequest()
        for ms in moments:
            expected = from_epoch_ms(ms).astimezone(zone)
            found = job.local(ms)
            assert found == expected and found.utcoffset() == expected.utcoffset(), ms
            assert found.isoformat(timespec="milliseconds") == expected.isoformat(
                timespec="milliseconds"
            )


def test_the_three_time_texts_are_isoformat_s_to_the_millisecond() -> None:
    """The CSV's fast time texts are what ``isoformat`` writes, across DST changes, an offset
    with seconds (Monrovia until 1972) and 1970–2100."""
    from zoneinfo import ZoneInfo

    from core.exporting.csv import _Clock
    from core.timeutil import from_epoch_ms

    edges = [0, 1, 999, 63_071_999_999, 4_102_444_799_999]
    dst = [1_711_846_799_999, 1_711_846_800_000, 1_729_990_799_999, 1_729_990_800_000]
    moments = edges + dst + [n * 7_919_993_917 for n in range(500)]
    zones = (BERLIN, UTC, ZoneInfo("Africa/Monrovia"), ZoneInfo("America/St_Johns"), None)
    for milliseconds, timespec in ((True, "milliseconds"), (False, "seconds")):
        clock = _Clock(milliseconds)
        for zone in zones:
            for ms in moments:
                if not milliseconds:
                    ms -= ms % 1000
                moment = from_epoch_ms(ms).astimezone(zone)
                iso = moment.isoformat(timespec=timespec)
                utc = from_epoch_ms(ms).isoformat(sep=" ", timespec=timespec)[:-6]
                expected = (iso, moment.replace(tzinfo=None).isoformat(" ", timespec), utc)
                assert clock.texts(ms, moment.utcoffset()) == expected, (zone, ms)


def test_the_devices_file_beside_holds_every_device_whole(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    """Every device of the export, readings or not, every field; text as safe as the readings'."""
    from core.devices import DeviceFields, archive_device, create_device

    add(db, boiler, 20.0, T0)
    fields = DeviceFields("=Spare", manufacturer="WIKA", model="232.50",
                          notes="line one\nline two", low_limit=0.1 + 0.2,
                          calibration_interval_days=730)  # fmt: skip
    spare = create_device(db, fields)
    archive_device(db, spare.id)
    path = tmp_path / "march.csv"
    summary = export(db, path, ExportFormat.CSV, ExportRequest(device_ids=[boiler.id, spare.id]))
    assert summary.devices_path == tmp_path / "march.devices.csv"
    text = summary.devices_path.read_bytes().decode("utf-8")
    archived = archive_time(db, spare.id)
    assert text == (
        "\ufeffName,Serial,Type,Manufacturer,Model,Location,Unit,Low limit,High limit,"
        "Calibration due,Calibrate every (days),Status,Notes,Archived (UTC),UID\r\n"
        f'\'=Spare,,,WIKA,232.50,,,0.30000000000000004,,,730.0,active,"line one\nline two",'
        f"{archived},{spare.uid}\r\n"
        f"Boiler,SN-1,Thermometer,,,Plant room,°C,10.0,80.0,2026-06-30,,active,,,{boiler.uid}\r\n"
    )


def archive_time(db: Database, device_id: int) -> str:
    from core.device_table import utc_text
    from core.models import devices

    with db.read() as conn:
        ms = conn.execute(devices.select().where(devices.c.id == device_id)).one().archived_at
    return utc_text(ms)

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
        HEADER + "'=Conductivity,'+42,2026-03-01T12:30:00+00:00,612.0,µS/cm,above,'@Chloé,"
        "'+1 spare,manual\r\n"
        + "Boiler,SN-1,2026-03-01T12:00:00+00:00,0.30000000000000004,°C,below,Anna Müller,"
        "'=SUM(A1:A9),manual\r\n"
        + "Boiler,SN-1,2026-03-01T13:00:00+00:00,95.5,°C,above,'-Bob,,import\r\n"
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
    times = [line.split(",")[2] for line in path.read_text("utf-8").splitlines()[1:]]
    assert times == ["2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00"]


def test_milliseconds_appear_on_every_time_once_one_needs_them(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    add(db, boiler, 20.0, T0)
    add(db, boiler, 21.0, T0 + timedelta(milliseconds=250))
    path = tmp_path / "ms.csv"
    run(db, path)
    times = [line.split(",")[2] for line in path.read_text("utf-8").splitlines()[1:]]
    assert times == ["2026-03-01T12:00:00.000+00:00", "2026-03-01T12:00:00.250+00:00"]


def test_the_period_is_start_inclusive_end_exclusive(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    for hour in range(5):
        add(db, boiler, float(hour + 20), T0 + timedelta(hours=hour))
    start, end = to_epoch_ms(T0 + timedelta(hours=1)), to_epoch_ms(T0 + timedelta(hours=3))
    path = tmp_path / "period.csv"
    assert run(db, path, start_ms=start, end_ms=end) == 2
    assert [line.split(",")[3] for line in path.read_text("utf-8").splitlines()[1:]] == [
        "21.0",
        "22.0",
    ]


def test_corrected_originals_are_left_out_unless_asked(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    original = add(db, boiler, 20.0, T0)
    correct_reading(db, original, value=25.0)
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

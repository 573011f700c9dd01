"""Exports to CSV, XLSX and PDF: exact content, safety of the target file, bounded memory."""

import io
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core import __version__
from core.db import Database
from core.devices import DeviceFields, DeviceRecord, archive_device, create_device
from core.errors import FieldLogError, NotFoundError
from core.exporting import ExportCancelled, ExportFormat, ExportRequest, Row, export
from core.models import ReadingSource
from core.readings import NewReading, add_reading, correct_reading
from core.report_pdf import Envelope, nice_ticks
from core.resources import resource_path
from core.timeutil import to_epoch_ms

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
HEADER = "device,serial,time,value,unit,limit,operator,note,source\r\n"


@pytest.fixture
def boiler(db: Database) -> DeviceRecord:
    fields = DeviceFields(name="Boiler", serial_number="SN-1", device_type="Thermometer",
                          location="Plant room", default_unit="°C", low_limit=10.0,
                          high_limit=80.0, calibration_due=date(2026, 6, 30))  # fmt: skip
    return create_device(db, fields)


@pytest.fixture
def meter(db: Database) -> DeviceRecord:
    fields = DeviceFields(name="=Conductivity", serial_number="+42", default_unit="µS/cm",
                          high_limit=500.0)  # fmt: skip
    return create_device(db, fields)


def add(db: Database, device: DeviceRecord, value: float, moment: datetime, **kw: object) -> int:
    return add_reading(db, NewReading(device.id, value, moment, **kw)).id  # type: ignore[arg-type]


def run(db: Database, path: Path, fmt: ExportFormat = ExportFormat.CSV, **kw: object) -> int:
    request = ExportRequest(**kw)  # type: ignore[arg-type]
    return export(db, path, fmt, request, local_zone=UTC).readings


@pytest.fixture
def two_devices(db: Database, boiler: DeviceRecord, meter: DeviceRecord) -> Database:
    add(db, boiler, 0.1 + 0.2, T0, operator="Anna Müller", note="=SUM(A1:A9)")
    add(db, boiler, 95.5, T0 + timedelta(hours=1), operator="-Bob", source=ReadingSource.IMPORT)
    add(db, meter, 612.0, T0 + timedelta(minutes=30), operator="@Chloé", note="+1 spare")
    return db


# --- CSV -------------------------------------------------------------------------------------


def test_csv_content_is_exact(two_devices: Database, tmp_path: Path) -> None:
    """Sorted by device name then time; formula-like text gets one apostrophe; repr values."""
    path = tmp_path / "out.csv"
    assert run(two_devices, path) == 3
    assert path.read_bytes().decode("utf-8") == (
        HEADER + "'=Conductivity,'+42,2026-03-01T12:30:00+00:00,612.0,µS/cm,above,'@Chloé,"
        "'+1 spare,manual\r\n"
        + "Boiler,SN-1,2026-03-01T12:00:00+00:00,0.30000000000000004,°C,below,Anna Müller,"
        "'=SUM(A1:A9),manual\r\n"
        + "Boiler,SN-1,2026-03-01T13:00:00+00:00,95.5,°C,above,'-Bob,,import\r\n"
    )


def test_the_bom_is_written_only_when_asked(two_devices: Database, tmp_path: Path) -> None:
    run(two_devices, tmp_path / "plain.csv")
    run(two_devices, tmp_path / "excel.csv", excel_bom=True)
    assert (tmp_path / "plain.csv").read_bytes().startswith(b"device,")
    assert (tmp_path / "excel.csv").read_bytes().startswith(b"\xef\xbb\xbfdevice,")


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
    assert path.read_bytes() == HEADER.encode()


def test_archived_devices_are_left_out_unless_chosen(
    db: Database, boiler: DeviceRecord, meter: DeviceRecord, tmp_path: Path
) -> None:
    add(db, meter, 1.0, T0)
    archive_device(db, meter.id)
    assert export(db, tmp_path / "a.csv", ExportFormat.CSV).devices == 1
    chosen = ExportRequest(device_ids=[meter.id])
    assert export(db, tmp_path / "b.csv", ExportFormat.CSV, chosen).readings == 1


def test_a_bad_selection_is_refused_with_a_message(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError, match="no device with id 999"):
        export(db, tmp_path / "x.csv", ExportFormat.CSV, ExportRequest(device_ids=[boiler.id, 999]))
    with pytest.raises(FieldLogError, match="No devices were chosen"):
        export(db, tmp_path / "x.csv", ExportFormat.CSV, ExportRequest(device_ids=[]))
    with pytest.raises(FieldLogError, match="end of the export period"):
        export(db, tmp_path / "x.csv", ExportFormat.CSV, ExportRequest(start_ms=5, end_ms=5))
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob(".*"))


def test_a_missing_folder_is_named(two_devices: Database, tmp_path: Path) -> None:
    with pytest.raises(FieldLogError, match=r"folder .*nowhere does not exist"):
        export(two_devices, tmp_path / "nowhere" / "x.csv", ExportFormat.CSV)
    assert not (tmp_path / "nowhere").exists()


def test_a_locked_target_is_explained(
    two_devices: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(self: Path, target: Path) -> Path:
        raise PermissionError(13, "The process cannot access the file", str(target))

    monkeypatch.setattr(Path, "replace", locked)
    with pytest.raises(FieldLogError, match="open in another program"):
        export(two_devices, tmp_path / "x.csv", ExportFormat.CSV)
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob(".x.csv*"))


def test_no_devices_at_all_is_refused(db: Database, tmp_path: Path) -> None:
    with pytest.raises(FieldLogError, match="no devices to export"):
        export(db, tmp_path / "x.csv", ExportFormat.CSV)


# --- the target file is safe ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_a_cancel_leaves_the_old_file_and_nothing_else(
    two_devices: Database, tmp_path: Path, fmt: ExportFormat
) -> None:
    """The cancel comes after the first page, when the writers are under way."""
    answers = iter([False, True])
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"report.{fmt}"
    target.write_text("the old export")
    with pytest.raises(ExportCancelled, match="cancelled"):
        export(two_devices, target, fmt, cancelled=lambda: next(answers, True))
    assert target.read_text() == "the old export"
    assert list(out.iterdir()) == [target]


def test_a_failure_leaves_the_old_file(two_devices: Database, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "report.csv"
    target.write_text("the old export")

    def fail(done: int, total: int) -> None:
        raise OSError("disk full")

    with pytest.raises(FieldLogError, match=r"Cannot export to .*report\.csv: disk full"):
        export(two_devices, target, ExportFormat.CSV, progress=fail)
    assert target.read_text() == "the old export"
    assert list(target.parent.iterdir()) == [target]


def test_progress_reaches_the_total(two_devices: Database, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export(two_devices, tmp_path / "x.csv", ExportFormat.CSV, progress=lambda *p: seen.append(p))
    assert seen[-1] == (3, 3)


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_has_real_dates_numbers_and_text_that_is_never_a_formula(
    two_devices: Database, tmp_path: Path
) -> None:
    path = tmp_path / "out.xlsx"
    export(two_devices, path, ExportFormat.XLSX, local_zone=BERLIN)
    book = load_workbook(path)
    sheet = book["Readings"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Device", "Serial", "Time (local)", "UTC offset", "Value"]
    first = sheet[2]
    assert first[0].value == "=Conductivity" and first[0].data_type == "s"
    assert first[1].value == "+42" and first[1].data_type == "s"
    assert first[2].value == datetime(2026, 3, 1, 13, 30) and first[2].is_date
    assert first[2].number_format == "yyyy-mm-dd hh:mm:ss"
    assert first[3].value == "+01:00"
    assert first[4].value == 612.0 and first[4].data_type == "n"  # openpyxl writes 612.0 as 612
    assert first[6].value == "above" and first[0].fill.fgColor.rgb == "FFF4CCCC"
    boiler_row = sheet[3]
    assert boiler_row[4].value == pytest.approx(0.1 + 0.2, rel=1e-15)  # openpyxl: 16 digits
    assert boiler_row[8].value == "=SUM(A1:A9)" and boiler_row[8].data_type == "s"
    assert sheet.max_row == 4


def test_xlsx_devices_sheet(two_devices: Database, tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    export(two_devices, path, ExportFormat.XLSX)
    rows = list(load_workbook(path)["Devices"].iter_rows(values_only=True))
    assert rows[0] == ("Name", "Serial", "Type", "Location", "Unit", "Low limit", "High limit",
                       "Calibration due")  # fmt: skip
    assert rows[2] == ("Boiler", "SN-1", "Thermometer", "Plant room", "°C", 10.0, 80.0,
                       datetime(2026, 6, 30))  # fmt: skip


# --- PDF -------------------------------------------------------------------------------------


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_report_has_details_summary_operators_and_version(
    two_devices: Database, tmp_path: Path
) -> None:
    path = tmp_path / "report.pdf"
    export(two_devices, path, ExportFormat.PDF, local_zone=BERLIN)
    assert path.read_bytes().startswith(b"%PDF")
    pages, text = pdf_text(path)
    assert pages >= 2  # one section per device, each starting on a page
    for expected in ("Boiler", "=Conductivity", "SN-1", "µS/cm", "°C", "Plant room",
                     "2026-06-30", "Anna Müller", "-Bob", "@Chloé", "95.5", "0.3", "612",
                     f"FieldLog {__version__}", f"page 1 of {pages}", "UTC+01:00"):  # fmt: skip
        assert expected in text, expected


def test_pdf_says_when_a_device_has_no_readings(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    path = tmp_path / "empty.pdf"
    export(db, path, ExportFormat.PDF)
    assert "No readings in this period." in pdf_text(path)[1]


def test_pdf_lists_the_first_readings_and_counts_the_rest(
    db: Database, boiler: DeviceRecord, tmp_path: Path
) -> None:
    rows = [(boiler.id, to_epoch_ms(T0) + i * 60_000, 20.0 + i % 7, "°C", 0, 0) for i in range(620)]
    insert_rows(db, rows)
    path = tmp_path / "long.pdf"
    export(db, path, ExportFormat.PDF)
    text = pdf_text(path)[1]
    assert "… and 120 more readings" in text and "620" in text


def test_the_fonts_ship_with_their_licence() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE.txt"):
        assert resource_path("fonts", name).is_file()


# --- scale -----------------------------------------------------------------------------------


def insert_rows(db: Database, rows: list[tuple[int, int, float, str, int, int]]) -> None:
    with db.driver_write() as conn:
        conn.executemany(
            "INSERT INTO readings (device_id, recorded_at, value, unit, source, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )


@pytest.fixture
def big(db: Database, boiler: DeviceRecord) -> Database:
    start = to_epoch_ms(T0)
    rows = [(boiler.id, start + i * 1000, 20.0 + (i % 997) / 10, "°C", 1, start)
            for i in range(200_000)]  # fmt: skip
    insert_rows(db, rows)
    return db


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.PDF])
def test_200k_readings_export_in_bounded_memory(
    big: Database, tmp_path: Path, fmt: ExportFormat
) -> None:
    path = tmp_path / f"big.{fmt}"
    tracemalloc.start()
    started = time.perf_counter()
    try:
        summary = export(big, path, fmt, local_zone=UTC)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.readings == 200_000
    assert peak < 30 * 2**20, f"peak {peak / 2**20:.1f} MB"
    print(f"{fmt}: {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:.1f} MB")


def test_a_cancelled_xlsx_leaves_no_temporary_sheet_files(
    two_devices: Database, tmp_path: Path
) -> None:
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    before = len(ALL_TEMP_FILES)
    answers = iter([False, True])
    with pytest.raises(ExportCancelled):
        export(two_devices, tmp_path / "x.xlsx", ExportFormat.XLSX,
               cancelled=lambda: next(answers, True))  # fmt: skip
    made = ALL_TEMP_FILES[before:]
    assert made and not any(Path(name).exists() for name in made)


def test_chart_ticks_are_round_numbers() -> None:
    assert [label for _, label in nice_ticks(5.671, 8.66)] == ["6.0", "6.5", "7.0", "7.5",
                                                                "8.0", "8.5"]  # fmt: skip
    assert [label for _, label in nice_ticks(-3.0, 1200.0)] == ["0", "500", "1000"]


def test_the_chart_envelope_keeps_every_extreme_in_few_columns() -> None:
    """100k points become at most two vertices per column, and no spike is lost."""
    rows = [Row(i * 1000, 50.0 + (i % 10), "°C", None, None, 0, i) for i in range(100_000)]
    rows[54_321] = rows[54_321]._replace(value=999.0)
    envelope = Envelope(0, 100_000 * 1000, 600)
    envelope.add(rows[:50_000])
    envelope.add(rows[50_000:])
    assert len(envelope.filled) == 600
    assert envelope.value_range() == (50.0, 999.0)
    assert envelope.high[envelope.column_of(np.array([54_321_000]))[0]] == 999.0


def test_extreme_values_still_make_a_report(db: Database, tmp_path: Path) -> None:
    """Found by the frozen check on the 0001 fixture: 1.8e308 overflowed the chart's axis."""
    device = create_device(db, DeviceFields("Extremes", default_unit="bar"))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n, value in enumerate((1.7976931348623157e308, -1e300, 0.0, 5e-324)):
        add_reading(db, NewReading(device.id, value, start + timedelta(hours=n)))
    summary = export(db, tmp_path / "x.pdf", ExportFormat.PDF)
    assert summary.readings == 4 and (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    labels = [label for _, label in nice_ticks(-1e300, 1.7976931348623157e308)]
    assert labels and all(len(label) < 12 for label in labels)


def test_control_characters_do_not_make_the_csv_binary(db: Database, tmp_path: Path) -> None:
    """Found by the frozen check: a NUL in a note made the export unreadable to the importer."""
    device = create_device(db, DeviceFields("Pump", default_unit="bar"))
    add_reading(db, NewReading(device.id, 1.0, datetime(2026, 1, 1, tzinfo=UTC),
                               note="nul\x00byte, bell\x07, tab\tkept"))  # fmt: skip
    export(db, tmp_path / "x.csv", ExportFormat.CSV)
    data = (tmp_path / "x.csv").read_bytes()
    assert b"\x00" not in data and b"\x07" not in data
    assert "nul\ufffdbyte, bell\ufffd, tab\tkept" in data.decode("utf-8")

"""Exports of readings: CSV, an Excel workbook, or a PDF report per device.

Every export reads one consistent snapshot of the database (a read transaction: in WAL mode it
blocks nobody) and streams readings in keyset pages of one device at a time, so memory stays
bounded for millions of rows. The file is written beside the target and renamed over it only
when complete (``write_atomically``): a failure or a cancel leaves the old file untouched.

Text that a spreadsheet could take for a formula (starting with ``= + - @``, tab or CR) is
written as plain text: in CSV with a leading apostrophe, which Excel and LibreOffice show as
text (FieldLog's importer strips one leading apostrophe before those characters, so the round
trip holds); in XLSX as a string cell, so the text is exact.

Values: CSV writes ``repr(value)``, which reads back as the same float; openpyxl writes XLSX
numbers with 16 significant digits (Excel shows 15), so the last bit can differ there.
openpyxl and fpdf2 are imported when used: the export dialog imports this module at start-up.
"""

import csv
import math
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from core import __version__
from core.chart_data import ALL_TIME_MS, write_atomically
from core.db import Database
from core.errors import FieldLogError, NotFoundError
from core.models import ReadingSource
from core.readings import LimitFlag
from core.resources import resource_path
from core.timeutil import from_epoch_ms
from core.validation import formula_safe

if TYPE_CHECKING:
    from fpdf import FPDF

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

PAGE_ROWS = 5000  # readings per query: large enough to be fast, small enough to stay bounded
CSV_COLUMNS = ("device", "serial", "time", "value", "unit", "limit", "operator", "note",
               "source")  # fmt: skip
SOURCE_NAMES = {int(ReadingSource.MANUAL): "manual", int(ReadingSource.IMPORT): "import"}
_IN_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on bound parameters


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


class ExportCancelled(FieldLogError):
    """The user cancelled an export; no file was written and the old one is as it was."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export. Times are epoch milliseconds (UTC), ``[start_ms, end_ms)``."""

    device_ids: list[int] | None = None  # None: every device that is not archived
    start_ms: int | None = None
    end_ms: int | None = None
    excel_bom: bool = False  # CSV only: a UTF-8 BOM, so that Excel reads the file as UTF-8
    include_superseded: bool = False  # the originals that corrections replaced


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    readings: int
    devices: int
    format: ExportFormat


@dataclass(frozen=True)
class ExportDevice:
    """A device as an export shows it."""

    id: int
    name: str
    serial: str | None
    device_type: str | None
    location: str | None
    unit: str
    low: float | None
    high: float | None
    calibration_due: date | None

    def flag(self, value: float) -> str:
        """The CSV's limit column: empty within the limits, else "below" or "above"."""
        found = LimitFlag.of(value, self.low, self.high)
        return "" if found is LimitFlag.WITHIN else found.value


class Row(NamedTuple):
    """One reading as read from the database (a tuple: millions are made)."""

    recorded_at: int
    value: float
    unit: str
    operator: str | None
    note: str | None
    source: int
    id: int


@dataclass(frozen=True)
class DeviceStats:
    """What the database says about one device's readings in the period, before streaming."""

    count: int = 0
    minimum: float | None = None
    maximum: float | None = None
    mean: float | None = None
    out_of_limits: int = 0
    first_ms: int | None = None
    last_ms: int | None = None
    has_milliseconds: bool = False


def export(
    db: Database,
    path: Path,
    fmt: ExportFormat,
    request: ExportRequest = ExportRequest(),  # frozen, so one shared default is safe
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    local_zone: tzinfo | None = None,
) -> ExportSummary:
    """Write the readings of ``request`` to ``path`` as ``fmt``.

    ``progress(done, total)`` is called after each page of readings; ``cancelled()`` is asked
    as often, and when it says True the export stops with ``ExportCancelled``. Times are shown
    in ``local_zone`` (default: the machine's zone at each moment).
    """
    fmt = ExportFormat(fmt)
    _check_period(request)
    _check_target(path)
    with _snapshot(db) as conn:
        devices = _selected_devices(conn, request)
        job = ExportJob(conn, request, devices, local_zone, progress, cancelled)
        try:
            write_atomically(path, lambda tmp: WRITERS[fmt](job, tmp))
        except PermissionError as exc:
            raise FieldLogError(
                f"Cannot write {path}: it is open in another program (Excel locks the files it "
                "shows) or the folder is read-only. Close it, or choose another folder."
            ) from exc
    return ExportSummary(path, job.done, len(devices), fmt)


def _check_period(request: ExportRequest) -> None:
    start, end = request.start_ms, request.end_ms
    if start is not None and end is not None and end <= start:
        raise FieldLogError("The end of the export period must come after its start.")


def _check_target(path: Path) -> None:
    """Say plainly what is wrong with the target before any work is done."""
    if not path.parent.is_dir():
        raise FieldLogError(f"Cannot export to {path}: the folder {path.parent} does not exist.")
    if path.is_dir():
        raise FieldLogError(f"Cannot export to {path}: it is a folder; choose a file name.")


@contextmanager
def _snapshot(db: Database) -> Iterator[sqlite3.Connection]:
    """A read transaction: every query of the export sees the same data (counts match rows)."""
    with db.raw() as conn:
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("ROLLBACK")


# --- what is exported ----------------------------------------------------------------------

_DEVICE_SQL = (
    "SELECT id, name, serial_number, device_type, location, coalesce(default_unit, ''), "
    "low_limit, high_limit, calibration_due FROM devices"
)


def _selected_devices(conn: sqlite3.Connection, request: ExportRequest) -> list[ExportDevice]:
    """The devices to export, by name; a clear error for an empty or unknown selection."""
    if request.device_ids is None:
        rows = conn.execute(f"{_DEVICE_SQL} WHERE archived_at IS NULL").fetchall()
        if not rows:
            raise FieldLogError("There are no devices to export.")
    else:
        rows = _devices_by_ids(conn, request.device_ids)
    found = [_device(row) for row in rows]
    return sorted(found, key=lambda d: (d.name.casefold(), d.id))


def _devices_by_ids(conn: sqlite3.Connection, device_ids: list[int]) -> list[Any]:
    wanted = list(dict.fromkeys(device_ids))
    if not wanted:
        raise FieldLogError("No devices were chosen: choose at least one device to export.")
    rows: list[Any] = []
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows += conn.execute(f"{_DEVICE_SQL} WHERE id IN ({marks})", chunk).fetchall()
    missing = sorted(set(wanted) - {row[0] for row in rows})
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise NotFoundError(f"There is no device with id {listed}: it may have been deleted.")
    return rows


def _device(row: Any) -> ExportDevice:
    device_id, name, serial, device_type, location, unit, low, high, due = row
    return ExportDevice(device_id, name, serial, device_type, location, unit, low, high,
                        calibration_due=date.fromisoformat(due) if due else None)  # fmt: skip


_STATS_SQL = """
SELECT count(*), min(value), max(value), avg(value), total(value < ?) + total(value > ?),
       min(recorded_at), max(recorded_at), max(recorded_at % 1000 <> 0)
FROM readings
WHERE device_id = ? AND recorded_at >= ? AND recorded_at < ? AND (superseded = 0 OR ?)
"""
_PAGE_SQL = """
SELECT recorded_at, value, unit, operator, note, source, id FROM readings
WHERE device_id = ? AND recorded_at >= ? AND recorded_at < ? AND (superseded = 0 OR ?)
  AND (recorded_at, id) > (?, ?)
ORDER BY recorded_at, id
LIMIT ?
"""
_OPERATORS_SQL = """
SELECT operator FROM readings
WHERE device_id = ? AND recorded_at >= ? AND recorded_at < ? AND (superseded = 0 OR ?)
  AND operator IS NOT NULL
GROUP BY operator ORDER BY count(*) DESC, operator
"""


@dataclass
class ExportJob:
    """An export under way: the snapshot, the devices, and how far it has got."""

    conn: sqlite3.Connection
    request: ExportRequest
    devices: list[ExportDevice]
    zone: tzinfo | None
    progress: Progress | None
    cancelled: Cancelled | None
    done: int = 0
    start: int = field(init=False)
    end: int = field(init=False)
    stats: dict[int, DeviceStats] = field(init=False)
    total: int = field(init=False)  # readings to write, for progress

    def __post_init__(self) -> None:
        self.start = ALL_TIME_MS[0] if self.request.start_ms is None else self.request.start_ms
        self.end = ALL_TIME_MS[1] if self.request.end_ms is None else self.request.end_ms
        self.stats = {d.id: self._stats(d) for d in self.devices}
        self.total = sum(s.count for s in self.stats.values())

    @property
    def has_milliseconds(self) -> bool:
        """Whether any time needs milliseconds: then every time in the file shows them."""
        return any(s.has_milliseconds for s in self.stats.values())

    def _bounds(self, device: ExportDevice) -> tuple[int, int, int, bool]:
        return device.id, self.start, self.end, self.request.include_superseded

    def _stats(self, device: ExportDevice) -> DeviceStats:
        row = self.conn.execute(_STATS_SQL, (device.low, device.high, *self._bounds(device)))
        count, low, high, mean, out, first, last, ms = row.fetchone()
        return DeviceStats(count, low, high, mean, int(out), first, last, bool(ms))

    def operators(self, device: ExportDevice) -> list[str]:
        """Who recorded the device's readings in the period, the most frequent first."""
        rows = self.conn.execute(_OPERATORS_SQL, self._bounds(device)).fetchall()
        return [str(row[0]) for row in rows]

    def pages(self, device: ExportDevice) -> Iterator[list[Row]]:
        """The device's readings in time order, a page at a time (keyset: no OFFSET)."""
        device_id, start, end, superseded = self._bounds(device)
        key = (start, -1)
        while True:
            self.check_cancelled()
            low = max(start, key[0])  # a plain bound, so that SQLite seeks in the index
            params = (device_id, low, end, superseded, *key, PAGE_ROWS)
            page = [Row(*r) for r in self.conn.execute(_PAGE_SQL, params).fetchall()]
            if not page:
                return
            yield page
            self.advance(len(page))
            key = (page[-1].recorded_at, page[-1].id)

    def all_pages(self) -> Iterator[tuple[ExportDevice, list[Row]]]:
        for device in self.devices:
            for page in self.pages(device):
                yield device, page

    def advance(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)

    def check_cancelled(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ExportCancelled("The export was cancelled; no file was written.")

    def local(self, ms: int) -> datetime:
        """The moment in the export's zone (the machine's own when none was given)."""
        return from_epoch_ms(ms).astimezone(self.zone)


def _offset(moment: datetime) -> str:
    """The UTC offset of an aware datetime as ISO 8601 writes it: "+01:00"."""
    return moment.isoformat()[-6:] if moment.utcoffset() else "+00:00"


def _plain_text(text: str | None) -> str:
    """Text a spreadsheet will not run as a formula: one apostrophe before a risky start."""
    if not text:
        return ""
    return formula_safe(text)


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.6g}"


# --- CSV -----------------------------------------------------------------------------------


def _write_csv(job: ExportJob, tmp: Path) -> None:
    """One header row, then one row per reading: by device name, then time."""
    timespec = "milliseconds" if job.has_milliseconds else "seconds"
    encoding = "utf-8-sig" if job.request.excel_bom else "utf-8"
    with tmp.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for device, page in job.all_pages():
            writer.writerows(_csv_row(job, device, row, timespec) for row in page)


def _csv_row(job: ExportJob, device: ExportDevice, row: Row, timespec: str) -> list[str]:
    return [
        _plain_text(device.name),
        _plain_text(device.serial),
        job.local(row.recorded_at).isoformat(timespec=timespec),
        repr(row.value),
        _plain_text(row.unit),
        device.flag(row.value),
        _plain_text(row.operator),
        _plain_text(row.note),
        SOURCE_NAMES.get(row.source, str(row.source)),
    ]


# --- XLSX ----------------------------------------------------------------------------------

XLSX_COLUMNS = ("Device", "Serial", "Time (local)", "UTC offset", "Value", "Unit", "Limit",
                "Operator", "Note", "Source")  # fmt: skip
XLSX_WIDTHS = (28, 14, 20, 10, 12, 8, 8, 16, 40, 8)
DEVICE_COLUMNS = ("Name", "Serial", "Type", "Location", "Unit", "Low limit", "High limit",
                  "Calibration due")  # fmt: skip
DEVICE_WIDTHS = (28, 14, 24, 20, 8, 10, 10, 16)
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 cannot hold


class _XlsxStyles:
    """The few styles of the workbook, made once (openpyxl dedupes them, but not for free)."""

    def __init__(self, milliseconds: bool) -> None:
        from openpyxl.styles import Font, PatternFill

        self.bold = Font(bold=True)
        self.alarm = PatternFill("solid", fgColor="FFF4CCCC")
        self.time_format = "yyyy-mm-dd hh:mm:ss" + (".000" if milliseconds else "")


def _write_xlsx(job: ExportJob, tmp: Path) -> None:
    """A "Readings" sheet (real dates and numbers) and a "Devices" sheet.

    Excel has no time zones, so "Time (local)" holds the local wall-clock time and "UTC offset"
    the offset in force then: together they name the instant, even around a DST change.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    try:
        styles = _XlsxStyles(job.has_milliseconds)
        readings = _sheet(book, "Readings", XLSX_COLUMNS, XLSX_WIDTHS, styles)
        devices = _sheet(book, "Devices", DEVICE_COLUMNS, DEVICE_WIDTHS, styles)
        for device in job.devices:
            devices.append(_xlsx_device_row(devices, device))
        for device, page in job.all_pages():
            for row in page:
                readings.append(_xlsx_row(job, readings, device, row, styles))
        book.save(tmp)
    except BaseException:
        _discard_workbook(book)
        raise


def _sheet(book: Any, title: str, columns: tuple[str, ...], widths: tuple[int, ...],
           styles: _XlsxStyles) -> Any:  # fmt: skip
    """A write-only sheet with a bold, frozen header row."""
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    header = [_xlsx_cell(sheet, name) for name in columns]
    for cell in header:
        cell.font = styles.bold
    sheet.append(header)
    return sheet


def _xlsx_cell(sheet: Any, value: Any, fill: Any = None, number_format: str | None = None) -> Any:
    """A styled cell, or one whose text must stay text (see ``_xlsx_value``)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl took a leading "=" for a formula; it is text
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _xlsx_value(sheet: Any, value: object) -> object:
    """``value`` as openpyxl should write it: plain values stay plain (a styled cell costs
    several times more, and there are millions), text starting "=" becomes a text cell.

    Characters XML cannot hold are replaced by U+FFFD rather than failing the export.
    """
    value = _xml_safe(value)
    return _xlsx_cell(sheet, value) if isinstance(value, str) and value.startswith("=") else value


def _xml_safe(value: object) -> object:
    return _ILLEGAL_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _xlsx_row(
    job: ExportJob, sheet: Any, device: ExportDevice, row: Row, styles: _XlsxStyles
) -> list[Any]:
    local = job.local(row.recorded_at)
    limit = device.flag(row.value)
    source = SOURCE_NAMES.get(row.source, str(row.source))
    values = [device.name, device.serial or "", None, _offset(local), row.value, row.unit, limit,
              row.operator or "", row.note or "", source]  # fmt: skip
    cells: list[Any]
    if limit:  # out of limits: every cell carries the fill, text cells are text
        cells = [_xlsx_cell(sheet, _xml_safe(v), styles.alarm) for v in values]
    else:
        cells = [_xlsx_value(sheet, v) for v in values]
    fill = styles.alarm if limit else None
    cells[2] = _xlsx_cell(sheet, local.replace(tzinfo=None), fill, styles.time_format)
    return cells


def _xlsx_device_row(sheet: Any, device: ExportDevice) -> list[Any]:
    values = (device.name, device.serial or "", device.device_type or "", device.location or "",
              device.unit, device.low, device.high, device.calibration_due)  # fmt: skip
    cells: list[Any] = [_xlsx_value(sheet, value) for value in values[:-1]]
    return [*cells, _xlsx_cell(sheet, device.calibration_due, number_format="yyyy-mm-dd")]


def _discard_workbook(book: Any) -> None:
    """Remove the temporary files a write-only workbook streams its sheets into.

    openpyxl deletes them only at interpreter exit; a long-running app that cancels large
    exports would otherwise fill the temp folder until it quits.
    """
    for sheet in book.worksheets:
        with suppress(Exception):  # best effort: the export has already failed
            sheet.close()  # ends its row stream, so that nothing writes to the file later
        out = getattr(getattr(sheet, "_writer", None), "out", None)
        if isinstance(out, str):
            Path(out).unlink(missing_ok=True)


# --- PDF -----------------------------------------------------------------------------------

PDF_TABLE_ROWS = 500  # readings listed per device; the summary covers them all
CHART_COLUMNS = 600  # min/max envelope columns: ~3 per millimetre of chart
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_FONT = "DejaVu"
_RED = (200, 30, 30)
_BAND = (214, 236, 214)
_ALARM_ROW = (250, 220, 220)
_TABLE = (("Time", 44.0), ("Value", 26.0), ("Unit", 16.0), ("Limit", 14.0),
          ("Operator", 32.0), ("Note", 58.0))  # fmt: skip


def _write_pdf(job: ExportJob, tmp: Path, *, compress: bool = True) -> None:
    """A report: one section per device, each starting on a new page."""
    pdf = _new_pdf(job, compress)
    for device in job.devices:
        _device_section(pdf, job, device)
    pdf.output(str(tmp))


def _new_pdf(job: ExportJob, compress: bool) -> "FPDF":
    from fpdf import FPDF

    generated = datetime.now(UTC).astimezone(job.zone)
    footer = f"FieldLog {__version__} · generated {_human_time(generated)}"

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(_FONT, size=7)
            self.set_text_color(100)
            self.cell(0, 5, f"{footer} · page {self.page_no()} of {{nb}}", align="C")

    pdf = Report(format="A4", unit="mm")
    pdf.set_compression(compress)
    for style, name in FONT_FILES.items():
        pdf.add_font(_FONT, style, str(resource_path("fonts", name)))
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title("FieldLog readings report")
    pdf.set_creator(f"FieldLog {__version__}")
    return pdf


def _human_time(moment: datetime) -> str:
    """Local time with the offset that makes it exact: "2026-03-29 01:30 (UTC+01:00)"."""
    return f"{moment:%Y-%m-%d %H:%M} (UTC{_offset(moment)})"


def _device_section(pdf: "FPDF", job: ExportJob, device: ExportDevice) -> None:
    stats = job.stats[device.id]
    pdf.add_page()
    pdf.set_font(_FONT, "B", 15)
    pdf.cell(0, 9, device.name, new_x="LMARGIN", new_y="NEXT")
    _details(pdf, _detail_lines(job, device, stats))
    if stats.count == 0:
        pdf.set_font(_FONT, "B", 11)
        pdf.cell(0, 10, "No readings in this period.", new_x="LMARGIN", new_y="NEXT")
        return
    chart = Envelope(*_chart_period(job, stats), CHART_COLUMNS)
    listed: list[Row] = []
    for page in job.pages(device):
        chart.add(page)
        listed += page[: PDF_TABLE_ROWS - len(listed)]
    draw_chart(pdf, job, device, chart)
    _table(pdf, job, device, listed, stats.count)


def _detail_lines(
    job: ExportJob, device: ExportDevice, stats: DeviceStats
) -> list[tuple[str, str]]:
    due = device.calibration_due.isoformat() if device.calibration_due else "–"
    operators = job.operators(device) if stats.count else []
    return [
        ("Serial", device.serial or "–"),
        ("Type", device.device_type or "–"),
        ("Location", device.location or "–"),
        ("Unit", device.unit or "–"),
        ("Limits", f"low {_number(device.low)}, high {_number(device.high)}"),
        ("Calibration due", due),
        ("Period", _period_text(job, stats)),
        ("Readings", f"{stats.count:,}"),
        ("Minimum / maximum", f"{_number(stats.minimum)} / {_number(stats.maximum)}"),
        ("Mean", _number(stats.mean)),
        ("Out of limits", f"{stats.out_of_limits:,}"),
        ("Operators", ", ".join(operators) or "–"),
    ]


def _period_text(job: ExportJob, stats: DeviceStats) -> str:
    start, end = job.request.start_ms, job.request.end_ms
    first = start if start is not None else stats.first_ms
    last = end if end is not None else stats.last_ms
    if first is None or last is None:
        return "all time"
    return f"{_human_time(job.local(first))} to {_human_time(job.local(last))}"


def _details(pdf: "FPDF", lines: list[tuple[str, str]]) -> None:
    for label, value in lines:
        pdf.set_font(_FONT, "B", 9)
        pdf.cell(42, 5, label)
        pdf.set_font(_FONT, "", 9)
        pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _chart_period(job: ExportJob, stats: DeviceStats) -> tuple[int, int]:
    first = job.request.start_ms if job.request.start_ms is not None else stats.first_ms
    last = job.request.end_ms if job.request.end_ms is not None else stats.last_ms
    assert first is not None and last is not None  # there are readings
    return first, max(last, first + 3_600_000)


class Envelope:
    """The min and max value per column of the chart, built page by page.

    A million readings become at most two vertices per column, and the extremes survive: an
    excursion beyond a limit stays visible however many points share its column.
    """

    def __init__(self, start_ms: int, end_ms: int, columns: int) -> None:
        self.start_ms, self.end_ms, self.columns = start_ms, end_ms, columns
        self.low = np.full(columns, np.inf)
        self.high = np.full(columns, -np.inf)

    def add(self, rows: list[Row]) -> None:
        times = np.fromiter((r.recorded_at for r in rows), np.int64, len(rows))
        values = np.fromiter((r.value for r in rows), np.float64, len(rows))
        column = self.column_of(times)
        np.minimum.at(self.low, column, values)
        np.maximum.at(self.high, column, values)

    def column_of(self, times_ms: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        span = max(1, self.end_ms - self.start_ms)
        scaled = (times_ms - self.start_ms) * self.columns // span
        return np.clip(scaled, 0, self.columns - 1).astype(np.intp)

    @property
    def filled(self) -> npt.NDArray[np.intp]:
        return np.flatnonzero(np.isfinite(self.low))

    def value_range(self) -> tuple[float, float]:
        filled = self.filled
        return float(self.low[filled].min()), float(self.high[filled].max())


@dataclass(frozen=True)
class ChartBox:
    """Where the chart is on the page, and the data range it shows."""

    x: float
    y: float
    width: float
    height: float
    start_ms: int
    end_ms: int
    low: float
    high: float

    def px(self, ms: float) -> float:
        return self.x + (ms - self.start_ms) / (self.end_ms - self.start_ms) * self.width

    def py(self, value: float) -> float:
        clipped = min(max(value, self.low), self.high)
        return self.y + self.height - (clipped - self.low) / (self.high - self.low) * self.height


def _value_axis(chart: Envelope, device: ExportDevice) -> tuple[float, float]:
    """The data's range widened to show both limits, with a margin."""
    low, high = chart.value_range()
    for limit in (device.low, device.high):
        if limit is not None:
            low, high = min(low, limit), max(high, limit)
    margin = (high - low) * 0.06 or max(abs(high) * 0.1, 1.0)
    return low - margin, high + margin


def draw_chart(pdf: "FPDF", job: ExportJob, device: ExportDevice, chart: Envelope) -> None:
    """Readings over the period: the limit band shaded, out-of-limit extremes in red."""
    if pdf.will_page_break(82):
        pdf.add_page()
    box = ChartBox(28.0, pdf.get_y() + 2, 172.0, 62.0, chart.start_ms, chart.end_ms,
                   *_value_axis(chart, device))  # fmt: skip
    _limit_band(pdf, box, device)
    _axes(pdf, job, box, device.unit)
    _curve(pdf, box, chart)
    _excursions(pdf, box, chart, device)
    pdf.set_xy(pdf.l_margin, box.y + box.height + 12)


def _limit_band(pdf: "FPDF", box: ChartBox, device: ExportDevice) -> None:
    if device.low is None and device.high is None:
        return
    top = box.py(device.high if device.high is not None else box.high)
    bottom = box.py(device.low if device.low is not None else box.low)
    pdf.set_fill_color(*_BAND)
    pdf.rect(box.x, top, box.width, bottom - top, style="F")


def _axes(pdf: "FPDF", job: ExportJob, box: ChartBox, unit: str) -> None:
    pdf.set_draw_color(120)
    pdf.set_line_width(0.2)
    pdf.rect(box.x, box.y, box.width, box.height)
    pdf.set_font(_FONT, "", 7)
    pdf.set_text_color(60)
    for value, label in nice_ticks(box.low, box.high):
        pdf.set_xy(box.x - 19, box.py(value) - 2)
        pdf.cell(18, 4, label, align="R")
    spans_days = box.end_ms - box.start_ms > 2 * 86_400_000
    for ms in np.linspace(box.start_ms, box.end_ms, 5):
        moment = job.local(int(ms))
        pdf.set_xy(box.px(ms) - 15, box.y + box.height + 1)
        pdf.cell(30, 4, f"{moment:%Y-%m-%d}" if spans_days else f"{moment:%m-%d %H:%M}",
                 align="C")  # fmt: skip
    pdf.set_xy(box.x, box.y + box.height + 5)
    zone = _offset(job.local(box.end_ms))
    pdf.cell(box.width, 4, f"local time (UTC{zone} at the end)", align="C")
    pdf.set_xy(box.x - 19, box.y - 5)
    pdf.cell(30, 4, unit or "value")
    pdf.set_text_color(0)


def nice_ticks(low: float, high: float, most: int = 6) -> list[tuple[float, str]]:
    """Round values (steps of 1, 2 or 5 times a power of ten) between ``low`` and ``high``,
    with their labels: a reader finds 7.5 on an axis faster than 7.483."""
    rough = (high - low) / most
    step = 10.0 ** math.floor(math.log10(rough))
    step *= next(m for m in (1, 2, 5, 10) if rough <= step * m)
    decimals = max(0, -math.floor(math.log10(step)))
    first = math.ceil(low / step)
    values = [n * step for n in range(first, math.floor(high / step) + 1)]
    return [(v, f"{v:.{decimals}f}") for v in values]


def _curve(pdf: "FPDF", box: ChartBox, chart: Envelope) -> None:
    points: list[tuple[float, float]] = []
    for column in chart.filled.tolist():
        x = box.x + (column + 0.5) / chart.columns * box.width
        low, high = float(chart.low[column]), float(chart.high[column])
        points.append((x, box.py(low)))
        if high != low:
            points.append((x, box.py(high)))
    pdf.set_draw_color(30, 80, 160)
    pdf.set_line_width(0.25)
    if len(points) > 1:
        pdf.polyline(points)
    else:
        _dot(pdf, *points[0], 0.6)


def _excursions(pdf: "FPDF", box: ChartBox, chart: Envelope, device: ExportDevice) -> None:
    pdf.set_fill_color(*_RED)
    filled = chart.filled
    for column in filled.tolist():
        x = box.x + (column + 0.5) / chart.columns * box.width
        if device.high is not None and chart.high[column] > device.high:
            _dot(pdf, x, box.py(float(chart.high[column])), 0.45)
        if device.low is not None and chart.low[column] < device.low:
            _dot(pdf, x, box.py(float(chart.low[column])), 0.45)


def _dot(pdf: "FPDF", x: float, y: float, radius: float) -> None:
    pdf.ellipse(x - radius, y - radius, 2 * radius, 2 * radius, style="F")


def _table(pdf: "FPDF", job: ExportJob, device: ExportDevice, rows: list[Row], total: int) -> None:
    """The first readings of the period, out-of-limit rows shaded."""
    _table_header(pdf)
    pdf.set_fill_color(*_ALARM_ROW)
    for row in rows:
        if pdf.will_page_break(4.5):
            pdf.add_page()
            _table_header(pdf)
            pdf.set_fill_color(*_ALARM_ROW)
        _table_row(pdf, job, device, row)
    if total > len(rows):
        pdf.set_font(_FONT, "", 8)
        pdf.cell(0, 6, f"… and {total - len(rows):,} more readings (the summary covers all).",
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip


def _table_header(pdf: "FPDF") -> None:
    pdf.set_draw_color(120)
    pdf.set_font(_FONT, "B", 8)
    for title, width in _TABLE:
        pdf.cell(width, 5, title, border="B")
    pdf.ln(5)
    pdf.set_font(_FONT, "", 7.5)


def _table_row(pdf: "FPDF", job: ExportJob, device: ExportDevice, row: Row) -> None:
    local = job.local(row.recorded_at)
    limit = device.flag(row.value)
    texts = (f"{local:%Y-%m-%d %H:%M:%S} {_offset(local)}", repr(row.value), row.unit, limit,
             row.operator or "", row.note or "")  # fmt: skip
    for (_title, width), text in zip(_TABLE, texts, strict=True):
        pdf.cell(width, 4.5, _fit(pdf, text, width - 1), fill=bool(limit))
    pdf.ln(4.5)


def _fit(pdf: "FPDF", text: str, width: float) -> str:
    """``text`` on one line, cut with "…" to fit ``width``."""
    text = " ".join(text.split())
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[: max(0, min(len(text) - 1, int(len(text) * 0.9)))]
    return text + "…"


WRITERS: dict[ExportFormat, Callable[[ExportJob, Path], None]] = {
    ExportFormat.CSV: _write_csv,
    ExportFormat.XLSX: _write_xlsx,
    ExportFormat.PDF: _write_pdf,
}

__all__ = [
    "ExportCancelled",
    "ExportFormat",
    "ExportRequest",
    "ExportSummary",
    "export",
]

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
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from core.db import Database, in_chunks
from core.errors import FieldLogError, NotFoundError, os_error_text
from core.files import write_atomically
from core.models import ReadingSource
from core.readings import LimitFlag
from core.timeutil import ALL_TIME_MS, from_epoch_ms
from core.validation import formula_safe

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

PAGE_ROWS = 5000  # readings per query: large enough to be fast, small enough to stay bounded
CSV_COLUMNS = ("device", "serial", "time", "value", "unit", "limit", "operator", "note",
               "source")  # fmt: skip
SOURCE_NAMES = {int(ReadingSource.MANUAL): "manual", int(ReadingSource.IMPORT): "import"}


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
        except OSError as exc:  # a full disk, a pulled stick: name the export, not a temp file
            raise FieldLogError(os_error_text(exc, f"Cannot export to {path}", str(path))) from exc
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
    with db.driver_read(snapshot=True) as conn:  # streams millions of rows
        yield conn


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
    for chunk in in_chunks(wanted):
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


def utc_offset(moment: datetime) -> str:
    """The UTC offset of an aware datetime as ISO 8601 writes it: "+01:00"."""
    return moment.isoformat()[-6:] if moment.utcoffset() else "+00:00"


def _plain_text(text: str | None) -> str:
    """Text a spreadsheet will not run as a formula (one apostrophe before a risky start), and
    without control characters (a NUL would make the file binary to the next reader): they
    become U+FFFD, as in the workbook."""
    if not text:
        return ""
    return formula_safe(_ILLEGAL_XML.sub("\ufffd", text))


def number_text(value: float | None) -> str:
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
        _save_workbook(book, tmp)
    except BaseException:
        _discard_workbook(book)
        raise


def _save_workbook(book: Any, tmp: Path) -> None:
    """``book.save(tmp)``, but a save that fails (a full disk) leaves no open ZIP archive
    behind: openpyxl's would try to finish the file when collected and print a traceback."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    archive = ZipFile(tmp, "w", ZIP_DEFLATED, allowZip64=True)
    try:
        ExcelWriter(book, archive).save()  # writes every part, then closes the archive
    except BaseException:
        handle, archive.fp = archive.fp, None  # so that the archive has nothing to finish
        with suppress(OSError):
            if handle is not None:
                handle.close()
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
    values = [device.name, device.serial or "", None, utc_offset(local), row.value, row.unit, limit,
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


def _write_pdf(job: "ExportJob", tmp: Path) -> None:
    from core.report_pdf import write_pdf  # fpdf2 and the fonts load only for a report

    write_pdf(job, tmp)


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

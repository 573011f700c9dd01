"""The Excel export: a "Readings" sheet with real dates and numbers, and a "Devices" sheet
with every field of each device (``core.device_table``).

Written by XlsxWriter in constant-memory mode: each row goes to the file as it is written, so
a million readings take the memory of one row, and several times less time than openpyxl's
write-only mode (docs/PERFORMANCE.md, T10). Text is always written as text: XlsxWriter's
guesses (a leading "=" as a formula, "http://…" as a link, "1.5" as a number) are all off, so a
note reads back exactly as typed and never runs. Numbers keep 16 significant digits (Excel shows
15), so the last bit can differ from what is stored. Characters XML cannot hold become U+FFFD.
XlsxWriter is imported when used: the export dialog imports this package at start-up.
"""

import tempfile
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from core.device_table import HEADER as DEVICE_HEADER
from core.exporting.job import (
    ILLEGAL_XML,
    SOURCE_NAMES,
    ExportDevice,
    ExportJob,
    Offsets,
    Row,
    TableCell,
    table_row,
)
from core.exporting.records import (
    CALIBRATION_HEADER,
    HISTORY_HEADER,
    calibration_rows,
    history_rows,
)

XLSX_COLUMNS = ("Device", "Serial", "Time (local)", "UTC offset", "Time (UTC)", "Value", "Unit",
                "Limit", "Operator", "Note", "Source")  # fmt: skip
XLSX_WIDTHS = (28, 14, 20, 10, 20, 12, 8, 8, 16, 40, 8)
DEVICE_WIDTHS = (28, 14, 24, 16, 16, 20, 8, 10, 10, 16, 12, 14, 40, 22, 38)
CALIBRATION_WIDTHS = (28, 12, 18, 22, 16, 24, 10, 24, 10, 24, 12, 40, 6)
HISTORY_WIDTHS = (20, 18, 28, 12, 10, 10, 18, 20, 20, 40)
SHEET_ROWS = 1_048_575  # readings a sheet holds under its header (Excel's 1,048,576 rows)
ALARM_FILL = "#F4CCCC"  # the light red of an out-of-limit row
BOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}


def write_xlsx(job: ExportJob, tmp: Path) -> None:
    """A "Readings" sheet (real dates and numbers) and a "Devices" sheet.

    Excel has no time zones, so "Time (local)" holds the local wall-clock time and "UTC offset"
    the offset in force then: together they name the instant, even around a DST change; "Time
    (UTC)" is the instant as a date cell that never repeats an hour, for time arithmetic. The
    rows stream through a temporary folder of the export's own, removed whatever happens.
    """
    from xlsxwriter import Workbook  # type: ignore[import-untyped]
    from xlsxwriter.exceptions import FileCreateError  # type: ignore[import-untyped]

    with tempfile.TemporaryDirectory(prefix="fieldlog-xlsx-") as scratch, tmp.open("wb") as raw:
        target = _Target(raw)
        book = Workbook(target, BOOK_OPTIONS | {"tmpdir": scratch})
        try:
            _write_sheets(job, book)
            book.close()  # writes the archive; a full disk raises here
        except FileCreateError as exc:  # the OSError under it says what (a full disk)
            target.abandon()
            cause = exc.args[0] if exc.args else None
            raise (cause if isinstance(cause, OSError) else exc) from None
        except BaseException:
            target.abandon()
            raise
        finally:
            _let_go(book)


def _write_sheets(job: ExportJob, book: Any) -> None:
    """The readings in "Readings", continued in "Readings 2", "Readings 3"… past the rows a
    sheet can hold (XlsxWriter would drop the rest without a word); "Devices" after the first;
    then the devices' "Calibrations" and their "History" (``records``)."""
    styles = _Styles(book, job.has_milliseconds)
    readings = _sheet(book, "Readings", XLSX_COLUMNS, XLSX_WIDTHS, styles)
    devices = _sheet(book, "Devices", DEVICE_HEADER, DEVICE_WIDTHS, styles)
    for number, device in enumerate(job.devices, start=1):
        _device_row(devices, number, device, styles)
    number, sheets, rows = 1, 1, _ReadingRows(job, styles)
    for device, page in job.all_pages():
        for row in page:
            if number > SHEET_ROWS:
                sheets += 1
                readings = _sheet(book, f"Readings {sheets}", XLSX_COLUMNS, XLSX_WIDTHS, styles)
                number = 1
            rows.write(readings, number, device, row)
            number += 1
    _records_sheet(book, "Calibrations", CALIBRATION_HEADER, CALIBRATION_WIDTHS,
                   calibration_rows(job.conn, job.devices), styles)  # fmt: skip
    _records_sheet(book, "History", HISTORY_HEADER, HISTORY_WIDTHS,
                   history_rows(job.conn, job.devices), styles)  # fmt: skip


class _Target:
    """The file the workbook's ZIP archive is written into. A failed save leaves XlsxWriter's
    archive unclosed, and when it is collected it tries to finish the file and prints a
    traceback; once ``abandon``-ed, this target takes whatever comes, silently (keeping count
    of the position, so the archive's arithmetic holds), and the export's own cleanup removes
    the file (``write_atomically``)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw: BinaryIO | None = raw
        self._position = 0

    def write(self, data: bytes) -> int:
        if self._raw is not None:
            return self._raw.write(data)
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position if self._raw is None else self._raw.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        if self._raw is not None:
            return self._raw.seek(offset, whence)
        self._position = offset if whence == 0 else self._position + offset
        return self._position

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        if self._raw is not None:
            self._raw.flush()

    def abandon(self) -> None:
        if self._raw is not None:
            with suppress(OSError, ValueError):
                self._position = self._raw.tell()
            self._raw = None


class _Styles:
    """The few formats of the workbook, made once."""

    def __init__(self, book: Any, milliseconds: bool) -> None:
        time_format = "yyyy-mm-dd hh:mm:ss" + (".000" if milliseconds else "")
        self.bold = book.add_format({"bold": True})
        self.time = book.add_format({"num_format": time_format})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss.000"})
        self.alarm = book.add_format({"bg_color": ALARM_FILL, "pattern": 1})
        self.alarm_time = book.add_format(
            {"num_format": time_format, "bg_color": ALARM_FILL, "pattern": 1}
        )


def _sheet(book: Any, title: str, columns: tuple[str, ...], widths: tuple[int, ...],
           styles: _Styles) -> Any:  # fmt: skip
    """A sheet with a bold, frozen header row."""
    sheet = book.add_worksheet(title)
    for number, width in enumerate(widths):
        sheet.set_column(number, number, width)
    sheet.freeze_panes(1, 0)
    for number, name in enumerate(columns):
        sheet.write_string(0, number, name, styles.bold)
    return sheet


class _ReadingRows:
    """Writes the readings' rows. Millions of rows repeat a few devices, units, operators and
    offsets, so their cell text is made once each; times are written as the serial numbers of
    date cells (``excel_time``), which is what ``write_datetime`` stores, at a fraction of its
    cost (T10)."""

    def __init__(self, job: ExportJob, styles: _Styles) -> None:
        self._job, self._styles = job, styles
        self._texts: dict[str, str] = {}
        self._offsets = Offsets()

    def write(self, sheet: Any, at: int, device: ExportDevice, row: Row) -> None:
        shift, offset = self._offsets.of(self._job.local(row.recorded_at).utcoffset())
        limit = device.flag(row.value)
        styles = self._styles
        fill, time_style = (styles.alarm, styles.alarm_time) if limit else (None, styles.time)
        text = self._text
        texts = (
            (0, text(device.name)),
            (1, text(device.serial or "")),
            (3, offset),
            (6, text(row.unit)),
            (7, limit),
            (8, text(row.operator or "")),
            (9, xml_text(row.note or "")),
            (10, SOURCE_NAMES.get(row.source, str(row.source))),
        )
        for column, cell in texts:
            if cell:
                sheet.write_string(at, column, cell, fill)
            elif fill is not None:
                sheet.write_blank(at, column, None, fill)
        sheet.write_number(at, 2, excel_time(row.recorded_at + shift), time_style)
        sheet.write_number(at, 4, excel_time(row.recorded_at), time_style)
        sheet.write_number(at, 5, row.value, fill)

    def _text(self, text: str) -> str:
        found = self._texts.get(text)
        if found is None:
            if len(self._texts) > _KEPT_TEXTS:
                self._texts.clear()
            found = self._texts[text] = xml_text(text)
        return found


_KEPT_TEXTS = 10_000  # distinct texts kept at once: a bound, never reached


def excel_time(ms: int) -> float:
    """Epoch milliseconds (UTC) as the serial number of an Excel date cell, computed as
    XlsxWriter's ``write_datetime`` does (days since 1899-12-31, plus the day Excel's 1900 leap
    year adds), at a fraction of its cost per row (T10)."""
    day, rest = divmod(ms, DAY_MS)
    seconds, millis = divmod(rest, 1000)
    return (day + _DAYS_BEFORE_1970 + (float(seconds) + float(millis * 1000) / 1e6) / 86_400) + 1


DAY_MS = 86_400_000
_DAYS_BEFORE_1970 = 25_568  # from 1899-12-31, XlsxWriter's epoch


def _records_sheet(book: Any, title: str, header: tuple[str, ...], widths: tuple[int, ...],
                   rows: list[list[TableCell]], styles: _Styles) -> None:  # fmt: skip
    """A sheet of the devices' calibrations or history (``records``): text as text, numbers
    as numbers, dates and times (UTC) as date cells."""
    sheet = _sheet(book, title, header, widths, styles)
    for at, cells in enumerate(rows, start=1):
        _cells(sheet, at, cells, styles)


def _cells(sheet: Any, at: int, cells: Sequence[TableCell], styles: _Styles) -> None:
    for column, cell in enumerate(cells):
        if isinstance(cell, str):
            _text(sheet, at, column, cell, None)
        elif isinstance(cell, float):
            sheet.write_number(at, column, cell)
        elif isinstance(cell, int):
            sheet.write_number(at, column, excel_time(cell), styles.moment)
        elif cell is not None:
            due = datetime.combine(cell, datetime.min.time())
            sheet.write_datetime(at, column, due, styles.date)


def _device_row(sheet: Any, at: int, device: ExportDevice, styles: _Styles) -> None:
    """Every field of the device (``core.device_table``): text as text, limits and the
    calibration interval as numbers, the calibration date and the archiving time (UTC) as
    dates."""
    _cells(sheet, at, table_row(device), styles)


def _text(sheet: Any, row: int, column: int, text: str, fill: Any) -> None:
    """Text as text, exactly (with what XML cannot hold replaced); an empty cell stays empty
    unless it carries the row's fill."""
    if text:
        sheet.write_string(row, column, xml_text(text), fill)
    elif fill is not None:
        sheet.write_blank(row, column, None, fill)


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold as U+FFFD."""
    return ILLEGAL_XML.sub("\ufffd", text)


def _let_go(book: Any) -> None:
    """Close the temporary row files of a workbook that was not finished (a cancel, a failure),
    so that the scratch folder can be removed on Windows too; a finished one has none open."""
    for sheet in getattr(book, "worksheets_objs", []):
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None and not handle.closed:
            handle.close()

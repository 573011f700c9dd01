"""The Excel export: a "Readings" sheet with real dates and numbers, and a "Devices" sheet.

openpyxl writes numbers with 16 significant digits (Excel shows 15), so the last bit can differ
from what is stored; text starting "=" is written as a string cell, so it is exact and never a
formula. openpyxl is imported when used: the export dialog imports this package at start-up.
"""

from contextlib import suppress
from pathlib import Path
from typing import Any

from core.exporting.job import (
    ILLEGAL_XML,
    SOURCE_NAMES,
    ExportDevice,
    ExportJob,
    Row,
    utc_offset,
)

XLSX_COLUMNS = ("Device", "Serial", "Time (local)", "UTC offset", "Value", "Unit", "Limit",
                "Operator", "Note", "Source")  # fmt: skip
XLSX_WIDTHS = (28, 14, 20, 10, 12, 8, 8, 16, 40, 8)
DEVICE_COLUMNS = ("Name", "Serial", "Type", "Location", "Unit", "Low limit", "High limit",
                  "Calibration due")  # fmt: skip
DEVICE_WIDTHS = (28, 14, 24, 20, 8, 10, 10, 16)


class _XlsxStyles:
    """The few styles of the workbook, made once (openpyxl dedupes them, but not for free)."""

    def __init__(self, milliseconds: bool) -> None:
        from openpyxl.styles import Font, PatternFill

        self.bold = Font(bold=True)
        self.alarm = PatternFill("solid", fgColor="FFF4CCCC")
        self.time_format = "yyyy-mm-dd hh:mm:ss" + (".000" if milliseconds else "")


def write_xlsx(job: ExportJob, tmp: Path) -> None:
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
    return ILLEGAL_XML.sub("\ufffd", value) if isinstance(value, str) else value


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

"""The devices table an export carries, as the importer finds it (``core.device_table``).

A FieldLog CSV has its devices in a file beside it (``march.csv``: ``march.devices.csv``),
read when it is there and its header is a devices table's; a workbook has them in its
"Devices" sheet. A devices file imported on its own is a file of devices and no readings.
"""

import csv
import io
from pathlib import Path
from typing import Any

from core.device_table import TableDevice, devices_path, is_device_header, read_table
from core.importing.options import Source
from core.importing.parsed import ImportFileError, ParsedFile
from core.importing.textfile import pick_encoding, read_head

DEVICES_SHEET = "Devices"
MAX_TABLE_BYTES = 64 << 20  # a devices file is small; this bounds what is read whole


def beside(readings: Path) -> tuple[list[TableDevice], str | None]:
    """The devices of the devices file beside a CSV, and its name; none when there is none."""
    path = devices_path(readings)
    if path == readings or not path.is_file():
        return [], None
    rows = _csv_rows(path)
    if not rows or not is_device_header(rows[0][1]):
        return [], None
    return _table(path, rows), path.name


def looks_like_devices_csv(text: str) -> bool:
    """Whether a file's first line is a devices table's header."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines:
        return False
    try:
        return is_device_header(next(csv.reader([lines[0]]), []))
    except csv.Error:
        return False


def open_devices_csv(source: Source) -> ParsedFile:
    """A devices file on its own: its devices, no channels and no readings."""
    devices = _table(source.path, _csv_rows(source.path, source.encoding))
    return devices_only(source.path, "csv", devices, source.path.name)


def devices_only(path: Path, fmt: str, devices: list[TableDevice], where: str) -> ParsedFile:
    """A file that brings devices and no readings: a devices file, or an export of devices
    that had none in its period."""
    size = path.stat().st_size
    description = f"FieldLog devices list, {len(devices)} devices, no readings"
    return ParsedFile(path, fmt, description, [], iter(()), [], None, size, lambda: size,
                      devices, where)  # fmt: skip


def header_only(text: str) -> bool:
    """Whether a text file holds a header line and nothing after it."""
    return len([line for line in text.splitlines() if line.strip()]) <= 1


def from_workbook(path: Path, book: Any) -> tuple[list[TableDevice], str | None]:
    """The devices of a workbook's "Devices" sheet (an openpyxl workbook), when it is a
    devices table."""
    if DEVICES_SHEET not in book.sheetnames:
        return [], None
    sheet = book[DEVICES_SHEET]
    rows = list(enumerate(sheet.iter_rows(values_only=True), start=1))
    if not rows or not is_device_header(rows[0][1]):
        return [], None
    return _table(path, rows, f'sheet "{DEVICES_SHEET}"'), f'sheet "{DEVICES_SHEET}"'


def _table(
    path: Path, rows: list[tuple[int, tuple[object, ...]]], where: str = ""
) -> list[TableDevice]:
    try:
        return read_table(rows[0][1], rows[1:], where or path.name)
    except ValueError as error:
        raise ImportFileError(path, f"the devices table cannot be read: {error}") from None


def _csv_rows(path: Path, encoding: str | None = None) -> list[tuple[int, tuple[object, ...]]]:
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise ImportFileError(path, "too large for a devices list")
    encoding = encoding or pick_encoding(path, read_head(path), None)
    try:
        text = path.read_text(encoding=encoding)
    except (UnicodeDecodeError, LookupError):
        raise ImportFileError(path, f"cannot be read as {encoding}") from None
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        return [(reader.line_num, tuple(row)) for row in reader]
    except csv.Error as error:
        raise ImportFileError(path, f"the devices list cannot be read: {error}") from None

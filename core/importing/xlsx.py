"""Excel workbooks (.xlsx): the generic mapping rules, read row by row with openpyxl.

Cells are turned into the text a CSV export would hold, then read by the same block reader as
generic CSV files, so every rule is the same: a date cell is a naive local time (Excel has no
zones) and needs the user's zone, unless the row has a "UTC offset" cell (``+01:00``), as
FieldLog's own workbook export writes, which then applies; a number cell is a number; a text
cell is parsed like CSV text. openpyxl's read-only mode streams the sheet, so memory stays
bounded; the workbook is opened three times: for the channels, the readings, and the
"Devices" sheet FieldLog's export writes (every field of each device, ``core.device_table``).
"""

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from core.device_table import TableDevice
from core.importing.device_tables import DEVICES_SHEET, devices_only, from_workbook
from core.importing.generic import PREVIEW, plan_for
from core.importing.generic_blocks import Plan, cell_text, channel_key, read_block
from core.importing.options import ImportOptions, Source
from core.importing.parsed import Channel, ImportFileError, ParsedFile, SampleBatch
from core.importing.wide import LOOK_AHEAD
from core.importing.zones import zone_label

ROWS_PER_BATCH = 20_000
Cells = tuple[Any, ...]


def open_xlsx(path: Path, options: ImportOptions, now_ms: int) -> ParsedFile:
    source = Source(path, options, "utf-8", "", path.stat().st_size, now_ms)
    rows, total = _rows(source)
    header_at, header = _header(source, rows)
    look = [cells for _, cells in _take(rows, LOOK_AHEAD)]
    if not look:  # an export of devices that had no readings in its period
        devices, where = _devices(source)
        if where is not None:
            return devices_only(path, "xlsx", devices, where)
    offset_at = _offset_column(header)
    plan = plan_for(source, header, [_texts(r, False, offset_at) for r in look], "\t")
    channels, keys = _scan(source, plan, header_at)
    done = [0]
    batches = _batches(source, plan, keys, header_at, done, offset_at)
    description = f"Excel workbook, sheet {_sheet_name(source)}, dates {plan.layout.description}"
    zone = zone_label(plan.zone) if plan.zone else "the offsets in the file"
    preview = [header, *(_texts(r, offset_at=offset_at) for r in look[: PREVIEW - 1])]
    position = lambda: min(source.size, source.size * done[0] // max(total, 1))  # noqa: E731
    devices, devices_from = _devices(source)
    return ParsedFile(
        path,
        "xlsx",
        description,
        channels,
        batches,
        preview,
        zone,
        source.size,
        position,
        devices,
        devices_from,
    )


def _devices(source: Source) -> tuple[list[TableDevice], str | None]:
    """The workbook's "Devices" sheet, as FieldLog's export writes it (every field of each
    device), unless that is the sheet being read as readings."""
    if source.options.sheet == DEVICES_SHEET:
        return [], None
    book = _workbook(source)
    try:
        return from_workbook(source.path, book)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
        raise ImportFileError(source.path, f"the workbook is damaged ({error})") from None
    finally:
        book.close()


def _workbook(source: Source) -> Any:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise source.fail(f"cannot be opened as an Excel workbook ({error})") from None


def _sheet(source: Source, book: Any) -> Any:
    if source.options.sheet is None:
        return book.worksheets[0]
    if source.options.sheet not in book.sheetnames:
        raise source.fail(
            f"there is no sheet {source.options.sheet!r}; sheets: {', '.join(book.sheetnames)}"
        )
    return book[source.options.sheet]


def _sheet_name(source: Source) -> str:
    return source.options.sheet or "1"


def _rows(source: Source) -> tuple[Iterator[tuple[int, Cells]], int]:
    """(spreadsheet row number, cell values) of every row; and the sheet's row count."""
    book = _workbook(source)
    sheet = _sheet(source, book)

    def rows() -> Iterator[tuple[int, Cells]]:
        try:
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
            raise ImportFileError(source.path, f"the workbook is damaged ({error})") from None
        finally:
            book.close()

    return rows(), sheet.max_row or 1


def _take(rows: Iterator[tuple[int, Cells]], count: int) -> list[tuple[int, Cells]]:
    taken = []
    for row in rows:
        taken.append(row)
        if len(taken) >= count:
            break
    return taken


def _header(source: Source, rows: Iterator[tuple[int, Cells]]) -> tuple[int, list[str]]:
    for number, cells in rows:
        texts = _texts(cells)
        if any(texts):
            return number, texts
    raise source.fail("the sheet is empty")


OFFSET_HEADER = "utc offset"
_OFFSET = re.compile(r"^[+-]\d\d:\d\d$")


def _text(cell: object, offset: str = "") -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.isoformat() + offset
    if isinstance(cell, date | time):
        return cell.isoformat()
    if isinstance(cell, float):
        return repr(cell)
    return str(cell)


def _texts(cells: Cells, numbers: bool = True, offset_at: int | None = None) -> list[str]:
    """The cells as text; ``numbers=False`` blanks number cells, which say nothing about the
    decimal separator of the sheet's text cells."""
    offset = _offset(cells, offset_at)
    return [_text(c, offset) if numbers or not _is_number(c) else "" for c in cells]


def _offset(cells: Cells, offset_at: int | None) -> str:
    """The row's "UTC offset" cell, when the sheet has one and it holds an offset."""
    if offset_at is None or offset_at >= len(cells):
        return ""
    text = _text(cells[offset_at]).strip()
    return text if _OFFSET.match(text) else ""


def _offset_column(header: list[str]) -> int | None:
    names = [name.strip().lower() for name in header]
    return names.index(OFFSET_HEADER) if OFFSET_HEADER in names else None


def _is_number(cell: object) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def _scan(source: Source, plan: Plan, header_at: int) -> tuple[list[Channel], dict[str, int]]:
    rows, _ = _rows(source)
    serial = plan.columns.get("device_serial")
    name = plan.columns.get("device_name")
    keys: dict[str, int] = {}
    channels: list[Channel] = []
    for number, cells in rows:
        if number <= header_at:
            continue
        s = cell_text(_text(cells[serial])) if serial is not None and serial < len(cells) else ""
        n = cell_text(_text(cells[name])) if name is not None and name < len(cells) else ""
        key = channel_key(s, n)
        if key and key not in keys:
            keys[key] = len(channels)
            channels.append(Channel(key, n or s, "", s or None, None, key))
    return channels, keys


def _batches(
    source: Source,
    plan: Plan,
    keys: dict[str, int],
    header_at: int,
    done: list[int],
    offset_at: int | None,
) -> Iterator[SampleBatch]:
    rows, _ = _rows(source)
    chunk: list[tuple[int, Cells]] = []
    for number, cells in rows:
        done[0] = number
        if number <= header_at or not any(c is not None and c != "" for c in cells):
            continue
        chunk.append((number, cells))
        if len(chunk) >= ROWS_PER_BATCH:
            yield _block(chunk, plan, keys, offset_at)
            chunk = []
    if chunk:
        yield _block(chunk, plan, keys, offset_at)


def _block(
    chunk: list[tuple[int, Cells]], plan: Plan, keys: dict[str, int], offset_at: int | None
) -> SampleBatch:
    columns = {
        role: pa.array([_cell(cells, index, plan, offset_at) for _, cells in chunk], pa.string())
        for role, index in plan.columns.items()
    }
    lines = np.fromiter((number for number, _ in chunk), np.int64, len(chunk))
    return read_block(columns, lines, [], plan, keys)


def _cell(cells: Cells, index: int, plan: Plan, offset_at: int | None) -> str:
    if index >= len(cells):
        return ""
    cell = cells[index]
    text = _text(cell, _offset(cells, offset_at))
    if _is_number(cell) and plan.decimal == ",":
        return text.replace(".", ",")
    return text

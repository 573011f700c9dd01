"""The devices of an export as a table: the columns FieldLog writes and reads back.

An export carries every device it covers whole, readings or not: the workbook in its
"Devices" sheet, the CSV in a devices file beside it (``devices_path``: ``march.csv`` →
``march.devices.csv``). An import reads that table to re-create a device as it was, or to
find it again (``uid`` first) and say where the database holds something else.

A table is read by its header names, so a column left out (a workbook exported before these
columns existed has no "UID", "Status" or "Notes") is a field the table does not state:
``TableDevice.given`` lists the ones it does. A cell that cannot be read refuses the file, with
the row and the column: the table is FieldLog's own, and a guess could re-create a device wrong.
A row that reads but is not a device FieldLog can make (a name over 200 characters, which an
old FieldLog kept) is that device refused, with its readings: the rest of the file imports.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from core.devices import DeviceFields, validate
from core.errors import ValidationError
from core.models import DeviceStatus
from core.timeutil import from_epoch_ms, to_epoch_ms
from core.validation import formula_unquoted, parse_number

# (header, DeviceFields name or "uid"/"archived_at"), in the order an export writes them.
COLUMNS = (
    ("Name", "name"),
    ("Serial", "serial_number"),
    ("Type", "device_type"),
    ("Manufacturer", "manufacturer"),
    ("Model", "model"),
    ("Location", "location"),
    ("Unit", "default_unit"),
    ("Low limit", "low_limit"),
    ("High limit", "high_limit"),
    ("Calibration due", "calibration_due"),
    ("Calibrate every (days)", "calibration_interval_days"),
    ("Status", "status"),
    ("Notes", "notes"),
    ("Archived (UTC)", "archived_at"),
    ("UID", "uid"),
)
HEADER = tuple(name for name, _ in COLUMNS)
FIELD_OF = {name.casefold(): field for name, field in COLUMNS}
LABELS = {field: name.lower() for name, field in COLUMNS}  # for messages: "high limit"
NUMBERS = ("low_limit", "high_limit")


def devices_path(readings: Path) -> Path:
    """The devices file a CSV export writes beside ``readings``, and its import reads."""
    return readings.with_name(f"{readings.stem}.devices{readings.suffix}")


@dataclass(frozen=True)
class TableDevice:
    """One row of a devices table, checked as a device typed in would be."""

    fields: DeviceFields
    uid: uuid.UUID | None
    archived_at: int | None  # epoch ms, UTC
    given: frozenset[str]  # the fields the table has a column for
    row: int  # the spreadsheet row (or CSV line) it came from
    # Why this device cannot be made as the table has it (a name longer than a device may
    # have, kept by an old FieldLog): its readings are refused with this, the rest imported.
    problem: str | None = None


def is_device_header(cells: Sequence[object]) -> bool:
    """Whether a header row is a devices table's, as every FieldLog has written it: "Name",
    "Serial", "Type" first, and no column of a reading's (a readings table that starts so is
    a readings table)."""
    names = [str(cell).strip().casefold() for cell in cells if cell is not None]
    return names[:3] == ["name", "serial", "type"] and not {"time", "value"} & set(names)


def read_table(
    header: Sequence[object], rows: Sequence[tuple[int, Sequence[object]]], where: str
) -> list[TableDevice]:
    """The devices of a table: ``rows`` are (row number, cells), the cells text (a CSV) or
    typed values (a workbook: numbers, datetimes). Raises ValueError naming ``where``, the row
    and the column of the first cell that cannot be read."""
    columns = {i: FIELD_OF[str(h).strip().casefold()] for i, h in enumerate(header)
               if h is not None and str(h).strip().casefold() in FIELD_OF}  # fmt: skip
    given = frozenset(columns.values())
    found = []
    for number, cells in rows:
        if not any(_blank(cell) is not None for cell in cells):
            continue
        values = {field: cells[i] if i < len(cells) else None for i, field in columns.items()}
        found.append(_device(values, given, number, where))
    return found


def _device(values: Mapping[str, object], given: frozenset[str], row: int,
            where: str) -> TableDevice:  # fmt: skip
    try:
        uid = _uid(values.get("uid"))
        archived = _moment(values.get("archived_at"))
        raw = _fields(values)
    except _Unreadable as error:
        raise ValueError(f"{where}, row {row}: {LABELS[error.field]} {error}") from None
    try:
        return TableDevice(validate(raw), uid, archived, given, row)
    except ValidationError as error:  # a device that cannot be made: only its readings go
        return TableDevice(raw, uid, archived, given, row, f"{where}, row {row}: {error}")


class _Unreadable(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _fields(values: Mapping[str, object]) -> DeviceFields:
    texts = {f: _text(values.get(f)) for f in ("name", "serial_number", "device_type",
                                               "manufacturer", "model", "location",
                                               "default_unit", "notes")}  # fmt: skip
    status = _text(values.get("status")) or DeviceStatus.ACTIVE.value
    return DeviceFields(
        name=texts["name"] or "",
        serial_number=texts["serial_number"],
        device_type=texts["device_type"],
        manufacturer=texts["manufacturer"],
        model=texts["model"],
        location=texts["location"],
        default_unit=texts["default_unit"],
        notes=texts["notes"],
        low_limit=_number("low_limit", values.get("low_limit")),
        high_limit=_number("high_limit", values.get("high_limit")),
        calibration_due=_date(values.get("calibration_due")),
        calibration_interval_days=_days(values.get("calibration_interval_days")),
        status=status,  # type: ignore[arg-type]  # validate() checks it is one
    )


def _blank(cell: object) -> object | None:
    return None if cell is None or (isinstance(cell, str) and not cell.strip()) else cell


def _text(cell: object) -> str | None:
    """A text cell as typed, without the apostrophe an export puts before a formula-looking
    start (``formula_safe``); a number a spreadsheet made of a serial, as its digits."""
    if _blank(cell) is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return formula_unquoted(str(cell))


def _number(field: str, cell: object) -> float | None:
    if _blank(cell) is None:
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    try:
        return parse_number(str(cell))
    except ValueError as error:
        raise _Unreadable(field, str(error)) from None


def _days(cell: object) -> int | None:
    """A whole number of days (a workbook's number cell, or a CSV's digits)."""
    if _blank(cell) is None:
        return None
    number = _number("calibration_interval_days", cell)
    if number is None or not number.is_integer():
        raise _Unreadable("calibration_interval_days", f"{cell!r} is not a whole number of days")
    return int(number)


def _date(cell: object) -> date | None:
    if _blank(cell) is None:
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    try:
        return date.fromisoformat(str(cell).strip())
    except ValueError:
        raise _Unreadable("calibration_due", f"{cell!r} is not a date (YYYY-MM-DD)") from None


def _moment(cell: object) -> int | None:
    """A UTC time: a workbook's date cell, or a CSV's ``YYYY-MM-DD HH:MM:SS[.fff]``."""
    if _blank(cell) is None:
        return None
    try:
        moment = cell if isinstance(cell, datetime) else datetime.fromisoformat(str(cell).strip())
    except ValueError:
        raise _Unreadable("archived_at", f"{cell!r} is not a time (YYYY-MM-DD HH:MM:SS)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return to_epoch_ms(moment)


def _uid(cell: object) -> uuid.UUID | None:
    if _blank(cell) is None:
        return None
    try:
        return uuid.UUID(str(cell).strip())
    except ValueError:
        raise _Unreadable("uid", f"{cell!r} is not a device UID") from None


# --- writing ---------------------------------------------------------------------------------


def utc_text(ms: int) -> str:
    """A UTC time as the devices table writes it in a CSV: ``YYYY-MM-DD HH:MM:SS.fff``."""
    return from_epoch_ms(ms).replace(tzinfo=None).isoformat(sep=" ", timespec="milliseconds")

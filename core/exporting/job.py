"""An export under way: one read snapshot, the devices chosen, their readings page by page.

Every writer (``csv``, ``xlsx``, ``pdf``) reads through an ``ExportJob``: the readings of one
device at a time in keyset pages, so memory stays bounded for millions of rows, with progress
and cancel checked at every page. Plain SQL on the driver connection: an export streams
millions of rows (core/db.py's rule).
"""

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from core.db import Database, DriverConnection, as_uuid, in_chunks, is_sqlite
from core.errors import FieldLogError, NotFoundError
from core.exporting.report_options import ReportOptions
from core.models import ReadingSource
from core.progress import Progress
from core.readings import LimitFlag
from core.timeutil import ALL_TIME_MS
from core.validation import formula_safe

Cancelled = Callable[[], bool]

PAGE_ROWS = 5000  # readings per query: large enough to be fast, small enough to stay bounded
SOURCE_NAMES = {int(ReadingSource.MANUAL): "manual", int(ReadingSource.IMPORT): "import"}
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 cannot hold


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
    # CSV only: a UTF-8 byte-order mark, without which Excel and LibreOffice in a Windows-1252
    # locale show °C as Â°C. On by default, since the CSV's audience is a spreadsheet.
    excel_bom: bool = True
    include_superseded: bool = False  # the originals that corrections replaced
    report: ReportOptions = ReportOptions()  # noqa: RUF009 (frozen) PDF: title, site, author, detail


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    readings: int
    devices: int
    format: ExportFormat
    devices_path: Path | None = None  # a CSV's devices file, written beside it


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
    # The rest of the device, for the devices table (``core.device_table``): an export carries
    # every device whole, so that an import can re-create it as it was.
    manufacturer: str | None = None
    model: str | None = None
    status: str = "active"
    notes: str | None = None
    archived_at: int | None = None
    uid: uuid.UUID | None = None
    calibration_interval_days: int | None = None

    def flag(self, value: float) -> str:
        """The limit column: empty within the limits, else "below" or "above" (as
        ``LimitFlag.of``, inline: it is asked once per exported reading)."""
        if self.low is not None and value < self.low:
            return LimitFlag.BELOW.value
        if self.high is not None and value > self.high:
            return LimitFlag.ABOVE.value
        return ""


TableCell = str | float | date | int | None


def table_row(device: ExportDevice) -> tuple[TableCell, ...]:
    """The device's cells in the devices table, in ``core.device_table.HEADER``'s order: text,
    numbers (the calibration interval's days too), the calibration date, the archiving time
    (epoch ms), the UID as text."""
    return (device.name, device.serial, device.device_type, device.manufacturer, device.model,
            device.location, device.unit or None, device.low, device.high, device.calibration_due,
            _days(device.calibration_interval_days), device.status, device.notes,
            device.archived_at,
            str(device.uid) if device.uid else None)  # fmt: skip


def _days(interval: int | None) -> float | None:
    """The calibration interval as a number cell (an int cell is the archiving time)."""
    return None if interval is None else float(interval)


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


@contextmanager
def snapshot(db: Database) -> Iterator[DriverConnection]:
    """A read transaction: every query of the export sees the same data (counts match rows)."""
    with db.driver_read(snapshot=True) as conn:  # streams millions of rows
        yield conn


_DEVICE_SQL = (
    "SELECT id, name, serial_number, device_type, location, coalesce(default_unit, ''), "
    "low_limit, high_limit, calibration_due, manufacturer, model, status, notes, archived_at, "
    "uid, calibration_interval_days FROM devices"
)


def selected_devices(conn: DriverConnection, request: ExportRequest) -> list[ExportDevice]:
    """The devices to export, by name; a clear error for an empty or unknown selection."""
    if request.device_ids is None:
        rows = conn.execute(f"{_DEVICE_SQL} WHERE archived_at IS NULL").fetchall()
        if not rows:
            raise FieldLogError("There are no devices to export.")
    else:
        rows = _devices_by_ids(conn, request.device_ids)
    found = [_device(row) for row in rows]
    return sorted(found, key=lambda d: (d.name.casefold(), d.id))


def _devices_by_ids(conn: DriverConnection, device_ids: list[int]) -> list[Any]:
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
    device_id, name, serial, device_type, location, unit, low, high, due, *rest = row
    manufacturer, model, status, notes, archived_at, uid, interval = rest
    if isinstance(due, str):  # SQLite's text; psycopg gives a date
        due = date.fromisoformat(due) if due else None
    return ExportDevice(device_id, name, serial, device_type, location, unit, low, high, due,
                        manufacturer, model, status, notes, archived_at, as_uuid(uid),
                        interval)  # fmt: skip


_STATS_SQL = """
SELECT count(*), min(value), max(value), {mean}, count(CASE WHEN value < ? OR value > ?
       THEN 1 END), min(recorded_at), max(recorded_at),
       max(CASE WHEN recorded_at % 1000 <> 0 THEN 1 ELSE 0 END)
FROM readings
WHERE device_id = ? AND recorded_at >= ? AND recorded_at < ? AND (superseded = FALSE OR ?)
"""
# The mean: PostgreSQL's float sum raises on overflow (values near 1.8e308) where SQLite's
# goes to infinity, so there the sum is exact (numeric) and the mean a float again.
_MEANS = {"sqlite": "avg(value)", "postgresql": "avg(value::numeric)::float8"}
_PAGE_SQL = """
SELECT recorded_at, value, unit, operator, note, source, id FROM readings
WHERE device_id = ? AND recorded_at >= ? AND recorded_at < ? AND (superseded = FALSE OR ?)
  AND (recorded_at, id) > (?, ?)
ORDER BY recorded_at, id
LIMIT ?
"""
_OPERATORS_SQL = """
SELECT operator FROM readings
WHERE device_id = ? AND recorded_at >= ? AND recorded_at < ? AND (superseded = FALSE OR ?)
  AND operator IS NOT NULL
GROUP BY operator ORDER BY count(*) DESC, operator
"""


@dataclass
class ExportJob:
    """An export under way: the snapshot, the devices, and how far it has got."""

    conn: DriverConnection
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
        sql = _STATS_SQL.format(mean=_MEANS["sqlite" if is_sqlite(self.conn) else "postgresql"])
        row = self.conn.execute(sql, (device.low, device.high, *self._bounds(device)))
        count, low, high, mean, out, first, last, ms = row.fetchone()
        return DeviceStats(count, low, high, mean, int(out), first, last, bool(ms))

    def operators(self, device: ExportDevice) -> list[str]:
        """Who recorded the device's readings in the period, the most frequent first."""
        rows = self.conn.execute(_OPERATORS_SQL, self._bounds(device)).fetchall()
        return [str(row[0]) for row in rows]

    def pages(self, device: ExportDevice) -> Iterator[list[Row]]:
        """The device's readings in time order, a page at a time (keyset: no OFFSET)."""
        for page in self.plain_pages(device):
            yield list(map(Row._make, page))

    def plain_pages(self, device: ExportDevice) -> Iterator[list[tuple[Any, ...]]]:
        """``pages`` as the driver returns them, tuples in ``Row``'s order: a writer that
        reads a million rows by position saves making a million ``Row`` objects (T10)."""
        device_id, start, end, superseded = self._bounds(device)
        key = (start, -1)
        while True:
            self.check_cancelled()
            low = max(start, key[0])  # a plain bound, so that SQLite seeks in the index
            params = (device_id, low, end, superseded, *key, PAGE_ROWS)
            page = self.conn.execute(_PAGE_SQL, params).fetchall()
            if not page:
                return
            yield page
            self.advance(len(page))
            key = (page[-1][0], page[-1][6])  # (recorded_at, id) of the last row

    def all_pages(self) -> Iterator[tuple[ExportDevice, list[Row]]]:
        for device in self.devices:
            for page in self.pages(device):
                yield device, page

    def all_plain_pages(self) -> Iterator[tuple[ExportDevice, list[tuple[Any, ...]]]]:
        for device in self.devices:
            for page in self.plain_pages(device):
                yield device, page

    def advance(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)

    def check_cancelled(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ExportCancelled("The export was cancelled; no file was written.")

    def local(self, ms: int) -> datetime:
        """The moment in the export's zone (the machine's own when none was given).

        ``fromtimestamp`` of ``ms / 1000`` is exact to the millisecond for every time FieldLog
        stores (below 2**53 µs the float's error is far under the microsecond it rounds to),
        and a third of the cost of ``from_epoch_ms(ms).astimezone(zone)``, per exported row.
        """
        if self.zone is None:
            return datetime.fromtimestamp(ms / 1000, UTC).astimezone()
        return datetime.fromtimestamp(ms / 1000, self.zone)


def utc_offset(moment: datetime) -> str:
    """The UTC offset of an aware datetime as ISO 8601 writes it: "+01:00"."""
    return offset_text(moment.utcoffset() or timedelta(0))


def offset_text(offset: timedelta) -> str:
    """An offset as ``isoformat`` writes it: "+01:00", "-00:44:30" (Monrovia until 1972)."""
    sign = "-" if offset < timedelta(0) else "+"
    seconds = abs(offset) // timedelta(seconds=1)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


class Offsets:
    """Each UTC offset an export meets, as milliseconds and as ISO 8601 text, worked out once:
    millions of rows have a few offsets (T10)."""

    def __init__(self) -> None:
        self.known: dict[timedelta | None, tuple[int, str]] = {}  # a hot loop may look here first

    def of(self, offset: timedelta | None) -> tuple[int, str]:
        found = self.known.get(offset)
        if found is None:
            shift = offset or timedelta(0)
            found = self.known[offset] = (shift // timedelta(milliseconds=1), offset_text(shift))
        return found


def plain_text(text: str | None) -> str:
    """Text a spreadsheet will not run as a formula (one apostrophe before a risky start), and
    without control characters (a NUL would make the file binary to the next reader): they
    become U+FFFD, as in the workbook."""
    if not text:
        return ""
    return formula_safe(ILLEGAL_XML.sub("\ufffd", text))


def number_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.6g}"

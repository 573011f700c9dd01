"""The device table's model: every matching id in order, rows fetched in blocks on demand.

Sorting and filtering happen in SQL (``core.devices.device_ids``), so the model never sorts
Python objects and never sits under a ``QSortFilterProxyModel`` (docs/PERFORMANCE.md: hundreds
of times slower).
A (re)load fetches only the ordered ids, so ``rowCount`` is exact at once; rows come 200 at a
time, on the database thread, when the view first asks for one. Until a block arrives its cells
show what the previous load had for those devices (no flicker on a refresh), or nothing.

Reversing the order (a second click on the sorted column) fetches no ids: ``device_ids`` makes
descending the exact reverse of ascending, so the model reverses its list and fetches only the
new first block.

A reload is a new request (``gui.stale``): answers to older ones are dropped, and older ones
still waiting in the queue skip their query.

At a little over 400 lines this stays one module: the ordered ids, the blocks fetched for
them, the previous load's rows shown meanwhile and the cells' text and style are one state,
read together on every paint; split, each part would reach into the others'.
"""

import enum
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from core.db import Database
from core.devices import Calibration, DeviceRecord, DeviceSort
from core.models import DeviceStatus
from core.validation import value_text
from gui.colors import alarm_brushes
from gui.operations import DatabaseOp
from gui.operations.devices import (
    DeviceFilter,
    Listing,
    device_listing,
    device_rows,
    reordered_listing,
)
from gui.ops import Ops
from gui.stale import Requests
from gui.table_model import FlatTableModel

BLOCK = 200
MAX_CACHED_BLOCKS = 50  # 10,000 rows: scrolling through 100k devices does not keep them all
Index = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole
MUTED_TEXT = QColor(128, 128, 128)
OUT_OF_SERVICE_TEXT = QColor(230, 81, 0)
MUTED_BRUSH = QBrush(MUTED_TEXT)
OUT_OF_SERVICE_BRUSH = QBrush(OUT_OF_SERVICE_TEXT)
# The roles ``data`` answers; a view asks for several more per cell on every paint.
ANSWERED_ROLES = frozenset(
    {Role.DisplayRole, Role.ToolTipRole, Role.FontRole, Role.BackgroundRole, Role.ForegroundRole}
)


class Columns(enum.IntEnum):
    NAME = 0
    SERIAL = 1
    TYPE = 2
    LOCATION = 3
    STATUS = 4
    CALIBRATION_DUE = 5
    UNIT = 6
    LIMITS = 7


COLUMNS = tuple(Columns)  # by index, faster than Columns(i) in a paint's thousands of calls
HEADERS = {
    Columns.NAME: "Name",
    Columns.SERIAL: "Serial number",
    Columns.TYPE: "Type",
    Columns.LOCATION: "Location",
    Columns.STATUS: "Status",
    Columns.CALIBRATION_DUE: "Calibration due",
    Columns.UNIT: "Unit",
    Columns.LIMITS: "Limits",
}
SORTS = {
    Columns.NAME: DeviceSort.NAME,
    Columns.SERIAL: DeviceSort.SERIAL_NUMBER,
    Columns.TYPE: DeviceSort.DEVICE_TYPE,
    Columns.LOCATION: DeviceSort.LOCATION,
    Columns.STATUS: DeviceSort.STATUS,
    Columns.CALIBRATION_DUE: DeviceSort.CALIBRATION_DUE,
    Columns.UNIT: DeviceSort.DEFAULT_UNIT,
    Columns.LIMITS: DeviceSort.LOW_LIMIT,
}
STATUS_TEXT = {
    DeviceStatus.ACTIVE: "Active",
    DeviceStatus.OUT_OF_SERVICE: "Out of service",
    DeviceStatus.RETIRED: "Retired",
}


@dataclass(frozen=True)
class DeviceQuery:
    """Which devices the table lists, and in which order."""

    filter_text: str = ""
    show_archived: bool = False
    calibration: Calibration | None = None  # only the overdue, or only those due soon
    sort_column: Columns = Columns.NAME
    descending: bool = False


def device_filter(query: DeviceQuery) -> DeviceFilter:
    """What ``query`` asks of the database."""
    return DeviceFilter(query.filter_text, SORTS[query.sort_column], query.descending,
                        query.show_archived, query.calibration)  # fmt: skip


def reversed_ids(ids: list[int], unsortable: int) -> list[int]:
    """``ids`` in the opposite order, as ``core.devices.device_ids`` gives it: descending is
    ascending reversed, except that devices without a value stay last."""
    cut = len(ids) - unsortable
    return ids[:cut][::-1] + ids[cut:][::-1]


def number_text(value: float, decimal_point: str = ".") -> str:
    """The shortest text that reads back as exactly ``value`` ("1.5", "20", "1e-07")."""
    return value_text(value).replace(".", decimal_point)


def limits_text(device: DeviceRecord) -> str:
    low, high = device.low_limit, device.high_limit
    if low is None and high is None:
        return ""
    return f"{'' if low is None else f'{low:g}'} … {'' if high is None else f'{high:g}'}"


def status_text(device: DeviceRecord) -> str:
    return STATUS_TEXT[device.status] + (" (archived)" if device.archived else "")


def due_text(device: DeviceRecord) -> str | None:
    return device.calibration_due.isoformat() if device.calibration_due else None


CELL_TEXT: dict[Columns, Callable[[DeviceRecord], str | None]] = {
    Columns.NAME: attrgetter("name"),
    Columns.SERIAL: attrgetter("serial_number"),
    Columns.TYPE: attrgetter("device_type"),
    Columns.LOCATION: attrgetter("location"),
    Columns.STATUS: status_text,
    Columns.CALIBRATION_DUE: due_text,
    Columns.UNIT: attrgetter("default_unit"),
    Columns.LIMITS: limits_text,
}


def cell_text(device: DeviceRecord, column: Columns) -> str:
    return CELL_TEXT[column](device) or ""


def is_overdue(device: DeviceRecord, today: date) -> bool:
    return device.calibration_overdue(today) and not device.archived


def tooltip(device: DeviceRecord, today: date) -> str | None:
    if is_overdue(device, today):
        return f"Calibration overdue since {device.calibration_due}"
    return "Archived: hidden unless “Show archived” is on" if device.archived else None


@cache
def _italic() -> QFont:
    font = QFont()
    font.setItalic(True)
    return font


def style(device: DeviceRecord, column: Columns, role: int, today: date) -> Any:
    """Overdue calibration in red; archived rows grey and italic; retired grey."""
    overdue = column is Columns.CALIBRATION_DUE and is_overdue(device, today)
    if role == Role.BackgroundRole:
        return alarm_brushes()[0] if overdue else None
    if role == Role.ForegroundRole:
        if device.archived or device.status is DeviceStatus.RETIRED:
            return MUTED_BRUSH
        if overdue:
            return alarm_brushes()[1]
        out = column is Columns.STATUS and device.status is DeviceStatus.OUT_OF_SERVICE
        return OUT_OF_SERVICE_BRUSH if out else None
    if role == Role.FontRole and device.archived:
        return _italic()
    return None


class DeviceTableModel(FlatTableModel):
    """Devices matching a filter, in a sort order chosen by ``sort`` (that is, in SQL)."""

    headers = tuple(HEADERS[c] for c in Columns)
    loaded = Signal()  # the ids of a (re)load have arrived: rowCount is exact
    load_failed = Signal(object)  # the exception

    def __init__(self, ops: Ops, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._db: Database | None = None
        self._ids: list[int] = []
        self._positions: dict[int, int] | None = None  # id -> row, built when first asked
        self._rows: dict[int, DeviceRecord] = {}
        self._previous: dict[int, DeviceRecord] = {}  # the last load's rows, shown meanwhile
        self._asked: set[int] = set()  # blocks requested or arrived
        self._arrived: deque[int] = deque()  # blocks in the order they came (oldest evicted)
        self._unsortable = 0
        self._requests = Requests()  # a load, and the blocks it asks for
        self._loading = False
        self.query = DeviceQuery()
        self.today = date.today()

    # --- what to show ----------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        """Show ``db``'s devices (None: none). Rows cached from another file are forgotten."""
        self._db = db
        self._replace([], [])  # the old ids mean other devices (or none) in ``db``
        self._previous = {}
        self.reload()

    def set_filter(self, text: str) -> None:
        self._set_query(replace(self.query, filter_text=text))

    def set_show_archived(self, shown: bool) -> None:
        self._set_query(replace(self.query, show_archived=shown))

    def set_calibration(self, which: Calibration | None) -> None:
        self._set_query(replace(self.query, calibration=which))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reload in a new order, sorted in SQL. Reversing the current order needs no query;
        asking for the current order does nothing (a view asks twice when ``sortByColumn`` is
        called with sorting enabled)."""
        descending = order == Qt.SortOrder.DescendingOrder
        wanted = replace(self.query, sort_column=Columns(column), descending=descending)
        if self._can_reverse_into(wanted):
            self._reverse(wanted)
        else:
            self._set_query(wanted)

    def _can_reverse_into(self, wanted: DeviceQuery) -> bool:
        flipped = replace(self.query, descending=not self.query.descending)
        return wanted == flipped and self._db is not None and not self._loading

    def _reverse(self, query: DeviceQuery) -> None:
        """The list backwards: only the new first block is fetched, not the ids."""
        ids, unsortable = reversed_ids(self._ids, self._unsortable), self._unsortable
        self.query = query
        self._start(lambda db: reordered_listing(self._ops, db, ids, unsortable, BLOCK))

    def _set_query(self, query: DeviceQuery) -> None:
        if query != self.query:
            self.query = query
            self.reload()

    @property
    def loading(self) -> bool:
        """True from a (re)load until its ids have arrived."""
        return self._loading

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Fetch the ordered ids again (after a filter, sort or edit); rows come lazily."""
        wanted = device_filter(self.query)
        self._start(lambda db: device_listing(self._ops, db, wanted, BLOCK))

    def _start(self, listing: Callable[[Database], DatabaseOp[Listing]]) -> None:
        """Run the ``listing`` op and show what it brings, unless a newer one was asked for."""
        request, db = self._requests.new(), self._db
        if db is None:
            self._loading = False
            self._replace([], [])
            return
        self._loading = True
        listing(db).for_request(request).done(self._on_loaded).failed(self._on_failed).run()

    def _on_loaded(self, listing: Listing) -> None:
        self._loading = False
        self._unsortable = listing.unsortable
        self._replace(listing.ids, listing.first)
        self.loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.load_failed.emit(exc)

    def _replace(self, ids: list[int], first: list[DeviceRecord]) -> None:
        """Show ``ids``, the first block's rows at hand; what was shown before stays on hand
        (by id) until fresh rows come."""
        self.beginResetModel()
        self._ids, self._positions = ids, None
        if self._rows:
            self._previous = self._rows
        self._rows = {device.id: device for device in first}
        self._asked = {0}
        self._arrived = deque([0])
        self.today = date.today()
        self.endResetModel()

    def _request_block(self, row: int) -> None:
        block, db = row // BLOCK, self._db
        if block in self._asked or db is None:
            return
        self._asked.add(block)
        wanted = self._ids[block * BLOCK : (block + 1) * BLOCK]
        rows = device_rows(self._ops, db, wanted).for_request(self._requests.newest())
        rows.done(lambda found: self._on_block(block, found)).failed(self._on_failed).run()

    def _on_block(self, block: int, found: list[DeviceRecord]) -> None:
        self._rows.update((device.id, device) for device in found)
        self._arrived.append(block)
        self._evict_old_blocks()
        first, last = block * BLOCK, min((block + 1) * BLOCK, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Columns) - 1))

    def _evict_old_blocks(self) -> None:
        while len(self._arrived) > MAX_CACHED_BLOCKS:
            old = self._arrived.popleft()
            self._asked.discard(old)
            for device_id in self._ids[old * BLOCK : (old + 1) * BLOCK]:
                self._rows.pop(device_id, None)
                self._previous.pop(device_id, None)

    # --- rows and ids ----------------------------------------------------------------------

    def device_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, device_id: int) -> int | None:
        if self._positions is None:
            self._positions = {i: row for row, i in enumerate(self._ids)}
        return self._positions.get(device_id)

    def device_at(self, row: int) -> DeviceRecord | None:
        """The device in ``row`` (perhaps as the previous load saw it), or None while its block
        is on its way; asks for the block if it is missing."""
        device = self.peek(row)
        if not self.is_loaded(row):
            self._request_block(row)
        return device

    def peek(self, row: int) -> DeviceRecord | None:
        """The device in ``row`` if it is at hand (perhaps as the previous load saw it), without
        asking for its block."""
        device_id = self._ids[row]
        return self._rows.get(device_id) or self._previous.get(device_id)

    def is_loaded(self, row: int) -> bool:
        """Whether ``row`` holds data fetched by the current load."""
        return self._ids[row] in self._rows

    # --- what views ask --------------------------------------------------------------------

    def row_total(self) -> int:
        return len(self._ids)

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if role not in ANSWERED_ROLES or not index.isValid():
            return None
        row = index.row()
        device = self._rows.get(self._ids[row]) or self.device_at(row)
        if device is None:
            return None
        column = COLUMNS[index.column()]
        if role == Role.DisplayRole:
            return cell_text(device, column)
        if role == Role.ToolTipRole:
            return tooltip(device, self.today)
        return style(device, column, role, self.today)

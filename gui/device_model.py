"""The device table's model: every matching id in order, rows fetched in blocks on demand.

Sorting and filtering happen in SQL (``core.devices.device_ids``), so the model never sorts
Python objects and never sits under a ``QSortFilterProxyModel`` (PERFORMANCE.md: 339× slower).
Rows are fetched 200 at a time, on the database thread, when the view first asks for one; until
a block arrives its cells are blank. A reload bumps a generation number, so answers to older
requests are dropped.
"""

import enum
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from core.db import Database
from core.devices import DeviceRecord, DeviceSort, device_ids, devices_by_ids
from core.models import DeviceStatus
from gui.ops import Ops

BLOCK = 200
Index = QModelIndex | QPersistentModelIndex
OVERDUE_BACKGROUND = QColor(255, 205, 210)
OVERDUE_TEXT = QColor(183, 28, 28)


class Columns(enum.IntEnum):
    NAME = 0
    SERIAL = 1
    TYPE = 2
    LOCATION = 3
    STATUS = 4
    CALIBRATION_DUE = 5
    UNIT = 6
    LIMITS = 7


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
}
STATUS_TEXT = {
    DeviceStatus.ACTIVE: "Active",
    DeviceStatus.OUT_OF_SERVICE: "Out of service",
    DeviceStatus.RETIRED: "Retired",
}


def limits_text(device: DeviceRecord) -> str:
    low, high = device.low_limit, device.high_limit
    if low is None and high is None:
        return ""
    return f"{'' if low is None else f'{low:g}'} … {'' if high is None else f'{high:g}'}"


def cell_text(device: DeviceRecord, column: Columns) -> str:
    values = {
        Columns.NAME: device.name,
        Columns.SERIAL: device.serial_number,
        Columns.TYPE: device.device_type,
        Columns.LOCATION: device.location,
        Columns.STATUS: STATUS_TEXT[device.status] + (" (archived)" if device.archived else ""),
        Columns.CALIBRATION_DUE: device.calibration_due and device.calibration_due.isoformat(),
        Columns.UNIT: device.default_unit,
        Columns.LIMITS: limits_text(device),
    }
    return values[column] or ""


class DeviceTableModel(QAbstractTableModel):
    loaded = Signal()  # the id list of a (re)load has arrived

    def __init__(self, ops: Ops, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._db: Database | None = None
        self._ids: list[int] = []
        self._rows: dict[int, DeviceRecord] = {}
        self._asked: set[int] = set()  # blocks requested
        self._generation = 0
        self.filter_text = ""
        self.include_archived = False
        self.sort_column = Columns.NAME
        self.descending = False
        self.today = date.today()

    # --- loading ---------------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        self._db = db
        self.reload()

    def reload(self) -> None:
        """Fetch the ordered ids again (after a filter, sort or edit); rows come lazily."""
        self._generation += 1
        db, generation = self._db, self._generation
        if db is None:
            self._replace([])
            return
        text, sort, descending = self.filter_text, SORTS[self.sort_column], self.descending
        archived = self.include_archived

        def work() -> list[int]:
            return device_ids(db, filter_text=text, sort=sort, descending=descending,
                              include_archived=archived)  # fmt: skip

        self._ops.run(work, done=lambda ids: self._on_ids(generation, ids), label="devices")

    def _on_ids(self, generation: int, ids: list[int]) -> None:
        if generation == self._generation:
            self._replace(ids)
            self.loaded.emit()

    def _replace(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._rows.clear()
        self._asked.clear()
        self.today = date.today()
        self.endResetModel()

    def _request_block(self, row: int) -> None:
        block = row // BLOCK
        if block in self._asked or self._db is None:
            return
        self._asked.add(block)
        db, generation = self._db, self._generation
        wanted = self._ids[block * BLOCK : (block + 1) * BLOCK]
        self._ops.run(
            lambda: devices_by_ids(db, wanted),
            done=lambda found: self._on_block(generation, block, found),
            label="devices",
        )

    def _on_block(self, generation: int, block: int, found: list[DeviceRecord]) -> None:
        if generation != self._generation:
            return
        self._rows.update((device.id, device) for device in found)
        first, last = block * BLOCK, min((block + 1) * BLOCK, len(self._ids)) - 1
        if last >= first:
            right = self.index(last, len(Columns) - 1)
            self.dataChanged.emit(self.index(first, 0), right)

    # --- what views ask --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Columns(section)]
        return None

    def device_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, device_id: int) -> int | None:
        try:
            return self._ids.index(device_id)
        except ValueError:
            return None

    def device_at(self, row: int) -> DeviceRecord | None:
        """The loaded device in ``row``, or None while its block is on its way."""
        device = self._rows.get(self._ids[row])
        if device is None:
            self._request_block(row)
        return device

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        device = self.device_at(index.row())
        if device is None:
            return None
        return self._role_data(device, Columns(index.column()), role)

    def _role_data(self, device: DeviceRecord, column: Columns, role: int) -> Any:
        overdue = device.calibration_overdue(self.today) and not device.archived
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(device, column)
        if role == Qt.ItemDataRole.ToolTipRole and overdue:
            return f"Calibration overdue since {device.calibration_due}"
        if role == Qt.ItemDataRole.BackgroundRole and overdue:
            return QBrush(OVERDUE_BACKGROUND) if column == Columns.CALIBRATION_DUE else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(device, column, overdue)
        if role == Qt.ItemDataRole.FontRole and device.archived:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _foreground(self, device: DeviceRecord, column: Columns, overdue: bool) -> Any:
        if device.archived or device.status is DeviceStatus.RETIRED:
            return QBrush(QColor(128, 128, 128))
        if overdue and column == Columns.CALIBRATION_DUE:
            return QBrush(OVERDUE_TEXT)
        if column == Columns.STATUS and device.status is DeviceStatus.OUT_OF_SERVICE:
            return QBrush(QColor(230, 81, 0))
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if Columns(column) not in SORTS:
            return
        self.sort_column = Columns(column)
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def sortable(self, column: int) -> bool:
        return Columns(column) in SORTS

    def is_loaded(self, row: int) -> bool:
        return self._ids[row] in self._rows

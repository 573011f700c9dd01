"""The readings of the chart's visible range, newest first, fetched 500 at a time.

Out-of-limit readings stand out; a corrected original is shown struck through with the
correction that replaced it, and the correction says which reading it corrects.
"""

import enum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.chart_data import ReadingRow, readings_page
from core.db import Database
from core.models import ReadingSource
from core.readings import LimitFlag
from gui.ops import Ops

PAGE = 500
Index = QModelIndex | QPersistentModelIndex


class Columns(enum.IntEnum):
    TIME = 0
    DEVICE = 1
    VALUE = 2
    UNIT = 3
    LIMIT = 4
    OPERATOR = 5
    NOTE = 6
    SOURCE = 7
    HISTORY = 8


HEADERS = ("Time", "Device", "Value", "Unit", "Limit", "Operator", "Note", "Source", "History")
FLAG_TEXT = {LimitFlag.ABOVE: "▲ high", LimitFlag.BELOW: "▼ low", LimitFlag.WITHIN: ""}
FLAG_BACKGROUND = QColor(255, 235, 238)
FLAG_TEXT_COLOR = QColor(198, 40, 40)


def history_text(row: ReadingRow) -> str:
    if row.corrected_by is not None:
        return f"corrected by #{row.corrected_by}"
    if row.corrects_id is not None:
        return f"corrects #{row.corrects_id}"
    return ""


def cell(row: ReadingRow, column: Columns) -> str:
    values = {
        Columns.TIME: row.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        Columns.DEVICE: row.device_name,
        Columns.VALUE: f"{row.value:g}",
        Columns.UNIT: row.unit,
        Columns.LIMIT: FLAG_TEXT[row.flag],
        Columns.OPERATOR: row.operator or "",
        Columns.NOTE: (row.note or "").replace("\n", " "),
        Columns.SOURCE: "import" if row.source is ReadingSource.IMPORT else "manual",
        Columns.HISTORY: history_text(row),
    }
    return values[column]


class ReadingsTableModel(QAbstractTableModel):
    def __init__(self, ops: Ops, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._db: Database | None = None
        self._rows: list[ReadingRow] = []
        self._device_ids: list[int] = []
        self._range: tuple[int | None, int | None] = (None, None)
        self._more = False
        self._fetching = False
        self._generation = 0

    def load(self, db: Database | None, device_ids: list[int], span: tuple[Any, Any]) -> None:
        self._db, self._device_ids, self._range = db, list(device_ids), span
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._more = db is not None and bool(device_ids)
        self._fetching = False
        self.endResetModel()
        if self._more:
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._db is None:
            return
        self._fetching = True
        db, ids, (start, end) = self._db, self._device_ids, self._range
        offset, generation = len(self._rows), self._generation
        self._ops.run(
            lambda: readings_page(db, ids, start, end, offset, PAGE),
            done=lambda rows: self._on_page(generation, rows),
            label="readings",
        )

    def _on_page(self, generation: int, rows: list[ReadingRow]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._more = len(rows) == PAGE
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def reading(self, row: int) -> ReadingRow:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], Columns(index.column())
        flagged = row.flag is not LimitFlag.WITHIN
        if role == Qt.ItemDataRole.DisplayRole:
            return cell(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Columns.NOTE:
            return row.note
        if role == Qt.ItemDataRole.BackgroundRole and flagged and row.corrected_by is None:
            return QBrush(FLAG_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.corrected_by is not None:
                return QBrush(QColor(140, 140, 140))
            return QBrush(FLAG_TEXT_COLOR) if flagged else None
        if role == Qt.ItemDataRole.FontRole and row.corrected_by is not None:
            font = QFont()
            font.setStrikeOut(column in (Columns.VALUE, Columns.UNIT))
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Columns.VALUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ReadingsPanel(QWidget):
    correct_requested = Signal(int)  # reading id

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db: Database | None = None
        self._device_ids: list[int] = []
        self._range: tuple[int | None, int | None] = (None, None)
        self.model = ReadingsTableModel(ops, self)
        self.table = QTableView()
        self.table.setObjectName("readingsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(Columns.TIME, 130)
        self.table.setColumnWidth(Columns.DEVICE, 170)
        self.table.doubleClicked.connect(lambda _index: self._request_correction())
        self.correct_action = QAction("&Correct Reading…", self)
        self.correct_action.triggered.connect(self._request_correction)
        self.table.addAction(self.correct_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.title = QLabel("Readings")
        self.title.setStyleSheet("font-weight: 600")
        correct = QPushButton("Correct…")
        correct.clicked.connect(self._request_correction)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(correct)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)

    def set_database(self, db: Database | None) -> None:
        self._db = db
        self.show_devices([])

    def show_devices(self, device_ids: list[int]) -> None:
        self._device_ids = list(device_ids)
        self._range = (None, None)
        self.refresh()

    def set_range(self, start_ms: int | None, end_ms: int | None) -> None:
        self._range = (start_ms, end_ms)
        self.refresh()

    def refresh(self) -> None:
        self.model.load(self._db, self._device_ids, self._range)
        self.title.setText("Readings in the chart's range" if self._device_ids else "Readings")

    def selected_reading_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.reading(rows[0].row()).id if rows else None

    def _request_correction(self) -> None:
        reading_id = self.selected_reading_id()
        if reading_id is not None:
            self.correct_requested.emit(reading_id)

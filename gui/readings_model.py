"""The readings of a time range as a table model, newest first, fetched 500 rows at a time.

A thin adapter over ``core.reading_pages.readings_page``: rows come in pages through the database
thread when the view scrolls near the end (``canFetchMore``/``fetchMore``), so a range with a
million readings opens as fast as one with ten (docs/PERFORMANCE.md, "Tables").
"""

import enum
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
from core.models import ReadingSource
from core.reading_pages import ReadingRow
from core.readings import LimitFlag
from gui.colors import alarm_brushes
from gui.operations.readings import reading_page
from gui.ops import Ops
from gui.stale import Requests
from gui.table_model import FlatTableModel

PAGE = 500
Index = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole


class Columns(enum.IntEnum):
    TIME = 0
    DEVICE = 1
    VALUE = 2
    UNIT = 3
    FLAG = 4
    OPERATOR = 5
    NOTE = 6
    SOURCE = 7
    CORRECTION = 8


HEADERS = ("Time (local)", "Device", "Value", "Unit", "Limit", "Operator", "Note", "Source",
           "Correction")  # fmt: skip
FLAG_TEXT = {LimitFlag.ABOVE: "▲ high", LimitFlag.BELOW: "▼ low", LimitFlag.WITHIN: ""}
OVERDUE_TEXT = "calibration overdue"
SUPERSEDED_FOREGROUND = QColor(128, 128, 128)


def correction_text(row: ReadingRow) -> str:
    if row.corrected_by is not None:
        return f"corrected by #{row.corrected_by}"
    if row.corrects_id is not None:
        return f"corrects #{row.corrects_id}"
    return ""


def cell_text(row: ReadingRow, column: Columns) -> str:
    if column is Columns.TIME:
        return row.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    if column is Columns.VALUE:
        return row.text
    if column is Columns.FLAG:
        overdue = OVERDUE_TEXT if row.overdue else ""
        return " · ".join(text for text in (FLAG_TEXT[row.flag], overdue) if text)
    if column is Columns.NOTE:
        return (row.note or "").replace("\n", " ")
    if column is Columns.SOURCE:
        return "import" if row.source is ReadingSource.IMPORT else "manual"
    if column is Columns.CORRECTION:
        return correction_text(row)
    plain = {
        Columns.DEVICE: row.device_name,
        Columns.UNIT: row.unit,
        Columns.OPERATOR: row.operator,
    }
    return plain[column] or ""


def row_tooltip(row: ReadingRow, column: Columns) -> str | None:
    if column is Columns.TIME:
        return row.recorded_at.astimezone().isoformat(sep=" ", timespec="seconds")
    if column is Columns.NOTE and row.note:
        return row.note
    if column is Columns.FLAG and row.overdue:
        return "Taken while the device was overdue for calibration (its due date had passed)."
    if row.superseded:
        return f"Replaced by the correction #{row.corrected_by}; kept for the record."
    return None


class ReadingsTableModel(FlatTableModel):
    """Readings of some devices in ``[start_ms, end_ms)``, newest first, paged through ops."""

    headers = HEADERS
    page_loaded = Signal(int)  # how many rows the page had (0: the range has no more)
    load_failed = Signal(object)  # the exception

    def __init__(self, ops: Ops, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._db: Database | None = None
        self._device_ids: list[int] = []
        self._span: tuple[int | None, int | None] = (None, None)
        self._rows: list[ReadingRow] = []
        self._more = False
        self._fetching = False
        self._requests = Requests()  # a load, and the pages it asks for

    def load(self, db: Database | None, device_ids: list[int], start_ms: int | None,
             end_ms: int | None) -> None:  # fmt: skip
        """Forget the rows and fetch the first page of these devices and range."""
        self._db, self._device_ids, self._span = db, list(device_ids), (start_ms, end_ms)
        self._requests.new()
        self.beginResetModel()
        self._rows = []
        self._more = db is not None and bool(device_ids)
        self._fetching = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    @property
    def loading(self) -> bool:
        return self._fetching

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        db = self._db
        if not self.canFetchMore(parent) or db is None:
            return
        self._fetching = True
        after = self._rows[-1].key if self._rows else None
        page = reading_page(self._ops, db, self._device_ids, self._span, after=after, limit=PAGE)
        if after is None:  # a first page asked for again while the thread was busy runs once
            page.latest_only(f"readings-first-page-{id(self)}")
        page.for_request(self._requests.newest()).done(self._on_page).failed(self._on_failed).run()

    def _on_page(self, rows: list[ReadingRow]) -> None:
        self._fetching = False
        self._more = len(rows) == PAGE
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.page_loaded.emit(len(rows))

    def _on_failed(self, exc: BaseException) -> None:
        self._fetching = self._more = False
        self.load_failed.emit(exc)

    def row_total(self) -> int:
        return len(self._rows)

    def reading(self, row: int) -> ReadingRow:
        return self._rows[row]

    def row_of(self, reading_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == reading_id), None)

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], Columns(index.column())
        if role == Role.DisplayRole:
            return cell_text(row, column)
        if role == Role.ToolTipRole:
            return row_tooltip(row, column)
        if role == Role.TextAlignmentRole and column is Columns.VALUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return _style(row, column, role)


def _style(row: ReadingRow, column: Columns, role: int) -> Any:
    """Out-of-limit readings in red; corrected originals grey and struck through."""
    flagged = row.flag is not LimitFlag.WITHIN
    if role == Role.ForegroundRole:
        if row.superseded:
            return QBrush(SUPERSEDED_FOREGROUND)
        return alarm_brushes()[1] if flagged else None
    if role == Role.BackgroundRole and flagged and not row.superseded:
        return alarm_brushes()[0]
    if role == Role.FontRole and (row.superseded or flagged):
        font = QFont()
        font.setStrikeOut(row.superseded and column is not Columns.CORRECTION)
        font.setBold(flagged and not row.superseded and column in (Columns.VALUE, Columns.FLAG))
        return font
    return None

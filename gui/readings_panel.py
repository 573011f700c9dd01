"""The readings of the chart's visible range as a table, with the way to correct one.

Out-of-limit readings stand out; a corrected original is shown grey and struck through with the
correction that replaced it, and the correction says which reading it corrects. The window
opens the correction dialog when ``correct_requested`` is emitted.
"""

import logging
from datetime import datetime

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.db import Database
from core.timeutil import from_epoch_ms
from gui.ops import Ops
from gui.overlay import message_over
from gui.readings_model import Columns, ReadingsTableModel

log = logging.getLogger("fieldlog.gui.readings")

CORRECT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2)
NO_DEVICE = "Select a device to see its readings"
NONE_IN_RANGE = "No readings in this range"
COLUMN_WIDTHS = {
    Columns.TIME: 150, Columns.DEVICE: 150, Columns.VALUE: 80, Columns.UNIT: 60,
    Columns.FLAG: 70, Columns.OPERATOR: 120, Columns.NOTE: 220, Columns.SOURCE: 70,
}  # fmt: skip


class ReadingsPanel(QWidget):
    """The selected devices' readings in the chart's range, newest first."""

    correct_requested = Signal(int)  # reading id

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db: Database | None = None
        self._device_ids: list[int] = []
        self._span: tuple[int | None, int | None] = (None, None)
        self._reselect: int | None = None
        self.model = ReadingsTableModel(ops, self)
        self.model.page_loaded.connect(self._on_page_loaded)
        self.model.modelReset.connect(self._update_actions)
        self.model.load_failed.connect(self._on_load_failed)
        self._build()
        self._update_actions()

    # --- layout ------------------------------------------------------------------------

    def _build(self) -> None:
        self.table = self._make_table()
        self.title = QLabel("Readings")
        self.title.setObjectName("readingsTitle")
        self.title.setStyleSheet("font-weight: 600")
        self.correct_button = QPushButton("Correct…")
        self.correct_button.setToolTip("Correct the selected reading (Enter, F2 or a double-click)")
        self.correct_button.clicked.connect(self._request_correction)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.correct_button)
        self.message, stack = message_over(self.table, NO_DEVICE, "readingsMessage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(stack, 1)

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("readingsTable")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(22)
        table.horizontalHeader().setStretchLastSection(True)
        for column, width in COLUMN_WIDTHS.items():
            table.setColumnWidth(column, width)
        table.doubleClicked.connect(lambda _index: self._request_correction())
        table.selectionModel().selectionChanged.connect(self._update_actions)
        self.correct_action = QAction("&Correct Reading…", self)
        self.correct_action.setShortcuts([QKeySequence(k) for k in CORRECT_KEYS])
        self.correct_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.correct_action.triggered.connect(self._request_correction)
        table.addAction(self.correct_action)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        table.installEventFilter(self)
        return table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter or F2 corrects the selected reading. Coming to the table by keyboard (F6,
        Tab) selects a row, so that they have a reading to act on at once."""
        if watched is self.table and event.type() == QEvent.Type.FocusIn:
            self._select_current()
        if watched is self.table and isinstance(event, QKeyEvent) and _is_correct_key(event):
            self._request_correction()
            return True
        return super().eventFilter(watched, event)

    def _select_current(self) -> None:
        if not self.table.selectionModel().hasSelection() and self.model.rowCount():
            current = self.table.currentIndex()
            self.table.selectRow(current.row() if current.isValid() else 0)

    # --- what to show --------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        self._db = db
        self.show_devices([])

    def show_devices(self, device_ids: list[int]) -> None:
        """Show these devices' readings in the current range (the chart's, once it says)."""
        self._device_ids = list(device_ids)
        self.table.setColumnHidden(Columns.DEVICE, len(self._device_ids) < 2)
        self._reselect = None
        self.refresh()

    def set_range(self, start_ms: int | None, end_ms: int | None) -> None:
        """Show ``[start_ms, end_ms)``: the chart's visible range (``range_changed``)."""
        if (start_ms, end_ms) != self._span:
            self._span = (start_ms, end_ms)
            self.refresh()

    def refresh(self) -> None:
        """Load again (after a reading was saved, corrected or undone), keeping the selection
        if the selected reading is still in the first pages."""
        self._reselect = self.selected_reading_id() or self._reselect
        self.model.load(self._db, self._device_ids, *self._span)
        self._update_message()
        self.title.setText(_title(self._span) if self._device_ids else "Readings")

    def selected_reading_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.reading(rows[0].row()).id if rows else None

    def select_reading(self, reading_id: int) -> bool:
        """Select a reading if it is loaded; returns whether it was."""
        row = self.model.row_of(reading_id)
        if row is None:
            return False
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().select(
            self.model.index(row, 0), flags.ClearAndSelect | flags.Rows
        )
        self.table.scrollTo(self.model.index(row, 0))
        return True

    # --- reactions -----------------------------------------------------------------------

    def _on_page_loaded(self, _count: int) -> None:
        self._update_message()
        if self._reselect is not None and self.select_reading(self._reselect):
            self._reselect = None

    def _on_load_failed(self, exc: BaseException) -> None:
        log.error("could not load the readings", exc_info=exc)
        self._show_message(f"Could not load the readings: {exc}")

    def _update_message(self) -> None:
        if not self._device_ids or self._db is None:
            self._show_message(NO_DEVICE)
        elif self.model.rowCount() == 0 and not self.model.loading:
            self._show_message(NONE_IN_RANGE)
        else:
            self._show_message(None)

    def _show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(text is not None)

    def _update_actions(self) -> None:
        row = self._selected_row()
        correctable = row is not None and not self.model.reading(row).superseded
        self.correct_action.setEnabled(correctable)
        self.correct_button.setEnabled(correctable)

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _request_correction(self) -> None:
        row = self._selected_row()
        if row is not None and not self.model.reading(row).superseded:
            self.correct_requested.emit(self.model.reading(row).id)


def _is_correct_key(event: QKeyEvent) -> bool:
    return event.type() == QEvent.Type.KeyPress and event.key() in CORRECT_KEYS


def _title(span: tuple[int | None, int | None]) -> str:
    start, end = span
    if start is None or end is None:
        return "Readings"
    return f"Readings from {_local(start)} to {_local(end)}"


def _local(ms: int) -> str:
    moment: datetime = from_epoch_ms(ms).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")

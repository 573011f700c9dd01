"""Help → Keyboard Shortcuts: every key the window answers to, on one page.

The menu actions are listed from the actions themselves (so a key added to an action shows up
here by itself); the keys that belong to one field or table are listed from ``FIELD_KEYS``.
"""

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

FIELD_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter (in the device filter)", "Select the first match; Enter again: log a reading"),
    ("Down (in the device filter)", "Move into the device list"),
    ("Escape (in the device filter)", "Clear the filter"),
    ("Enter (in the device list)", "Log a reading for the device"),
    ("Delete (in the device list)", "Archive the selected devices"),
    ("Enter (in the value, operator or note field)", "Save the reading"),
    ("Ctrl+Z (in an empty value field)", "Undo the last entry"),
    ("Enter or F2 (in the readings table)", "Correct the selected reading"),
    ("Mouse wheel, drag (on the chart)", "Zoom, pan the time axis"),
)


def action_keys(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, what) for each action that has a key, in the order given."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            rows.append((", ".join(keys), action.text().replace("&", "").rstrip("…")))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")
        rows = action_keys(actions) + list(FIELD_KEYS)
        self.table = QTableWidget(len(rows), 2)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Key", "What it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, what) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        self.table.resizeColumnToContents(0)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(620, 480)

    def listed(self) -> list[tuple[str, str]]:
        """(key, what it does) as the dialog shows them."""
        return [(self._cell(r, 0), self._cell(r, 1)) for r in range(self.table.rowCount())]

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

"""A table of a few rows to pick one from, as the Backups, Import History, Calibration Status
and History dialogs list theirs: read-only, whole rows selected one at a time, each row's cells
filled at once; and the layout of a dialog that only lists."""

from collections.abc import Collection, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class PickTable(QTableWidget):
    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().hide()  # row numbers say nothing here

    def fill(self, rows: Sequence[tuple[Sequence[str], str]], numbers: Collection[int]) -> None:
        """Show ``rows``, each its cells' texts and the tooltip of all its cells; the columns
        in ``numbers`` are aligned right. The columns then fit their contents."""
        self.setRowCount(len(rows))
        for row, (cells, tooltip) in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tooltip)
                if column in numbers:
                    item.setTextAlignment(RIGHT)
                self.setItem(row, column, item)
        self.resizeColumnsToContents()


def lay_out_listing(dialog: QDialog, summary: QLabel, table: PickTable) -> None:
    """A dialog that lists: what it holds in a line, the table, and Close (Esc)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(summary)
    layout.addWidget(table, 1)
    layout.addWidget(buttons)

"""File → Import History…: every import of the open database, and undoing a whole one."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.db import Database
from core.importing.history import BatchRecord, BatchUndone
from gui.messages import explain
from gui.operations.imports import list_imports, undo_import
from gui.ops import Ops
from gui.pick_table import PickTable

HEADERS = ("Imported", "File", "Format", "New", "Duplicates", "Rejected", "Devices made", "Now")
NUMBERS = {3, 4, 5, 6}
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def state_text(batch: BatchRecord) -> str:
    if batch.undone_at is not None:
        return f"undone {batch.undone_at.astimezone():%Y-%m-%d %H:%M}"
    return f"{batch.readings_now:,} readings"


class BatchesDialog(QDialog):
    undone = Signal(object)  # BatchUndone: the window refreshes what it shows

    def __init__(self, ops: Ops, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchesDialog")
        self.setWindowTitle("Import history")
        self.resize(900, 380)
        self._ops, self._db = ops, db
        self.batches: list[BatchRecord] = []
        self.table = PickTable(HEADERS)
        self.undo_button = QPushButton("&Undo Import…")
        self.undo_button.setObjectName("undoImport")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self._confirm_undo)
        self.table.itemSelectionChanged.connect(self._update_button)
        self.message = QLabel()
        self.message.setObjectName("batchesMessage")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel("Every import into this database, newest first. Undoing one removes the "
                       "readings it added and the devices it made.")  # fmt: skip
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        list_imports(self._ops, self._db).done(self._show).run()

    def _show(self, batches: list[BatchRecord]) -> None:
        self.batches = batches
        rows = [((f"{batch.imported_at.astimezone():%Y-%m-%d %H:%M}", batch.file_name,
                  batch.format, f"{batch.readings_added:,}", f"{batch.duplicates:,}",
                  f"{batch.rejected:,}", str(batch.devices_created), state_text(batch)),
                 f"{batch.file_name}\nSHA-256 {batch.file_hash}")
                for batch in batches]  # fmt: skip
        self.table.fill(rows, numbers=NUMBERS)
        if not batches:
            self.message.setText("Nothing has been imported into this database yet.")
        elif self.selected() is None:
            self.table.selectRow(0)
        self._update_button()

    def selected(self) -> BatchRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.batches[rows[0].row()] if rows else None

    def _update_button(self) -> None:
        batch = self.selected()
        self.undo_button.setEnabled(batch is not None and batch.undone_at is None)

    def _confirm_undo(self) -> None:
        batch = self.selected()
        if batch is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Undo import",
                          f"Remove the {batch.readings_now:,} readings imported from "
                          f"{batch.file_name} on {batch.imported_at.astimezone():%Y-%m-%d %H:%M}"
                          ", and the devices that import made if nothing else uses them?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)  # fmt: skip
        box.setObjectName("confirmUndoImport")
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self.undo(batch.id) if button is yes else None)
        box.open()

    def undo(self, batch_id: int) -> None:
        undoing = undo_import(self._ops, self._db, batch_id)
        undoing.done(self._on_undone).failed(self._on_failed).run()

    def _on_undone(self, result: BatchUndone) -> None:
        removed = f", and the devices {', '.join(result.devices_removed)}" if (
            result.devices_removed) else ""  # fmt: skip
        self.message.setText(f"Import {result.batch_id} undone: {result.readings_removed:,} "
                             f"readings removed{removed}.")  # fmt: skip
        self.undone.emit(result)
        self.reload()

    def _on_failed(self, exc: BaseException) -> None:
        self.message.setText(explain(exc, "The import could not be undone"))

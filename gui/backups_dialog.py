"""File → Backups…: the backups of the open database, and restoring one of them."""

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.backup import BackupInfo
from gui.operations.backups import list_backups
from gui.ops import Ops
from gui.pick_table import PickTable

REASONS = {
    "pre-upgrade": "before an upgrade",
    "pre-restore": "before a restore",
    "pre-downgrade": "before a downgrade",
    "manual": "made by hand",
    "damaged": "damaged file kept for support",
}


class BackupsDialog(QDialog):
    restore_requested = Signal(object)  # Path of the backup to restore

    def __init__(self, ops: Ops, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupsDialog")
        self.setWindowTitle("Backups")
        self.resize(720, 360)
        self._backups: list[BackupInfo] = []
        self.table = PickTable(["Taken", "Schema", "Why", "Size"])
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self._confirm_restore)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(bool(self.table.selectedItems()))
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Backups of {db_path}, newest first, in {db_path.parent}"))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        list_backups(ops, db_path).done(self._show).run()

    def _show(self, backups: list[BackupInfo]) -> None:
        self._backups = backups
        rows = [((info.created.astimezone().strftime("%Y-%m-%d %H:%M:%S"), info.revision or "—",
                  REASONS.get(info.reason, info.reason), f"{info.size / 1024 / 1024:.1f} MB"),
                 str(info.path)) for info in backups]  # fmt: skip
        self.table.fill(rows, numbers={3})
        if backups:
            self.table.selectRow(0)

    def selected_backup(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        return self._backups[rows[0].row()].path if rows else None

    def _confirm_restore(self) -> None:
        backup = self.selected_backup()
        if backup is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Restore backup",
                          f"Replace the open database with the backup\n{backup.name}?\n\n"
                          "The current database is backed up first, so this can be undone "
                          "by restoring that backup.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)  # fmt: skip
        box.setObjectName("confirmRestore")
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self._restore(backup) if button is yes else None)
        box.open()

    def _restore(self, backup: Path) -> None:
        self.restore_requested.emit(backup)
        self.accept()

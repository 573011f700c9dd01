"""The dialogs the window opens: choosing a file, import, export, history, backups, about,
the keyboard shortcuts, and the box for an error nobody else handled.

Each dialog's module is imported when it is first opened: none is on the way to the first
paint.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from core.importing.report import ImportReport
    from gui.main_window import MainWindow

DB_FILTER = "FieldLog databases (*.db *.sqlite *.fieldlog);;All files (*)"


class WindowDialogs:
    """The window's dialogs; ``import_wizard`` and ``shortcuts_dialog`` are the last opened."""

    def __init__(self, window: "MainWindow") -> None:
        self._window = window
        self.import_wizard: QWidget | None = None
        self.shortcuts_dialog: QWidget | None = None

    # --- files -----------------------------------------------------------------------------

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self._window, "New FieldLog database", "",
                                              DB_FILTER)  # fmt: skip
        if path:
            self._window.open_path(Path(path))

    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._window, "Open FieldLog database", "",
                                              DB_FILTER)  # fmt: skip
        if path:
            self._window.open_path(Path(path))

    def new_demo(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self._window, "Sample data: new database", "FieldLog sample.db", DB_FILTER
        )
        if path:
            self._window.open_path(Path(path), demo=True)

    # --- import and export -----------------------------------------------------------------

    def start_import(self, path: Path | None) -> None:
        """The import wizard, for ``path`` (a dropped file) or for a file still to choose."""
        window = self._window
        if window.database is None:
            window.statusBar().showMessage("Open a database before importing.")
            return
        from gui.import_wizard import ImportWizard

        wizard = ImportWizard(window.ops, window.database, path, window)
        wizard.imported.connect(self._after_import)
        self.import_wizard = wizard
        _open(wizard)

    def _after_import(self, report: "ImportReport") -> None:
        made = f", {len(report.devices_created)} devices created" if report.devices_created else ""
        self._window.statusBar().showMessage(
            f"Imported {report.accepted:,} readings from {report.path.name}{made} "
            f"(batch {report.batch_id}; File → Import History can undo it)."
        )
        self._window.ensure_workspace().refresh_all()

    def show_export(self) -> None:
        window = self._window
        if window.database is None:
            return
        from gui.export_dialog import ExportDialog

        workspace = window.ensure_workspace()
        selected = workspace.devices.selected_device_ids()
        span = workspace.chart.visible_range_ms() if workspace.chart.series else None
        dialog = ExportDialog(window.ops, window.database, selected, span, window)
        dialog.exported.connect(
            lambda done: window.statusBar().showMessage(
                f"Exported {done.readings:,} readings of {done.devices} devices to {done.path}"
                + (f" (the devices to {done.devices_path.name})" if done.devices_path else "")
            )
        )
        _open(dialog)

    def show_batches(self) -> None:
        window = self._window
        if window.database is None:
            return
        from gui.batches_dialog import BatchesDialog

        dialog = BatchesDialog(window.ops, window.database, window)
        dialog.undone.connect(lambda _result: window.ensure_workspace().refresh_all())
        _open(dialog)

    # --- the database ----------------------------------------------------------------------

    def show_backups(self) -> None:
        """The backups of the open file; restoring one is the database's life
        (``database.py``)."""
        from gui.backups_dialog import BackupsDialog

        window = self._window
        if window.path is not None:
            dialog = BackupsDialog(window.ops, window.path, window)
            dialog.restore_requested.connect(window.lifecycle.restore_backup)
            dialog.open()

    def show_about(self) -> None:
        from core import __version__

        window = self._window
        box = QMessageBox(window)
        box.setObjectName("aboutBox")
        box.setWindowTitle("About FieldLog")
        box.setText(f"<b>FieldLog {__version__}</b><br>Instrument inventory and reading log")
        box.setInformativeText(
            f"Database schema revision: {window.revision or '—'}\n"
            f"Database: {window.path or '—'}\nLog file: {window.log_file}"
        )
        box.open()

    def show_unexpected_error(self, exc: BaseException) -> None:
        """An op failed and nobody handled it (``Ops.error``): say so, details behind a button."""
        from gui.messages import explain

        text = explain(exc, "Something went wrong", logged=True)
        box = QMessageBox(QMessageBox.Icon.Warning, "FieldLog", text, parent=self._window)
        box.setObjectName("errorBox")
        box.setDetailedText(f"{type(exc).__name__}: {exc}\n\nLog file: {self._window.log_file}")
        box.open()

    # --- help ------------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        from gui.shortcuts_dialog import ShortcutsDialog

        window = self._window
        dialog = ShortcutsDialog(window.menus.keyed_actions(), window)
        self.shortcuts_dialog = dialog
        _open(dialog)


def _open(dialog: QDialog) -> None:
    """Open ``dialog`` (window-modal); it is deleted once closed."""
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()

"""The main window: device inventory on the left; entry, chart and readings on the right.

The window paints first and opens the database afterwards, on the database thread, through the
core launch contract. Until a database is ready nothing that touches one is enabled. The
panels, and the heavy libraries behind them (SQLAlchemy's ORM, pyqtgraph), are built just
after the first paint, so that the window appears at once.
"""

import gc
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QMimeData, QSettings, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QPaintEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui import messages
from gui.ops import Ops

if TYPE_CHECKING:
    from core.db import Database
    from core.devices import CalibrationCounts
    from core.importing.report import ImportReport
    from core.launch import LaunchResult
    from core.launch_errors import Action
    from gui.workspace import Workspace

log = logging.getLogger("fieldlog.gui")
DB_FILTER = "FieldLog databases (*.db *.sqlite *.fieldlog);;All files (*)"
DEFAULT_SIZE = (1280, 800)  # at most: a laptop's 1366×768 gets what its screen has free


class MainWindow(QMainWindow):
    """One window per process; ``open_path`` switches the database it shows."""

    database_changed = Signal(object)  # the open Database, or None while there is none
    launch_failed = Signal(object)  # the exception, after its dialog was shown
    first_painted = Signal()  # once: the window is on screen; slower set-up follows

    def __init__(self, log_file: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("FieldLog")
        self.ops = Ops(self)
        self.ops.error.connect(self._on_unexpected_error)
        self.ops.replaced.connect(self._on_replaced)
        # Read-only checks beside the user's work (a WAL reader blocks no writer).
        self.checks = Ops(self)
        self._stop_checks = threading.Event()
        self.damage: list[str] | None = None  # what the last integrity check found
        self.undo_stack = QUndoStack(self)
        self.log_file = log_file or Path("fieldlog.log")
        self.database: Database | None = None
        self.path: Path | None = None
        self.revision: str | None = None
        self.workspace: Workspace | None = None
        self.failure_box: QMessageBox | None = None
        self.import_wizard: QWidget | None = None
        self.shortcuts_dialog: QWidget | None = None
        self.setAcceptDrops(True)  # a file dropped on the window starts the import wizard
        self._painted = False
        self._stack = QStackedWidget()
        self.placeholder_label = QLabel("Opening the database…")
        self.placeholder_label.setObjectName("placeholder")
        self._placeholder = _centered(self.placeholder_label)
        self._stack.addWidget(self._placeholder)
        self.empty_state: QWidget | None = None  # made when a database without devices opens
        self.setCentralWidget(self._stack)
        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self._restore_geometry()
        self._set_ready(False)
        # One event-loop turn after the first paint: the window shows without waiting for it.
        self.first_painted.connect(lambda: QTimer.singleShot(0, self._assign_shortcuts))

    # --- actions and menus ------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action("&New Database…", self.new_database)
        self.open_action = self._action("&Open Database…", self.open_database_dialog)
        self.backups_action = self._action("&Backups…", self.show_backups)
        self.import_action = self._action("&Import Readings…", lambda: self.start_import(None))
        self.export_action = self._action("&Export Readings…", self.show_export)
        self.batches_action = self._action("Import &History…", self.show_batches)
        self.quit_action = self._action("&Quit", self.close)
        self.find_action = self._action("&Find Device", self._focus_filter)
        self.demo_action = self._action("Load &Sample Data into a New File…", self.new_demo)
        self.sample_action = self._action("Open the Sample &Data", self.open_sample_data)
        self.about_action = self._action("&About FieldLog", self.show_about)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.next_pane_action = self._action("Next &Pane", lambda: self._cycle_panes(1))
        self.previous_pane_action = self._action("Pre&vious Pane", lambda: self._cycle_panes(-1))
        self.shortcuts_action = self._action("&Keyboard Shortcuts", self.show_shortcuts)

    def _assign_shortcuts(self) -> None:
        """Keys for the menu actions: the platform's own where Qt knows one (Redo is Ctrl+Y on
        Windows, Shift+Cmd+Z on macOS). Done after the first paint: Qt builds its enums
        lazily, and ``QKeySequence.StandardKey`` alone costs several milliseconds."""
        from PySide6.QtGui import QKeySequence

        standard = QKeySequence.StandardKey
        for action, key in ((self.open_action, standard.Open), (self.quit_action, standard.Quit),
                            (self.undo_action, standard.Undo), (self.redo_action, standard.Redo),
                            (self.find_action, QKeySequence("Ctrl+F")),
                            (self.next_pane_action, QKeySequence("F6")),
                            (self.previous_pane_action, QKeySequence("Shift+F6")),
                            (self.shortcuts_action, QKeySequence("F1")),
                            (self.import_action, QKeySequence("Ctrl+I")),
                            (self.export_action, QKeySequence("Ctrl+Shift+E"))):  # fmt: skip
            action.setShortcut(key)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        for action in (self.new_action, self.open_action):
            file_menu.addAction(action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        for action in (self.import_action, self.export_action, self.batches_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.backups_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.edit_menu = menu.addMenu("&Edit")
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.find_action)
        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.next_pane_action)
        view_menu.addAction(self.previous_pane_action)
        self.view_menu = view_menu
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.sample_action)
        help_menu.addAction(self.demo_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        self.file_label = QLabel()
        self.revision_label = QLabel()
        self.counts_label = QLabel()
        for label in (self.file_label, self.revision_label, self.counts_label):
            self.statusBar().addPermanentWidget(label)

    def _set_ready(self, ready: bool) -> None:
        """Enable what needs a database. Undo and Redo follow the undo stack alone (enabled
        only when there is something to undo or redo); the stack is emptied whenever the
        database goes, since its commands belong to that file."""
        needs_db = (self.backups_action, self.find_action, self.import_action,
                    self.export_action, self.batches_action, self.next_pane_action,
                    self.previous_pane_action)  # fmt: skip
        for action in needs_db:
            action.setEnabled(ready)
        if not ready:
            self.undo_stack.clear()
            self._stack.setCurrentWidget(self._placeholder)

    # --- the workspace, built after the first paint -----------------------------------------

    def ensure_workspace(self) -> "Workspace":
        if self.workspace is None:
            from gui.workspace import Workspace

            self.workspace = Workspace(self.ops, self.undo_stack, self)
            self.workspace.counts_changed.connect(self._show_counts)
            self.workspace.empty_changed.connect(self._show_empty_state)
            self._stack.addWidget(self.workspace)
            for action in self.workspace.device_actions():
                self.edit_menu.addAction(action)
            self.view_menu.addSeparator()
            self.view_menu.addAction(self.workspace.chart.reset_action)
            self._restore_splitters()
        return self.workspace

    # --- opening files ---------------------------------------------------------------------

    def open_path(self, path: Path | None, *, demo: bool = False, note: str = "") -> None:
        """Open ``path`` (None: the per-user default) through the launch contract; ``note``
        replaces the usual "Opened …" in the status bar once it is open."""
        from gui.launching import launch_work

        self.statusBar().showMessage("Opening the database…")
        self.placeholder_label.setText(f"Opening {path or 'your database'}…")
        work = launch_work(path, demo)
        self.ops.run(
            work,
            done=lambda result: self._on_opened(result, note),
            failed=lambda exc: self._on_launch_failed(path, exc, demo),
            label="Opening the database…",
            progress_parent=self,
        )
        QTimer.singleShot(0, self.ensure_workspace)

    def _on_opened(self, result: "LaunchResult", note: str = "") -> None:
        from core.launch import Outcome

        previous = self.database
        self.database = result.database
        self.path = result.database.path
        messages.open_database_path = self.path  # named when SQLite refuses a later write
        self.revision = result.revision
        self.undo_stack.clear()
        workspace = self.ensure_workspace()
        workspace.set_database(self.database)
        self._stack.setCurrentWidget(workspace)
        self._set_ready(True)
        if not gc.get_freeze_count():  # once: see "Garbage collection" in docs/PERFORMANCE.md
            gc.freeze()
        self.setWindowTitle(f"{self.path.name} — FieldLog")
        self.file_label.setText(self.path.name)
        self.file_label.setToolTip(str(self.path))
        self.revision_label.setText(f"schema {result.revision}")
        self.statusBar().showMessage(note or _outcome_text(result), 8000)
        if result.outcome in (Outcome.OPENED, Outcome.OPENED_NEWER):
            self._check_integrity(self.path)  # the other outcomes were verified on the way
        from gui.recent import remember

        remember(self.path)
        if previous is not None and previous is not self.database:
            self.ops.run(previous.close)
        self.database_changed.emit(self.database)

    def _check_integrity(self, path: Path) -> None:
        """SQLite's quick check of a file opened at head, off the UI thread and beside the user's
        work: the launch itself only read the header, so that opening cost almost nothing."""
        from core.maintenance import check_while_open

        self.damage = None
        stop = self._stop_checks.is_set
        self.checks.run(
            lambda: check_while_open(path, stop),
            done=lambda problems: self._on_checked(path, problems),
            failed=lambda exc: self._on_checked(path, [str(exc)]),
            label="integrity check",
        )

    def _on_checked(self, path: Path, problems: list[str] | None) -> None:
        if problems is None or path != self.path:
            return  # stopped, or another file is open by now
        self.damage = problems
        if not problems:
            log.info("quick_check of %s: ok", path)
            return
        log.error("quick_check of %s found damage: %s", path, "; ".join(problems[:20]))
        box = QMessageBox(QMessageBox.Icon.Warning, "FieldLog: the database is damaged",
                          f"SQLite's integrity check found damage in {path.name}. What is "
                          "already saved may be incomplete, and new readings may be lost.",
                          QMessageBox.StandardButton.Close, self)  # fmt: skip
        box.setObjectName("damageFound")
        box.setInformativeText(
            f"Restore a backup (File → Backups…); the damaged file is kept beside it for "
            f"support. Database: {path}\nLog: {self.log_file}"
        )
        box.setDetailedText("\n".join(problems))
        backups = box.addButton("Show &Backups…", QMessageBox.ButtonRole.AcceptRole)
        backups.clicked.connect(self.show_backups)
        self.failure_box = box
        box.open()

    def _on_launch_failed(self, path: Path | None, exc: BaseException, demo: bool) -> None:
        from core.paths import resolve_db_path

        target = resolve_db_path(path)
        log.error("could not open %s", target, exc_info=exc)
        self.statusBar().showMessage("The database could not be opened.")
        if self.database is None:
            self.placeholder_label.setText("No database is open. Use File → Open or File → New.")
        self.ops.run(
            lambda: _has_backup(target), done=lambda has: self._ask(target, exc, has, demo)
        )

    def _ask(self, target: Path, exc: BaseException, has_backup: bool, demo: bool) -> None:
        from gui import launch_dialogs  # only when a launch fails: not on the way to first paint

        box = launch_dialogs.failure_dialog(self, target, exc, has_backup, self.log_file)
        self.failure_box = box
        box.finished.connect(lambda _code: self._on_failure_choice(box, target, demo))
        box.open()
        self.launch_failed.emit(exc)

    def _on_failure_choice(self, box: QMessageBox, target: Path, demo: bool) -> None:
        from gui.launch_dialogs import chosen

        action = chosen(box)
        self.failure_box = None
        box.deleteLater()
        self.failure_handlers(target, demo)[action]()

    def failure_handlers(self, target: Path, demo: bool) -> "dict[Action, Callable[[], object]]":
        """What each ``Action`` a failed launch of ``target`` offers does."""
        from core.launch_errors import Action

        return {
            Action.RETRY: lambda: self.open_path(target, demo=demo),
            Action.RESTORE: lambda: self.restore_newest(target),
            Action.SET_ASIDE: lambda: self.set_aside_wal(target, demo),
            Action.OPEN_OTHER: lambda: QTimer.singleShot(0, self.open_database_dialog),
            Action.QUIT: lambda: self.database is None and self.close(),
        }

    def restore_newest(self, target: Path) -> None:
        from gui.launching import restore_newest_work

        self.ops.run(
            restore_newest_work(target),
            done=lambda kept: self._after_restore(target, kept),
            failed=lambda exc: self._on_launch_failed(target, exc, False),
            label="Restoring the newest backup…",
            progress_parent=self,
        )

    def set_aside_wal(self, target: Path, demo: bool) -> None:
        """Rename the stray -wal beside ``target`` (kept), then open the file without it."""
        from gui.launching import set_aside_wal_work

        self.ops.run(
            set_aside_wal_work(target),
            done=lambda moved: self._after_set_aside(target, moved, demo),
            failed=lambda exc: self._on_launch_failed(target, exc, demo),
            label="Setting the stray file aside…",
            progress_parent=self,
        )

    def _after_set_aside(self, target: Path, moved: Path, demo: bool) -> None:
        log.info("set aside %s", moved)
        self.open_path(target, demo=demo, note=f"Opened; the stray file was kept as {moved}.")

    def _fill_recent_menu(self) -> None:
        from gui.recent import recent_files

        self.recent_menu.clear()
        for path in recent_files():
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New FieldLog database", "", DB_FILTER)
        if path:
            self.open_path(Path(path))

    def open_database_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open FieldLog database", "", DB_FILTER)
        if path:
            self.open_path(Path(path))

    def new_demo(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Sample data: new database", "FieldLog sample.db", DB_FILTER
        )
        if path:
            self.open_path(Path(path), demo=True)

    # --- dialogs ---------------------------------------------------------------------------

    # --- import and export ---------------------------------------------------------------

    def start_import(self, path: Path | None) -> None:
        """The import wizard, for ``path`` (a dropped file) or for a file still to choose."""
        if self.database is None:
            self.statusBar().showMessage("Open a database before importing.")
            return
        from gui.import_wizard import ImportWizard

        wizard = ImportWizard(self.ops, self.database, path, self)
        wizard.imported.connect(self._after_import)
        wizard.finished.connect(wizard.deleteLater)
        self.import_wizard = wizard
        wizard.open()

    def _after_import(self, report: "ImportReport") -> None:
        made = f", {len(report.devices_created)} devices created" if report.devices_created else ""
        self.statusBar().showMessage(
            f"Imported {report.accepted:,} readings from {report.path.name}{made} "
            f"(batch {report.batch_id}; File → Import History can undo it)."
        )
        self.ensure_workspace().refresh_all()

    def show_export(self) -> None:
        if self.database is None:
            return
        from gui.export_dialog import ExportDialog

        workspace = self.ensure_workspace()
        selected = workspace.devices.selected_device_ids()
        span = workspace.chart.visible_range_ms() if workspace.chart.series else None
        dialog = ExportDialog(self.ops, self.database, selected, span, self)
        dialog.exported.connect(
            lambda done: self.statusBar().showMessage(
                f"Exported {done.readings:,} readings of {done.devices} devices to {done.path}"
            )
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def show_batches(self) -> None:
        if self.database is None:
            return
        from gui.batches_dialog import BatchesDialog

        dialog = BatchesDialog(self.ops, self.database, self)
        dialog.undone.connect(lambda _result: self.ensure_workspace().refresh_all())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.database is not None and _dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_file(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.start_import(path)

    # --- backups ---------------------------------------------------------------------------

    def show_backups(self) -> None:
        if self.path is None:
            return
        from gui.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.ops, self.path, self)
        dialog.restore_requested.connect(self._restore_backup)
        dialog.open()

    def _restore_backup(self, backup: Path) -> None:
        """Close the database (Windows cannot replace an open file), restore, reopen."""
        from gui.launching import restore_work

        assert self.path is not None and self.database is not None
        path, database = self.path, self.database
        self.database = None
        self._set_ready(False)
        self.ensure_workspace().set_database(None)
        self.ops.run(
            restore_work(database, path, backup),
            done=lambda kept: self._after_restore(path, kept),
            failed=lambda exc: self._on_launch_failed(path, exc, False),
            label="Restoring the backup…",
            progress_parent=self,
        )

    def _after_restore(self, path: Path, kept: Path | None) -> None:
        saved = f" The replaced database was saved as {kept}." if kept is not None else ""
        self.open_path(path, note=f"Restored the backup.{saved}")

    def show_about(self) -> None:
        from core import __version__

        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle("About FieldLog")
        box.setText(f"<b>FieldLog {__version__}</b><br>Instrument inventory and reading log")
        box.setInformativeText(
            f"Database schema revision: {self.revision or '—'}\n"
            f"Database: {self.path or '—'}\nLog file: {self.log_file}"
        )
        box.open()

    def _on_replaced(self, exc: BaseException) -> None:
        """The file was replaced or moved under the window: stop writing to it at once (every
        op refuses already), say so, and offer to open what is there now."""
        if self.database is None or self.failure_box is not None:
            return
        log.error("the open database was replaced: %s", exc)
        path, database = self.path, self.database
        self.database = None
        self._set_ready(False)
        self.ensure_workspace().set_database(None)
        self.ops.run(database.close)
        self.placeholder_label.setText("The database file was replaced; nothing more is written.")
        box = QMessageBox(QMessageBox.Icon.Warning, "FieldLog: the database file was replaced",
                          str(exc), QMessageBox.StandardButton.Close, self)  # fmt: skip
        box.setObjectName("databaseReplaced")
        again = box.addButton("Open It &Again", QMessageBox.ButtonRole.AcceptRole)
        again.clicked.connect(lambda: self.open_path(path))
        box.finished.connect(lambda _code: setattr(self, "failure_box", None))
        self.failure_box = box
        box.open()

    def _on_unexpected_error(self, exc: BaseException) -> None:
        from gui.messages import explain

        text = explain(exc, "Something went wrong", logged=True)
        box = QMessageBox(QMessageBox.Icon.Warning, "FieldLog", text, parent=self)
        box.setObjectName("errorBox")
        box.setDetailedText(f"{type(exc).__name__}: {exc}\n\nLog file: {self.log_file}")
        box.open()

    def show_shortcuts(self) -> None:
        from gui.shortcuts_dialog import ShortcutsDialog

        dialog = ShortcutsDialog(self.keyed_actions(), self)
        dialog.finished.connect(dialog.deleteLater)
        self.shortcuts_dialog = dialog
        dialog.open()

    def keyed_actions(self) -> list[QAction]:
        """Every action of the menus, in menu order (the shortcuts dialog lists their keys)."""
        found: list[QAction] = []
        for menu in self.menuBar().findChildren(QMenu):
            found += [a for a in menu.actions() if not a.isSeparator() and not a.menu()]
        return found

    def _cycle_panes(self, step: int) -> None:
        """F6 and Shift+F6: devices → reading entry → chart → readings, and round again."""
        if self.workspace is not None:
            self.workspace.focus_pane(step)

    def _focus_filter(self) -> None:
        if self.workspace is not None:
            self.workspace.devices.focus_filter()

    def _show_empty_state(self, empty: bool) -> None:
        """A database without devices shows the ways to begin instead of empty panels."""
        if self.workspace is None or self.database is None:
            return
        if empty:
            shown = self._ensure_empty_state()
            self._stack.setCurrentWidget(shown)
            shown.setFocus()  # Tab and Enter reach its buttons without the mouse
        elif self._stack.currentWidget() is self.empty_state:
            self._stack.setCurrentWidget(self.workspace)

    def _ensure_empty_state(self) -> QWidget:
        if self.empty_state is None:
            from gui.empty_state import EmptyState

            made = EmptyState()
            made.add_requested.connect(lambda: self.ensure_workspace().devices.add_device())
            made.import_requested.connect(lambda: self.start_import(None))
            made.sample_requested.connect(self.open_sample_data)
            self._stack.addWidget(made)
            self.empty_state = made
        return self.empty_state

    def open_sample_data(self) -> None:
        """The sample database beside the user's own (made the first time), as ``--demo``."""
        from gui.app import demo_path

        self.open_path(demo_path(None), demo=True)

    def _show_counts(self, devices: int, readings: int, calibration: "CalibrationCounts") -> None:
        from core.devices import DUE_SOON_DAYS

        due = (f" · {calibration.overdue} overdue · {calibration.due_soon} due within "
               f"{DUE_SOON_DAYS} days")  # fmt: skip
        self.counts_label.setText(f"{devices:,} devices · {readings:,} readings{due}")

    # --- window state ----------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        """Where the window was, if that still fits the screen (a laptop off its docking
        station has a smaller one); else a size that fits the screen's free area."""
        geometry = QSettings().value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self._fit_to_screen(restored=isinstance(geometry, QByteArray))

    def _fit_to_screen(self, *, restored: bool) -> None:
        free = self.screen().availableGeometry()
        if restored and free.contains(self.frameGeometry()):
            return
        width = min(DEFAULT_SIZE[0], int(free.width() * 0.94))
        height = min(DEFAULT_SIZE[1], int(free.height() * 0.9))
        self.resize(width, height)
        self.move(free.left() + (free.width() - width) // 2,
                  free.top() + (free.height() - height) // 3)  # fmt: skip

    def _restore_splitters(self) -> None:
        assert self.workspace is not None
        for splitter in self.workspace.findChildren(QSplitter):
            state = QSettings().value(f"window/{splitter.objectName()}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)

    def _save_state(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        if self.workspace is not None:
            for splitter in self.workspace.findChildren(QSplitter):
                settings.setValue(f"window/{splitter.objectName()}", splitter.saveState())
            self.workspace.save_state(settings)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_painted.emit)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_state()
        self._stop_checks.set()  # an integrity check in progress stops at its next step
        self.checks.shutdown()
        if self.database is not None:
            self.ops.run(self.database.close)
            self.database = None
        self.ops.shutdown()
        super().closeEvent(event)


def _dropped_file(mime: QMimeData) -> Path | None:
    """The first local file dropped (a logger export to import), if any."""
    for url in mime.urls() if mime.hasUrls() else []:
        if url.isLocalFile() and Path(url.toLocalFile()).is_file():
            return Path(url.toLocalFile())
    return None


def _centered(label: QLabel) -> QWidget:
    """``label`` in the middle of a widget. Stretches do what ``Qt.AlignCenter`` would: the
    ``Qt`` namespace costs about 40 ms to load, which the first paint should not wait for."""
    row = QHBoxLayout()
    row.addStretch()
    row.addWidget(label)
    row.addStretch()
    box = QWidget()
    column = QVBoxLayout(box)
    column.addStretch()
    column.addLayout(row)
    column.addStretch()
    return box


def _has_backup(path: Path) -> bool:
    from core.backup import list_backups

    return bool(list_backups(path))


def _outcome_text(result: "LaunchResult") -> str:
    from core.launch import Outcome

    if result.outcome is Outcome.UPGRADED:
        return (
            f"Database upgraded from {result.previous_revision} to {result.revision}; "
            f"a backup is at {result.backup}"
        )
    if result.outcome is Outcome.CREATED:
        return f"New database created at {result.database.path}"
    return f"Opened {result.database.path}"

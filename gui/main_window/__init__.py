"""The main window: device inventory on the left; entry, chart and readings on the right.

The window paints first and opens the database afterwards, on the database thread, through the
core launch contract. Until a database is ready nothing that touches one is enabled. The
panels, and the heavy libraries behind them (SQLAlchemy's ORM, pyqtgraph), are built just
after the first paint, so that the window appears at once.

``MainWindow`` is the frame: what it shows (a placeholder, the panels of ``gui/workspace.py``, or
the ways to begin in an empty database), the status bar, and the window's place on the screen.
Its parts:

- ``menus.py``: the menus and their actions, and their keys;
- ``database.py``: the open database's life: the launch, the failed launch's dialog and its
  handlers, restoring a backup, a file replaced under the window, the integrity check, closing;
- ``dialogs.py``: the dialogs it opens (files, import, export, history, backups, about, keys).
"""

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMimeData, QSettings, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QPaintEvent, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui.main_window.database import DatabaseLifecycle
from gui.main_window.dialogs import WindowDialogs
from gui.main_window.menus import WindowMenus
from gui.ops import Ops

if TYPE_CHECKING:
    from core.db import SqliteDatabase
    from core.devices import CalibrationCounts
    from gui.workspace import Workspace

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
        self.undo_stack = QUndoStack(self)
        self.log_file = log_file or Path("fieldlog.log")
        self.database: SqliteDatabase | None = None
        self.path: Path | None = None
        self.revision: str | None = None
        self.damage: list[str] | None = None  # what the last integrity check found
        self.failure_box: QMessageBox | None = None
        self.workspace: Workspace | None = None
        self.empty_state: QWidget | None = None  # made when a database without devices opens
        self.lifecycle = DatabaseLifecycle(self)
        self.dialogs = WindowDialogs(self)
        self.menus = WindowMenus(self)
        self.ops.error.connect(self.dialogs.show_unexpected_error)
        self.ops.replaced.connect(self.lifecycle.on_replaced)
        self.setAcceptDrops(True)  # a file dropped on the window starts the import wizard
        self._painted = False
        self._build_stack()
        self._build_status_bar()
        self._restore_geometry()
        self.show_database(None)
        # One event-loop turn after the first paint: the window shows without waiting for it.
        self.first_painted.connect(lambda: QTimer.singleShot(0, self.menus.assign_shortcuts))

    def _build_stack(self) -> None:
        self._stack = QStackedWidget()
        self.placeholder_label = QLabel("Opening the database…")
        self.placeholder_label.setObjectName("placeholder")
        self._placeholder = _centered(self.placeholder_label)
        self._stack.addWidget(self._placeholder)
        self.setCentralWidget(self._stack)

    def _build_status_bar(self) -> None:
        self.file_label = QLabel()
        self.revision_label = QLabel()
        self.counts_label = QLabel()
        for label in (self.file_label, self.revision_label, self.counts_label):
            self.statusBar().addPermanentWidget(label)

    def open_path(self, path: Path | None, *, demo: bool = False, note: str = "") -> None:
        """Open ``path`` (None: the per-user default) through the launch contract; ``note``
        replaces the usual "Opened …" in the status bar once it is open."""
        self.lifecycle.open(path, demo=demo, note=note)

    # --- what the window shows -------------------------------------------------------------

    def show_database(self, db: "SqliteDatabase | None", revision: str | None = None) -> None:
        """The panels on ``db``, named in the title and the status bar; None: nothing that
        needs a database is enabled. The undo stack is emptied whenever the database changes,
        since its commands belong to that file."""
        self.undo_stack.clear()
        self.menus.set_ready(db is not None)
        if db is None:
            self._stack.setCurrentWidget(self._placeholder)
            if self.workspace is not None:
                self.workspace.set_database(None)
            return
        workspace = self.ensure_workspace()
        workspace.set_database(db)
        self._stack.setCurrentWidget(workspace)
        if not gc.get_freeze_count():  # once: see "Garbage collection" in docs/PERFORMANCE.md
            gc.freeze()
        self.setWindowTitle(f"{db.path.name} — FieldLog")
        self.file_label.setText(db.path.name)
        self.file_label.setToolTip(str(db.path))
        self.revision_label.setText(f"schema {revision}")

    def ensure_workspace(self) -> "Workspace":
        """The panels, built after the first paint (or when first needed)."""
        if self.workspace is None:
            from gui.workspace import Workspace

            self.workspace = Workspace(self.ops, self.undo_stack, self)
            self.workspace.counts_changed.connect(self._show_counts)
            self.workspace.empty_changed.connect(self._show_empty_state)
            self._stack.addWidget(self.workspace)
            self.menus.add_workspace_actions(self.workspace)
            self._restore_splitters()
        return self.workspace

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
            made.import_requested.connect(lambda: self.dialogs.start_import(None))
            made.sample_requested.connect(self.lifecycle.open_sample_data)
            self._stack.addWidget(made)
            self.empty_state = made
        return self.empty_state

    def _show_counts(self, devices: int, readings: int, calibration: "CalibrationCounts") -> None:
        from core.devices import DUE_SOON_DAYS

        due = (f" · {calibration.overdue} overdue · {calibration.due_soon} due within "
               f"{DUE_SOON_DAYS} days")  # fmt: skip
        self.counts_label.setText(f"{devices:,} devices · {readings:,} readings{due}")

    def cycle_panes(self, step: int) -> None:
        """F6 and Shift+F6: devices → reading entry → chart → readings, and round again."""
        if self.workspace is not None:
            self.workspace.focus_pane(step)

    def focus_filter(self) -> None:
        if self.workspace is not None:
            self.workspace.devices.focus_filter()

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

    # --- Qt events -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_painted.emit)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.database is not None and _dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_file(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.dialogs.start_import(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_state()
        self.lifecycle.close()
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

"""The window's menus and their actions: what needs a database is enabled only with one open.

The actions' keys are set one event-loop turn after the first paint (``assign_shortcuts``): Qt
builds its enums lazily, and ``QKeySequence.StandardKey`` alone costs several milliseconds.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from gui.main_window import MainWindow
    from gui.workspace import Workspace


class WindowMenus:
    """File, Edit, View and Help, in the window's menu bar."""

    def __init__(self, window: "MainWindow") -> None:
        self._window = window
        self._build_actions()
        self._build_menus()

    def _action(self, text: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self._window)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        window, dialogs, files = self._window, self._window.dialogs, self._window.lifecycle
        action = self._action
        self.new_action = action("&New Database…", dialogs.new_database)
        self.open_action = action("&Open Database…", dialogs.open_database)
        self.backups_action = action("&Backups…", dialogs.show_backups)
        self.import_action = action("&Import Readings…", lambda: dialogs.start_import(None))
        self.export_action = action("&Export Readings…", dialogs.show_export)
        self.batches_action = action("Import &History…", dialogs.show_batches)
        self.quit_action = action("&Quit", window.close)
        self.find_action = action("&Find Device", window.focus_filter)
        self.demo_action = action("Load &Sample Data into a New File…", dialogs.new_demo)
        self.sample_action = action("Open the Sample &Data", files.open_sample_data)
        self.about_action = action("&About FieldLog", dialogs.show_about)
        self.undo_action = window.undo_stack.createUndoAction(window, "&Undo")
        self.redo_action = window.undo_stack.createRedoAction(window, "&Redo")
        self.next_pane_action = action("Next &Pane", lambda: window.cycle_panes(1))
        self.previous_pane_action = action("Pre&vious Pane", lambda: window.cycle_panes(-1))
        self.shortcuts_action = action("&Keyboard Shortcuts", dialogs.show_shortcuts)

    def assign_shortcuts(self) -> None:
        """Keys for the menu actions: the platform's own where Qt knows one (Redo is Ctrl+Y on
        Windows, Shift+Cmd+Z on macOS)."""
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
        menu = self._window.menuBar()
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
        self.view_menu = menu.addMenu("&View")
        self.view_menu.addAction(self.next_pane_action)
        self.view_menu.addAction(self.previous_pane_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.sample_action)
        help_menu.addAction(self.demo_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def add_workspace_actions(self, workspace: "Workspace") -> None:
        """The device actions under Edit, the calibration status and the chart's Reset zoom
        under View, once the panels are built."""
        for action in workspace.device_actions():
            self.edit_menu.addAction(action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(workspace.devices.status_action)
        self.view_menu.addAction(workspace.chart.reset_action)

    def set_ready(self, ready: bool) -> None:
        """Enable what needs a database. Undo and Redo follow the undo stack alone (enabled
        only when there is something to undo or redo)."""
        needs_db = (self.backups_action, self.find_action, self.import_action,
                    self.export_action, self.batches_action, self.next_pane_action,
                    self.previous_pane_action)  # fmt: skip
        for action in needs_db:
            action.setEnabled(ready)

    def keyed_actions(self) -> list[QAction]:
        """Every action of the menus, in menu order (the shortcuts dialog lists their keys)."""
        found: list[QAction] = []
        for menu in self._window.menuBar().findChildren(QMenu):
            found += [a for a in menu.actions() if not a.isSeparator() and not a.menu()]
        return found

    def _fill_recent_menu(self) -> None:
        from gui.recent import recent_files

        self.recent_menu.clear()
        for path in recent_files():
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self._window.open_path(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

"""The device inventory: a filter that narrows as you type, the table, and its actions."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.db import Database
from core.devices import (
    DeviceFields,
    DeviceRecord,
    archive_device,
    create_device,
    delete_device,
    get_device,
    update_device,
)
from gui.device_dialog import DeviceDialog
from gui.device_model import Columns, DeviceTableModel
from gui.ops import Ops
from gui.undo import push_done

FILTER_DELAY_MS = 150


def _fields_of(device: DeviceRecord) -> DeviceFields:
    return DeviceFields(**{name: getattr(device, name) for name in DeviceFields.__annotations__})


class DevicePanel(QWidget):
    selection_changed = Signal(list)  # selected device ids
    device_activated = Signal(int)  # Enter or double-click on a device

    def __init__(self, ops: Ops, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self.undo_stack = undo_stack
        self._db: Database | None = None
        self._keep_selected: list[int] = []
        self.model = DeviceTableModel(ops, self)
        self.model.loaded.connect(self._on_loaded)
        self._build()
        self._build_actions()
        self.set_database(None)

    def _build(self) -> None:
        self.filter = QLineEdit(placeholderText="Filter by name, serial, location or type")
        self.filter.setObjectName("deviceFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.installEventFilter(self)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter.textChanged.connect(lambda _text: self._filter_timer.start())
        self.show_archived = QCheckBox("Show archived")
        self.show_archived.toggled.connect(self._on_show_archived)
        self.table = QTableView()
        self.table.setObjectName("deviceTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((Columns.NAME, 200), (Columns.SERIAL, 110), (Columns.TYPE, 150)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda index: self._activate(index.row()))
        self.table.installEventFilter(self)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.show_archived)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)

    def _build_actions(self) -> None:
        def action(text: str, slot: Callable[[], Any], *keys: str) -> QAction:
            made = QAction(text, self)
            made.setShortcuts([QKeySequence(k) for k in keys])
            made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            made.triggered.connect(slot)
            self.addAction(made)
            return made

        self.add_action = action("&Add Device…", self.add_device, "Ins", "Ctrl+N")
        self.edit_action = action("&Edit Device…", self.edit_selected, "Ctrl+E")
        self.archive_action = action("Archive / &Unarchive Device", self.archive_selected)

    # --- state -----------------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        self._db = db
        for widget in (self.filter, self.show_archived, self.table):
            widget.setEnabled(db is not None)
        for act in (self.add_action, self.edit_action, self.archive_action):
            act.setEnabled(db is not None)
        self.model.set_database(db)

    def refresh(self) -> None:
        self._keep_selected = self.selected_device_ids() or self._keep_selected
        self.model.reload()

    def focus_filter(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    def selected_device_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.device_id(row) for row in rows]

    def select_device(self, device_id: int) -> None:
        """Select ``device_id`` now if it is listed, else once the list has loaded."""
        self._keep_selected = [device_id]
        self._restore_selection()

    def _apply_filter(self) -> None:
        self.model.filter_text = self.filter.text()
        self.refresh()

    def _on_show_archived(self, shown: bool) -> None:
        self.model.include_archived = shown
        self.refresh()

    def _on_loaded(self) -> None:
        self._restore_selection()
        if not self.selected_device_ids():
            self.selection_changed.emit([])

    def _restore_selection(self) -> None:
        rows = [self.model.row_of(i) for i in self._keep_selected]
        found = [row for row in rows if row is not None]
        if not found:
            return
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        selection.clearSelection()
        for row in found:
            selection.select(self.model.index(row, 0), flags.Select | flags.Rows)
        self.table.setCurrentIndex(self.model.index(found[0], 0))
        self.table.scrollTo(self.model.index(found[0], 0))

    def _on_selection(self) -> None:
        ids = self.selected_device_ids()
        if ids:
            self._keep_selected = ids
        self.selection_changed.emit(ids)

    def _activate(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.device_activated.emit(self.model.device_id(row))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.filter and key == Qt.Key.Key_Down:
                self.table.setFocus()
                if not self.selected_device_ids() and self.model.rowCount():
                    self.table.selectRow(0)
                return True
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._activate(self.table.currentIndex().row())
                return True
        return super().eventFilter(watched, event)

    # --- editing ---------------------------------------------------------------------------

    def add_device(self) -> None:
        if self._db is None:
            return
        dialog = DeviceDialog(None, self)
        dialog.accepted.connect(lambda: self._create(dialog))
        dialog.open()

    def _create(self, dialog: DeviceDialog) -> None:
        db, fields = self._db, dialog.fields
        assert db is not None and fields is not None
        current: dict[str, int] = {}

        def redo() -> DeviceRecord:
            made = create_device(db, fields)
            current["id"] = made.id
            return made

        def done(made: DeviceRecord) -> None:
            push_done(self.undo_stack, self._ops, f"add device {made.name}",
                      undo=lambda: delete_device(db, current["id"]), redo=redo,
                      changed=self.refresh)  # fmt: skip
            self.select_device(made.id)
            self.refresh()

        self._ops.run(redo, done=done)

    def edit_selected(self) -> None:
        ids, db = self.selected_device_ids(), self._db
        if ids and db is not None:
            self._ops.run(lambda: get_device(db, ids[0]), done=self._open_editor)

    def _open_editor(self, device: DeviceRecord) -> None:
        dialog = DeviceDialog(device, self)
        dialog.accepted.connect(lambda: self._update(device, dialog))
        dialog.open()

    def _update(self, before: DeviceRecord, dialog: DeviceDialog) -> None:
        db, fields = self._db, dialog.fields
        assert db is not None and fields is not None
        old = _fields_of(before)

        def done(_after: DeviceRecord) -> None:
            push_done(self.undo_stack, self._ops, f"edit device {before.name}",
                      undo=lambda: update_device(db, before.id, old),
                      redo=lambda: update_device(db, before.id, fields),
                      changed=self._changed)  # fmt: skip
            self._changed()

        self._ops.run(lambda: update_device(db, before.id, fields), done=done)

    def archive_selected(self) -> None:
        """Archive the selected devices, or bring them back if they are archived already."""
        ids, db = self.selected_device_ids(), self._db
        if not ids or db is None:
            return
        rows = [self.model.row_of(i) for i in ids]
        loaded = [self.model.device_at(r) for r in rows if r is not None]
        archive = not all(device is not None and device.archived for device in loaded)

        def apply(state: bool) -> Callable[[], None]:
            def work() -> None:
                for device_id in ids:
                    archive_device(db, device_id, state)

            return work

        def done(_result: object) -> None:
            text = f"{'archive' if archive else 'unarchive'} {len(ids)} device(s)"
            push_done(self.undo_stack, self._ops, text, undo=apply(not archive),
                      redo=apply(archive), changed=self._changed)  # fmt: skip
            self._changed()

        self._ops.run(apply(archive), done=done)

    def _changed(self) -> None:
        self.refresh()
        self.selection_changed.emit(self.selected_device_ids())

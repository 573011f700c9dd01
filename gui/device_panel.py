"""The device inventory: the filter bar (``gui/device_filter.py``), the table
(``gui/device_table.py``), and the actions on the devices.

Every edit is an operation (``gui/operations/devices.py``) and, once it has succeeded, goes on
the undo stack. The selection is kept by device id across reloads (filter, sort, edits), so it
survives anything that leaves the device listed.
"""

from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.db import Database
from core.devices import DeviceFields, DeviceRecord
from core.errors import FieldLogError
from gui.device_dialog import DeviceDialog
from gui.device_filter import ENTER_KEYS, DeviceFilterBar
from gui.device_model import Columns, DeviceTableModel
from gui.device_records import DeviceRecords
from gui.device_table import DeviceTable
from gui.frozen_column import FrozenColumn
from gui.operations.devices import (
    add_device,
    archive_devices,
    delete_device,
    edit_device,
    fetch_device,
)
from gui.ops import Ops
from gui.undo import push_done, push_made
from gui.who import current_operator


def fields_of(device: DeviceRecord) -> DeviceFields:
    return DeviceFields(**{name: getattr(device, name) for name in DeviceFields.__annotations__})


def described(names: list[str], count: int) -> str:
    """“Name” for one device, “3 devices” for several."""
    return f"“{names[0]}”" if count == 1 and names else f"{count} devices"


class DevicePanel(QWidget):
    selection_changed = Signal(list)  # selected device ids, list[int]
    device_activated = Signal(int)  # Enter or double-click on a device
    devices_changed = Signal()  # a device was added, edited or archived (or that was undone)

    def __init__(self, ops: Ops, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self.undo_stack = undo_stack
        self._db: Database | None = None
        self._keep_selected: list[int] = []  # what the user selected, restored after reloads
        self._emitted: list[int] | None = None
        self._dialog: DeviceDialog | None = None
        self._picked_for: str | None = None  # the filter text Enter last picked a match for
        self._pick_first = False  # select the first match when the pending load arrives
        self.model = DeviceTableModel(ops, self)
        self.model.loaded.connect(self._on_loaded)
        self.model.load_failed.connect(self._on_load_failed)
        self._build()
        self._build_actions()
        self.set_database(None)

    # --- building --------------------------------------------------------------------------

    def _build(self) -> None:
        self.add_button = _add_button(self.add_device)
        self.filter_bar = DeviceFilterBar(self.model, self.add_button)
        self.filter_bar.entered.connect(self._enter_in_filter)
        self.filter_bar.down_pressed.connect(self._into_table)
        self._build_table()
        self.status_label = QLabel()
        self.status_label.setObjectName("deviceStatus")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        QWidget.setTabOrder(self.filter, self.filter_bar.show_archived)
        QWidget.setTabOrder(self.filter_bar.show_archived, self.table)

    @property
    def filter(self) -> QLineEdit:
        """The filter field (Ctrl+F comes here; tests and benchmarks type in it)."""
        return self.filter_bar.filter

    def _build_table(self) -> None:
        self.table = DeviceTable(self.model)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda index: self._activate(index.row()))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.installEventFilter(self)

    def _build_actions(self) -> None:
        def action(text: str, slot: Callable[[], None], *keys: str) -> QAction:
            made = QAction(text, self)
            made.setShortcuts([QKeySequence(k) for k in keys])
            made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            made.triggered.connect(slot)
            self.addAction(made)
            self.table.addAction(made)  # the table's context menu
            return made

        self.add_action = action("&Add Device…", self.add_device, "Ins", "Ctrl+N")
        self.edit_action = action("&Edit Device…", self.edit_selected, "Ctrl+E")
        self.records = DeviceRecords(self, self, self._ops, action)
        self.calibrations_action = self.records.calibrations_action
        self.status_action = self.records.status_action
        self.history_action = self.records.history_action
        self.archive_action = action("A&rchive Device", self.archive_selected)
        self.archive_action.setToolTip("Archive the selected devices (Del in the table)")
        self.frozen = FrozenColumn(self.table, Columns.NAME)  # after the actions: it copies them

    # --- state -----------------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        """Show ``db``'s devices; None (no database yet) disables everything."""
        if self._dialog is not None:
            self._dialog.reject()
        self._db = db
        self.records.set_database(db)
        self._keep_selected = []  # ids of another file would name other devices
        self.filter_bar.set_ready(db is not None)
        self.table.setEnabled(db is not None)
        self._show_status("" if db is not None else "No database open.")
        self.model.set_database(db)
        self._emit_selection([])
        self._update_actions()

    def refresh(self) -> None:
        """Reload the list (after an edit elsewhere); the selection is kept by device id."""
        self.model.reload()

    def focus_filter(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    def selected_device_ids(self) -> list[int]:
        return [self.model.device_id(row) for row in self._selected_rows()]

    def _selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def select_device(self, device_id: int) -> None:
        """Select ``device_id`` now if it is listed, and again once a pending load arrives."""
        self._keep_selected = [device_id]
        self._restore_selection()

    def _on_loaded(self) -> None:
        if self._pick_first:
            self._select_first()
        self._restore_selection()
        self._emit_selection(self.selected_device_ids())
        self._show_count()

    def _on_load_failed(self, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, FieldLogError) else "the details are in the log file"
        self._show_status(f"Could not load the devices: {message}", error=True)

    def _show_count(self) -> None:
        count, text = self.model.rowCount(), self.model.query.filter_text.strip()
        if count:
            shown = f"{count:,} device{'s' if count != 1 else ''}"
            self._show_status(f"{shown} matching “{text}”" if text else shown)
        elif text:
            self._show_status(f"No device matches “{text}”.")
        else:
            self._show_status("No devices yet: Add… (Ctrl+N) makes one.")

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #c62828" if error else "")
        self.status_label.setText(text)

    # --- selection -------------------------------------------------------------------------

    def _restore_selection(self) -> None:
        rows = sorted(r for r in map(self.model.row_of, self._keep_selected) if r is not None)
        if not rows:
            return
        last = self.model.columnCount() - 1
        wanted = QItemSelection()
        for row in rows:
            wanted.select(self.model.index(row, 0), self.model.index(row, last))
        flags = QItemSelectionModel.SelectionFlag
        selection = self.table.selectionModel()
        selection.select(wanted, flags.ClearAndSelect)
        selection.setCurrentIndex(self.model.index(rows[0], 0), flags.NoUpdate)
        self.table.scrollTo(self.model.index(rows[0], 0))

    def _on_selection(self) -> None:
        ids = self.selected_device_ids()
        self._keep_selected = ids
        self._emit_selection(ids)
        self._update_actions()

    def _emit_selection(self, ids: list[int], *, force: bool = False) -> None:
        """Tell the other panels, once per change (a reload that restores it is no change)."""
        if force or ids != self._emitted:
            self._emitted = ids
            self.selection_changed.emit(ids)

    def _update_actions(self) -> None:
        ready, ids = self._db is not None, self.selected_device_ids()
        self.add_action.setEnabled(ready)
        self.add_button.setEnabled(ready)
        self.edit_action.setEnabled(ready and bool(ids))
        self.records.update(ready, bool(ids))
        self.archive_action.setEnabled(ready and bool(ids))
        unarchive = bool(ids) and self._all_archived(ids)
        self.archive_action.setText("Un&archive Device" if unarchive else "A&rchive Device")

    def _all_archived(self, ids: list[int]) -> bool:
        """Whether every selected device whose row is at hand is archived (none at hand: no)."""
        rows = (self.model.row_of(i) for i in ids)
        known = [d for d in (self.model.peek(r) for r in rows if r is not None) if d is not None]
        return bool(known) and all(device.archived for device in known)

    # --- keys ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        pressed = event.type() == QEvent.Type.KeyPress
        if pressed and watched is self.table and isinstance(event, QKeyEvent):
            return self._table_key(event) or super().eventFilter(watched, event)
        return super().eventFilter(watched, event)

    def _into_table(self) -> None:
        """Down in the filter: on to the list, on its first match if none is selected."""
        self.table.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.selected_device_ids() and self.model.rowCount():
            self.table.selectRow(0)

    def _enter_in_filter(self) -> None:
        """Enter selects the first match, and Enter again goes on to log a reading for it."""
        text = self.filter.text()
        if text == self._picked_for and self.selected_device_ids() and not self.model.loading:
            self.device_activated.emit(self.selected_device_ids()[0])
            return
        self._picked_for = text
        self.filter_bar.filter_now()
        if self.model.loading:
            self._pick_first = True  # once the matches have arrived (``_on_loaded``)
        else:
            self._select_first()

    def _select_first(self) -> None:
        self._pick_first = False
        if self.model.rowCount():
            self.table.selectRow(0)

    def _table_key(self, event: QKeyEvent) -> bool:
        """Enter activates the current device; Delete archives the selection."""
        if event.key() in ENTER_KEYS:
            self._activate(self.table.currentIndex().row())
            return True
        if event.key() == Qt.Key.Key_Delete and self.archive_action.isEnabled():
            self.archive_selected()
            return True
        return False

    def _activate(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.device_activated.emit(self.model.device_id(row))

    # --- editing ---------------------------------------------------------------------------

    def add_device(self) -> None:
        if self._db is not None:
            dialog = DeviceDialog(None, self)
            self._show_dialog(dialog, lambda fields: self._create(dialog, fields))

    def edit_selected(self) -> None:
        """Edit the first selected device, as it is in the database now."""
        ids, db = self.selected_device_ids(), self._db
        if ids and db is not None and self._dialog is None:
            fetch_device(self._ops, db, ids[0]).done(self._open_editor).run()

    def _open_editor(self, device: DeviceRecord) -> None:
        if self._dialog is None:
            dialog = DeviceDialog(device, self)
            self._show_dialog(dialog, lambda fields: self._update(dialog, device, fields))

    def _show_dialog(self, dialog: DeviceDialog, save: Callable[[DeviceFields], None]) -> None:
        if self._dialog is not None:  # one at a time (it is window-modal anyway)
            dialog.deleteLater()
            return
        self._dialog = dialog
        dialog.submitted.connect(save)
        dialog.finished.connect(lambda _code: self._forget_dialog(dialog))
        dialog.open()

    def _forget_dialog(self, dialog: DeviceDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()

    def _create(self, dialog: DeviceDialog, fields: DeviceFields) -> None:
        db, ops = self._db, self._ops
        assert db is not None
        adding = add_device(ops, db, fields, who=current_operator())

        def done(made: DeviceRecord) -> None:
            push_made(self.undo_stack, f"Add device “{made.name}”", made=made, make=adding,
                      unmake=lambda device: delete_device(ops, db, device.id,
                                                          who=current_operator()),
                      changed=self._changed)  # fmt: skip
            dialog.saved()
            self.select_device(made.id)
            self._changed()

        adding.done(done).failed(dialog.save_failed).run()

    def _update(self, dialog: DeviceDialog, before: DeviceRecord, fields: DeviceFields) -> None:
        db, ops, old = self._db, self._ops, fields_of(before)
        assert db is not None
        if fields == old:
            dialog.saved()
            return
        who, why = current_operator(), dialog.reason_text
        editing = edit_device(ops, db, before.id, fields, who=who, reason=why)
        undo_why = f"undo of: {why}" if why else None

        def done(_after: DeviceRecord) -> None:
            push_done(self.undo_stack, f"Edit device “{before.name}”",
                      undo=edit_device(ops, db, before.id, old, who=who, reason=undo_why),
                      redo=editing,
                      changed=self._changed)  # fmt: skip
            dialog.saved()
            self._changed()

        editing.done(done).failed(dialog.save_failed).run()

    def devices_changed_by_records(self) -> None:
        """A calibration recorded from the device's records: its due date may have moved."""
        self._changed()

    def archive_selected(self) -> None:
        """Archive the selected devices, or bring them back if they all are archived."""
        ids, db, ops = self.selected_device_ids(), self._db, self._ops
        if not ids or db is None:
            return
        archive = not self._all_archived(ids)
        names = [d.name for d in map(self.model.peek, self._selected_rows()) if d is not None]
        verb = "Archive" if archive else "Unarchive"
        what, who = described(names, len(ids)), current_operator()

        def done(changed: list[int]) -> None:
            if changed:
                push_done(self.undo_stack, f"{verb} {what}",
                          undo=archive_devices(ops, db, changed, not archive, who=who),
                          redo=archive_devices(ops, db, changed, archive, who=who),
                          changed=self._changed)  # fmt: skip
            self._changed()

        archive_devices(ops, db, ids, archive, who=who).done(done).run()

    def _changed(self) -> None:
        """After an edit or its undo: reload, and tell the other panels the devices changed."""
        self.refresh()
        self._emit_selection(self.selected_device_ids(), force=True)
        self.devices_changed.emit()


def _add_button(add: Callable[[], None]) -> QPushButton:
    """Add…, beside the filter: in sight, and for a keyboard without Ins."""
    button = QPushButton("Add…")
    button.setObjectName("addDevice")
    button.setToolTip("Add a device (Ctrl+N or Ins)")
    button.clicked.connect(add)
    return button

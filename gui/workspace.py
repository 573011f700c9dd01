"""The panels of the main window and the wiring between them.

Devices on the left; on the right the entry panel, the chart and the readings of the visible
range. Selecting devices shows them everywhere; saving, correcting or undoing refreshes what
shows the data.
"""

import hashlib

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QApplication, QSplitter, QVBoxLayout, QWidget

from core.db import SqliteDatabase
from core.readings import ReadingRecord
from gui.chart import ChartPanel
from gui.correction_dialog import CorrectionDialog
from gui.device_panel import DevicePanel
from gui.entry_panel import EntryPanel
from gui.operations.devices import InventoryCounts, inventory_counts
from gui.operations.readings import correct_reading, fetch_reading, withdraw_reading
from gui.ops import Ops
from gui.readings_panel import ReadingsPanel
from gui.undo import push_made

LAST_DEVICE_KEY = "workspace/last_device"  # then a key per database file (``_file_key``)


class Workspace(QWidget):
    counts_changed = Signal(int, int, object)  # devices, readings, CalibrationCounts
    empty_changed = Signal(bool)  # the database has no device at all, archived ones included

    def __init__(self, ops: Ops, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._undo = undo_stack
        self._db: SqliteDatabase | None = None
        self.devices = DevicePanel(ops, undo_stack)
        self.entry = EntryPanel(ops, undo_stack)
        self.chart = ChartPanel(ops)
        self.readings = ReadingsPanel(ops)
        self.devices.table.restore_state(QSettings())
        self._arrange()
        self._connect()

    def _arrange(self) -> None:
        right = QSplitter(Qt.Orientation.Vertical)
        right.setObjectName("rightSplitter")
        for panel in (self.entry, self.chart, self.readings):
            right.addWidget(panel)
        right.setStretchFactor(1, 3)
        right.setStretchFactor(2, 2)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.setObjectName("mainSplitter")
        main.addWidget(self.devices)
        main.addWidget(right)
        main.setStretchFactor(1, 2)
        main.setSizes([480, 800])
        right.setSizes([170, 380, 250])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(main)

    def _connect(self) -> None:
        self.devices.selection_changed.connect(self._on_selection_changed)
        self.devices.device_activated.connect(lambda _id: self.entry.focus_value())
        self.entry.saved.connect(self._refresh_views)
        self.devices.devices_changed.connect(self._on_readings_changed)
        self.chart.range_changed.connect(lambda span: self.readings.set_range(*span))
        self.readings.correct_requested.connect(self.correct)

    def panes(self) -> list[tuple[QWidget, QWidget]]:
        """Where F6 takes the focus, in order: (the pane, the widget in it that gets it)."""
        return [
            (self.devices, self.devices.table),
            (self.entry, self.entry.value),
            (self.chart, self.chart.plot_widget),
            (self.readings, self.readings.table),
        ]

    def focus_pane(self, step: int) -> None:
        """Move the focus ``step`` panes on from the one that has it."""
        panes, focused = self.panes(), QApplication.focusWidget()
        inside = [n for n, (pane, _) in enumerate(panes) if focused and pane.isAncestorOf(focused)]
        current = inside[0] if inside else (-1 if step > 0 else 0)
        for offset in range(1, len(panes) + 1):
            target = panes[(current + step * offset) % len(panes)][1]
            if target.isEnabled() and target.isVisible():
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def device_actions(self) -> list[QAction]:
        panel = self.devices
        return [
            panel.add_action,
            panel.edit_action,
            panel.calibrations_action,
            panel.archive_action,
        ]

    def set_database(self, db: SqliteDatabase | None) -> None:
        """Show ``db`` (None: nothing), with the device last selected in that same file."""
        if self._db is not None and db is not self._db:
            self.save_state(QSettings())  # the file being left keeps its own last device
        self._db = db
        for panel in (self.devices, self.entry, self.chart, self.readings):
            panel.set_database(db)
        if db is not None:
            self._update_counts()
            last = QSettings().value(_file_key(db))
            if last is not None and str(last).isdigit():
                self.devices.select_device(int(str(last)))

    def save_state(self, settings: QSettings) -> None:
        """Remember the first selected device for this file (written when the file is left or
        the window closes: a settings write on every selection would cost a disk write)."""
        selected = self.devices.selected_device_ids()
        if selected and self._db is not None:
            settings.setValue(_file_key(self._db), selected[0])
        self.devices.table.save_state(settings)

    def _on_selection_changed(self, ids: list[int]) -> None:
        self.entry.set_device(ids[0] if ids else None)
        self.chart.show_devices(ids)
        self.readings.show_devices(ids)

    def refresh_all(self) -> None:
        """After an import or its undo: devices may have come or gone, readings too."""
        self.devices.refresh()
        self._on_readings_changed()

    def _on_readings_changed(self) -> None:
        """After a correction, an undo, an import or a device edit: everything that shows
        readings follows, the entry panel's "Last:" line included."""
        self.entry.reload()
        self._refresh_views()

    def _refresh_views(self, saved: ReadingRecord | None = None) -> None:
        """After the entry panel saved (it updates itself): the chart, table and counts; a
        reading just saved is brought into the chart's view."""
        self.chart.refresh(reveal=saved.recorded_at.timestamp() if saved else None)
        self.readings.refresh()
        self._update_counts()

    def _update_counts(self) -> None:
        db = self._db
        if db is None:
            return
        counting = inventory_counts(self._ops, db).done(self._on_counts)
        counting.latest_only(f"counts-{id(self)}").run()

    def _on_counts(self, counts: InventoryCounts) -> None:
        self.devices.filter_bar.set_calibration_counts(counts.calibration)
        self.counts_changed.emit(counts.devices, counts.readings, counts.calibration)
        self.empty_changed.emit(counts.every_device == 0)

    # --- corrections -------------------------------------------------------------------

    def correct(self, reading_id: int) -> None:
        db = self._db
        if db is not None:
            fetch_reading(self._ops, db, reading_id).done(self._ask_correction).run()

    def _ask_correction(self, original: ReadingRecord) -> None:
        dialog = CorrectionDialog(original, self)
        dialog.accepted.connect(lambda: self._save_correction(original, dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _save_correction(self, original: ReadingRecord, dialog: CorrectionDialog) -> None:
        db, ops = self._db, self._ops
        assert db is not None
        correcting = correct_reading(ops, db, original.id, value=dialog.corrected_value,
                                     note=dialog.note, operator=dialog.corrected_by,
                                     decimals=dialog.decimals, reason=dialog.note)  # fmt: skip

        def saved(made: ReadingRecord) -> None:
            push_made(self._undo, f"correction of reading #{original.id}", made=made,
                      make=correcting,
                      unmake=lambda fix: withdraw_reading(ops, db, fix.id, who=fix.operator),
                      changed=self._on_readings_changed)  # fmt: skip
            self._on_readings_changed()

        correcting.done(saved).run()


def _file_key(db: SqliteDatabase) -> str:
    """The settings key of ``db``'s last device: device ids mean nothing in another file."""
    digest = hashlib.sha256(str(db.path.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"{LAST_DEVICE_KEY}/{digest}"

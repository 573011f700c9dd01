"""What is kept about a device beside its readings, opened from the device table: its
calibrations (Ctrl+K), the calibration status of every device (Ctrl+Shift+K) and its
history of changes (Ctrl+Shift+H)."""

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QWidget

from core.db import Database
from core.devices import DeviceRecord
from gui.calibration_dialog import CalibrationDialog
from gui.calibration_status import CalibrationStatusDialog
from gui.history_dialog import HistoryDialog
from gui.operations.devices import fetch_device
from gui.ops import Ops

MakeAction = Callable[..., QAction]  # (text, slot, *keys): an action of the device table


class Devices(Protocol):
    """What the records need of the device table's panel."""

    def selected_device_ids(self) -> list[int]: ...
    def select_device(self, device_id: int) -> None: ...
    def devices_changed_by_records(self) -> None: ...


class DeviceRecords:
    def __init__(self, panel: Devices, parent: QWidget, ops: Ops, action: MakeAction) -> None:
        self._panel, self._parent, self._ops = panel, parent, ops
        self._db: Database | None = None
        self.calibrations_action = action("Ca&librations…", self.show_calibrations, "Ctrl+K")
        self.calibrations_action.setToolTip("The calibrations of the selected device; record one")
        self.status_action = action("Calibration &Status…", self.show_calibration_status,
                                    "Ctrl+Shift+K")  # fmt: skip
        # Ctrl+Shift+H: Cmd+H hides the application on macOS
        self.history_action = action("&History…", self.show_history, "Ctrl+Shift+H")
        self.history_action.setToolTip("Every recorded change of the selected device")

    def set_database(self, db: Database | None) -> None:
        self._db = db

    def update(self, ready: bool, selected: bool) -> None:
        self.calibrations_action.setEnabled(ready and selected)
        self.history_action.setEnabled(ready and selected)
        self.status_action.setEnabled(ready)

    def show_calibrations(self) -> None:
        """The first selected device's calibrations, where a new one is recorded."""
        ids, db = self._panel.selected_device_ids(), self._db
        if ids and db is not None:
            dialog = CalibrationDialog(self._ops, db, ids[0], self._parent)
            # a record may move the device's due date
            dialog.recorded.connect(lambda _entry: self._panel.devices_changed_by_records())
            _open(dialog)

    def show_calibration_status(self) -> None:
        """The devices overdue or due soon; choosing one opens its calibrations."""
        if self._db is not None:
            dialog = CalibrationStatusDialog(self._ops, self._db, self._parent)
            dialog.chosen.connect(self._calibrate)
            _open(dialog)

    def _calibrate(self, device_id: int) -> None:
        self._panel.select_device(device_id)
        if self._panel.selected_device_ids()[:1] == [device_id]:
            self.show_calibrations()

    def show_history(self) -> None:
        """The first selected device's recorded changes."""
        ids, db = self._panel.selected_device_ids(), self._db
        if ids and db is not None:
            fetch_device(self._ops, db, ids[0]).done(self._open_history).run()

    def _open_history(self, device: DeviceRecord) -> None:
        if self._db is not None:
            _open(HistoryDialog(self._ops, self._db, device, self._parent))


def _open(dialog: QDialog) -> None:
    dialog.finished.connect(lambda _code: dialog.deleteLater())
    dialog.open()

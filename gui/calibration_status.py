"""View → Calibration Status…: every device overdue for calibration or due within 30 days.

The most overdue first, each with how many days are left (or past), its interval and its
latest calibration. ``Enter`` (or a double-click) on one opens its calibrations, where the new
one is recorded.
"""

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from core.calibration import DueDevice
from core.db import Database
from core.devices import DUE_SOON_DAYS
from gui.messages import explain
from gui.operations.calibrations import due_for_calibration
from gui.ops import Ops
from gui.pick_table import PickTable, lay_out_listing

HEADERS = ("Device", "Serial number", "Location", "Due", "", "Every", "Last calibrated", "Where")


def days_text(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    return "due today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"


def status_row(due: DueDevice, today: date) -> tuple[tuple[str, ...], str]:
    last = due.last_calibrated
    where = "" if last is None else (due.last_lab or "in-house")
    cells = (due.name, due.serial_number or "", due.location or "", due.due.isoformat(),
             days_text(due.days_left(today)),
             f"{due.interval_days} days" if due.interval_days else "",
             last.isoformat() if last else "never here", where)  # fmt: skip
    return cells, due.name


class CalibrationStatusDialog(QDialog):
    chosen = Signal(int)  # a device id: show its calibrations

    def __init__(self, ops: Ops, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calibrationStatus")
        self.setWindowTitle("Calibration status")
        self.resize(900, 420)
        self.due: list[DueDevice] = []
        self.summary = QLabel("Loading…")
        self.summary.setObjectName("calibrationSummary")
        self.table = PickTable(HEADERS)
        self.table.itemActivated.connect(lambda item: self._choose(item.row()))
        lay_out_listing(self, self.summary, self.table)
        loading = due_for_calibration(ops, db, DUE_SOON_DAYS)
        loading.done(self._show).failed(self._on_failed).run()

    def _show(self, due: list[DueDevice]) -> None:
        today = date.today()
        self.due = due
        overdue = sum(1 for d in due if d.days_left(today) < 0)
        self.summary.setText(
            f"{overdue} overdue, {len(due) - overdue} due within {DUE_SOON_DAYS} days. "
            "Enter on a device opens its calibrations."
            if due
            else f"No device is overdue or due within {DUE_SOON_DAYS} days."
        )
        self.table.fill([status_row(d, today) for d in due], numbers=())
        for row, device in enumerate(due):
            if device.days_left(today) < 0:
                item = self.table.item(row, 4)
                if item is not None:
                    item.setForeground(Qt.GlobalColor.red)
        if due:
            self.table.selectRow(0)
            self.table.setFocus()

    def _choose(self, row: int) -> None:
        if 0 <= row < len(self.due):
            self.chosen.emit(self.due[row].device_id)

    def _on_failed(self, exc: BaseException) -> None:
        self.summary.setText(explain(exc, "The calibration status could not be loaded"))

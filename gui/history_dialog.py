"""Edit → History…: every recorded change of a device, newest first (the audit trail).

Who changed what and when, each field with its value before and after, and why. The trail is
read only: nothing here (or anywhere in FieldLog) changes it.
"""

import json
from typing import Any

from PySide6.QtWidgets import QDialog, QLabel, QWidget

from core.audit import Action, ChangeEntry, Subject
from core.db import Database
from core.devices import DeviceRecord
from gui.messages import explain
from gui.operations.audit import device_history
from gui.ops import Ops
from gui.pick_table import PickTable, lay_out_listing

HEADERS = ("When (local)", "Who", "What", "Field", "Before", "After", "Why")
DONE = {Action.CREATE: "created", Action.EDIT: "edited", Action.ARCHIVE: "archived",
        Action.UNARCHIVE: "brought back", Action.DELETE: "deleted", Action.CORRECT: "corrected",
        Action.WITHDRAW: "withdrawn", Action.RECORD: "recorded"}  # fmt: skip
FIELDS = {"name": "Name", "serial_number": "Serial number", "device_type": "Type",
          "manufacturer": "Manufacturer", "model": "Model", "location": "Location",
          "default_unit": "Default unit", "low_limit": "Low limit", "high_limit": "High limit",
          "calibration_due": "Calibration due", "calibration_interval_days": "Calibrate every",
          "status": "Status", "notes": "Notes", "value": "Value"}  # fmt: skip


def shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value.replace("\n", " ⏎ ")
    return json.dumps(value, ensure_ascii=False)


def change_row(change: ChangeEntry) -> tuple[tuple[str, ...], str]:
    """The cells of one change and its tooltip (its reason, whole)."""
    when = change.at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if change.at else ""
    what = f"{change.subject.value} #{change.subject_id} {DONE[change.action]}"
    if change.subject is Subject.DEVICE:
        what = f"device {DONE[change.action]}"
    field = FIELDS.get(change.field or "", change.field or "")
    cells = (when, change.who or "", what, field, shown(change.old), shown(change.new),
             change.reason or "")  # fmt: skip
    return cells, change.reason or ""


class HistoryDialog(QDialog):
    def __init__(self, ops: Ops, db: Database, device: DeviceRecord,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(f"History of “{device.name}”")
        self.resize(900, 420)
        self.changes: list[ChangeEntry] = []
        self.summary = QLabel("Loading…")
        self.summary.setObjectName("historySummary")
        self.summary.setWordWrap(True)
        self.table = PickTable(HEADERS)
        lay_out_listing(self, self.summary, self.table)
        device_history(ops, db, device.uid).done(self._show).failed(self._on_failed).run()

    def _show(self, found: list[ChangeEntry]) -> None:
        self.changes = found
        self.summary.setText(
            f"{len(found)} recorded change(s), newest first. The history is kept as it is: "
            "nothing in FieldLog changes or removes it."
            if found
            else "No change of this device has been recorded yet."
        )
        self.table.fill([change_row(change) for change in found], numbers=())
        if found:
            self.table.selectRow(0)
            self.table.setFocus()

    def _on_failed(self, exc: BaseException) -> None:
        self.summary.setText(explain(exc, "The history could not be loaded"))

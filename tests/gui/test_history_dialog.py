"""Edit → History… (Ctrl+Shift+H): a device's recorded changes, newest first, each with who,
when, the field, its values before and after, and why, as the services recorded them."""

from dataclasses import replace
from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from core.db import Database
from core.devices import DeviceFields, create_device, update_device
from core.readings import NewReading, add_reading, correct_reading
from gui.history_dialog import HistoryDialog
from gui.ops import Ops


def test_the_history_shows_each_change_with_its_values_and_reason(
    qtbot: QtBot, ops: Ops, db: Database
) -> None:
    fields = DeviceFields(name="PI-101", default_unit="bar", high_limit=6.0)
    device = create_device(db, fields, who="Ana")
    update_device(db, device.id, replace(fields, high_limit=6.5), who="J. Weber",
                  reason="new process spec")  # fmt: skip
    taken = add_reading(db, NewReading(device.id, 4.0, datetime(2026, 11, 3, 9, tzinfo=UTC)))
    correct_reading(db, taken.id, value=4.25, reason="typed 4.0 for 4.25", who="J. Weber")
    dialog = HistoryDialog(ops, db, device)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3)

    def row(n: int) -> list[str]:
        return [dialog.table.item(n, c).text() for c in range(7)]  # type: ignore[union-attr]

    assert row(0)[1:] == ["J. Weber", f"reading #{taken.id} corrected", "Value", "4.0", "4.25",
                          "typed 4.0 for 4.25"]  # fmt: skip
    assert row(1)[1:] == ["J. Weber", "device edited", "High limit", "6.0", "6.5",
                          "new process spec"]  # fmt: skip
    assert row(2)[1:4] == ["Ana", "device created", ""]
    assert '"PI-101"' in row(2)[5] and '"high_limit": 6.0' in row(2)[5]
    assert "3 recorded change(s), newest first" in dialog.summary.text()
    assert dialog.windowTitle() == "History of “PI-101”"
    dialog.reject()

"""Edit → History… (Ctrl+Shift+H): a device's recorded changes, newest first, each with who,
when, the field, its values before and after, and why."""

from pytestqt.qtbot import QtBot

from core.audit import Action, Change, Subject, record
from core.db import Database
from core.devices import DeviceFields, create_device
from gui.history_dialog import HistoryDialog
from gui.ops import Ops


def test_the_history_shows_each_change_with_its_values_and_reason(
    qtbot: QtBot, ops: Ops, db: Database
) -> None:
    device = create_device(db, DeviceFields(name="PI-101", high_limit=6.0))
    with db.write() as conn:
        record(conn, "Ana", [Change(Subject.DEVICE, device.id, device.uid, Action.CREATE)])
    with db.write() as conn:
        record(conn, "J. Weber", [
            Change(Subject.DEVICE, device.id, device.uid, Action.EDIT, "high_limit", 6.0, 6.5,
                   "new process spec"),
            Change(Subject.READING, 41, device.uid, Action.CORRECT, "value", 4.0, 4.25,
                   "typed 4.0 for 4.25"),
        ])  # fmt: skip
    dialog = HistoryDialog(ops, db, device)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3)

    def row(n: int) -> list[str]:
        return [dialog.table.item(n, c).text() for c in range(7)]  # type: ignore[union-attr]

    assert row(0)[1:] == ["J. Weber", "reading #41 corrected", "Value", "4.0", "4.25",
                          "typed 4.0 for 4.25"]  # fmt: skip
    assert row(1)[1:] == ["J. Weber", "device edited", "High limit", "6.0", "6.5",
                          "new process spec"]  # fmt: skip
    assert row(2)[1:4] == ["Ana", "device created", ""]
    assert "3 recorded change(s), newest first" in dialog.summary.text()
    assert dialog.windowTitle() == "History of “PI-101”"
    dialog.reject()

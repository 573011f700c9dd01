"""Undo steps run operations: again and again, in the order asked for, failures to the window."""

from datetime import UTC, datetime, timedelta

from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from core.db import Database
from core.devices import DeviceFields, create_device, get_device, update_device
from core.errors import ValidationError
from core.readings import NewReading, add_reading, count_readings
from gui.operations.devices import add_device, delete_device, edit_device
from gui.operations.readings import save_reading, withdraw_reading
from gui.ops import Ops
from gui.undo import push_done, push_made

WHEN = datetime.now(UTC) - timedelta(hours=1)


def test_an_edit_is_undone_and_redone_as_often_as_asked(qtbot: QtBot, ops: Ops, db: Database):
    device = create_device(db, DeviceFields(name="Old"))
    update_device(db, device.id, DeviceFields(name="New"))  # the edit, done before the push
    stack, changes = QUndoStack(), list[str]()
    push_done(stack, "Edit device “Old”", undo=edit_device(ops, db, device.id, DeviceFields("Old")),
              redo=edit_device(ops, db, device.id, DeviceFields("New")),
              changed=lambda: changes.append(get_device(db, device.id).name))  # fmt: skip
    assert stack.undoText() == "Edit device “Old”" and changes == []  # pushing does not redo
    stack.undo()
    qtbot.waitUntil(lambda: changes == ["Old"])
    stack.redo()
    qtbot.waitUntil(lambda: changes == ["Old", "New"])
    stack.undo()
    qtbot.waitUntil(lambda: changes == ["Old", "New", "Old"])


def test_undo_redo_undo_in_a_row_takes_back_what_the_redo_made(qtbot: QtBot, db: Database):
    """Asked for faster than the database thread runs: the last undo withdraws the reading the
    redo made (under a new id), which was not made yet when the undo was asked for."""
    slow = Ops(latency_s=0.05)
    try:
        gauge = create_device(db, DeviceFields(name="Gauge", default_unit="bar")).id
        entry = NewReading(gauge, 2.5, WHEN)
        stack, changes = QUndoStack(), []
        push_made(stack, "reading 2.5 bar", made=add_reading(db, entry),
                  make=save_reading(slow, db, entry),
                  unmake=lambda saved: withdraw_reading(slow, db, saved.id),
                  changed=lambda: changes.append(stack.index()))  # fmt: skip
        for step in (stack.undo, stack.redo, stack.undo):
            step()
        qtbot.waitUntil(lambda: len(changes) == 3, timeout=5000)
        assert count_readings(db) == 0
        stack.redo()
        qtbot.waitUntil(lambda: len(changes) == 4, timeout=5000)
        assert count_readings(db) == 1
    finally:
        slow.shutdown()


def test_an_undo_that_fails_goes_to_the_window(qtbot: QtBot, ops: Ops, db: Database) -> None:
    fields = DeviceFields(name="Gauge")
    device, stack = create_device(db, fields), QUndoStack()
    push_made(stack, "Add device “Gauge”", made=device, make=add_device(ops, db, fields),
              unmake=lambda made: delete_device(ops, db, made.id),
              changed=lambda: None)  # fmt: skip
    add_reading(db, NewReading(device.id, 1.0, WHEN))  # it has readings now: it stays
    with qtbot.waitSignal(ops.error) as caught:
        stack.undo()
    assert isinstance(caught.args[0], ValidationError)
    assert get_device(db, device.id).name == "Gauge"

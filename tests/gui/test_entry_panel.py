"""Keyboard reading entry: saved, flagged and refused values, previous value, undo."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device
from core.launch import LaunchResult
from core.readings import LimitFlag, count_readings, list_readings
from gui.entry_panel import OPERATOR_KEY, EntryPanel
from gui.ops import Ops


@pytest.fixture
def panel(qtbot: QtBot, ops: Ops, launched: LaunchResult) -> EntryPanel:
    db = launched.database
    device = create_device(
        db, DeviceFields(name="PI-101 Boiler", default_unit="bar", low_limit=1.0, high_limit=5.0)
    )
    stack = QUndoStack()
    widget = EntryPanel(ops, stack)
    qtbot.addWidget(widget)
    widget.set_database(db)
    widget.set_device(device.id)
    qtbot.waitUntil(lambda: widget.ready)
    widget.show()
    return widget


def enter(qtbot: QtBot, panel: EntryPanel, text: str) -> None:
    panel.focus_value()
    qtbot.keyClicks(panel.value, text)
    qtbot.keyClick(panel.value, Qt.Key.Key_Return)


def saved_values(launched: LaunchResult, panel: EntryPanel) -> list[float]:
    assert panel.device_id is not None
    found = list_readings(launched.database, panel.device_id, newest_first=False)
    return [r.value for r in found]


def test_the_unit_is_prefilled_from_the_device(panel: EntryPanel) -> None:
    assert panel.unit.text() == "bar"
    assert panel.previous.text() == "No readings yet."


def test_enter_saves_and_clears_the_value(qtbot: QtBot, panel: EntryPanel, launched) -> None:
    with qtbot.waitSignal(panel.saved):
        enter(qtbot, panel, "3.25")
    assert saved_values(launched, panel) == [3.25]
    assert panel.value.text() == "" and panel.value.hasFocus()
    assert "Saved 3.25 bar" in panel.message.text()
    with qtbot.waitSignal(panel.saved):
        enter(qtbot, panel, "3.5")
    assert saved_values(launched, panel) == [3.25, 3.5]
    assert "Last: 3.5 bar" in panel.previous.text() and "change +0.25 bar" in panel.previous.text()


def test_an_out_of_limit_value_is_saved_and_flagged(qtbot, panel, launched) -> None:
    with qtbot.waitSignal(panel.saved) as saved:
        enter(qtbot, panel, "7.5")
    assert saved.args[0].flag is LimitFlag.ABOVE
    assert saved_values(launched, panel) == [7.5]
    assert "above the high limit" in panel.message.text()


@pytest.mark.parametrize("typed", ["1,5", "abc", "", "1.2.3", "1e999"])
def test_unreadable_values_are_refused_and_nothing_is_saved(qtbot, panel, launched, typed) -> None:
    enter(qtbot, panel, typed)
    qtbot.wait(50)
    assert panel.message.text().startswith("Not saved")
    assert count_readings(launched.database) == 0
    assert panel.value.text() == typed  # left for the user to fix


def test_the_operator_is_remembered(qtbot: QtBot, panel: EntryPanel) -> None:
    qtbot.keyClicks(panel.operator, "J. Tanaka")
    with qtbot.waitSignal(panel.saved):
        enter(qtbot, panel, "2")
    assert QSettings().value(OPERATOR_KEY) == "J. Tanaka"


def test_an_edited_time_is_used(qtbot: QtBot, panel: EntryPanel, launched) -> None:
    from PySide6.QtCore import QDateTime

    when = QDateTime.currentDateTime().addDays(-2)
    panel.time.setDateTime(when)
    with qtbot.waitSignal(panel.saved) as saved:
        enter(qtbot, panel, "2.5")
    assert abs(saved.args[0].recorded_at.timestamp() - when.toSecsSinceEpoch()) < 60


def test_undo_and_redo_an_entry(qtbot: QtBot, panel: EntryPanel, launched) -> None:
    stack: QUndoStack = panel.undo_stack
    with qtbot.waitSignal(panel.saved):
        enter(qtbot, panel, "2.5")
    with qtbot.waitSignal(panel.saved):
        enter(qtbot, panel, "2.75")
    with qtbot.waitSignal(panel.saved):
        stack.undo()
    assert saved_values(launched, panel) == [2.5]
    with qtbot.waitSignal(panel.saved):
        stack.redo()
    assert saved_values(launched, panel) == [2.5, 2.75]

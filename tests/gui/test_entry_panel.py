"""Keyboard reading entry: saved, flagged and refused values, previous value, undo."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device
from core.launch import LaunchResult
from core.readings import LimitFlag, count_readings, list_readings
from gui.entry_panel import EntryPanel
from gui.ops import Ops
from gui.who import OPERATOR_KEY


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
    panel.when.edit.setDateTime(when)
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


@pytest.fixture
def slow_panel(qtbot: QtBot, launched: LaunchResult) -> Iterator[EntryPanel]:
    """The entry panel on a database thread that takes 200 ms over every op: a slow laptop."""
    slow = Ops(latency_s=0.2)
    device = create_device(launched.database, DeviceFields(name="TI-7", default_unit="°C"))
    widget = EntryPanel(slow, QUndoStack())
    qtbot.addWidget(widget)
    widget.set_database(launched.database)
    widget.set_device(device.id)
    qtbot.waitUntil(lambda: widget.ready, timeout=5000)
    widget.show()
    yield widget
    slow.shutdown()


def test_typing_ahead_of_a_slow_database_keeps_every_reading(qtbot, slow_panel, launched) -> None:
    """50 readings typed at 10 ms a key while each save takes 200 ms: all 50 stored exactly,
    in order, each with the time its Enter was pressed."""
    typed = [f"{7.51 + n / 100:.2f}" for n in range(50)]
    windows = []
    slow_panel.focus_value()
    for text in typed:
        qtbot.keyClicks(slow_panel.value, text, delay=10)
        before = datetime.now(UTC)
        qtbot.keyClick(slow_panel.value, Qt.Key.Key_Return, delay=10)
        windows.append((before, datetime.now(UTC)))
        assert slow_panel.value.text() == ""  # cleared at Enter, not when the save is done
    assert slow_panel.saving > 0  # the test did type ahead of the database
    qtbot.waitUntil(lambda: slow_panel.saving == 0, timeout=30_000)
    stored = list_readings(launched.database, slow_panel.device_id, newest_first=False,
                           limit=None)  # fmt: skip
    assert [f"{r.value:.2f}" for r in stored] == typed
    assert [r.value for r in stored] == [float(t) for t in typed]
    assert [r.id for r in stored] == sorted(r.id for r in stored)
    slack = timedelta(milliseconds=1)  # stored times are whole milliseconds
    for reading, (before, after) in zip(stored, windows, strict=True):
        assert before - slack <= reading.recorded_at <= after
    assert slow_panel.failed.count() == 0
    assert "Saved 8.00" in slow_panel.message.text() or "Saved 8 " in slow_panel.message.text()


def test_a_failed_save_gives_the_value_back_with_its_reason(qtbot, panel, launched) -> None:
    """The device is gone between Enter and the save (its adding undone): nothing is lost."""
    from core.devices import delete_device

    assert panel.device_id is not None
    delete_device(launched.database, panel.device_id)
    with qtbot.waitSignal(panel.saved, timeout=300, raising=False) as saved:
        enter(qtbot, panel, "3.3")
    qtbot.waitUntil(lambda: panel.saving == 0)
    assert not saved.signal_triggered
    assert count_readings(launched.database) == 0
    assert panel.value.text() == "3.3"
    assert panel.message.text().startswith("Not saved")


def test_a_failed_save_while_the_next_is_typed_goes_to_the_list(qtbot, slow_panel,
                                                                launched) -> None:  # fmt: skip
    from core.devices import delete_device

    assert slow_panel.device_id is not None
    delete_device(launched.database, slow_panel.device_id)
    enter(qtbot, slow_panel, "3.3")
    qtbot.keyClicks(slow_panel.value, "4.4")  # typing the next one when the first fails
    qtbot.waitUntil(lambda: slow_panel.saving == 0, timeout=5000)
    assert slow_panel.value.text() == "4.4"  # what is being typed is never touched
    assert slow_panel.failed.isVisible() and slow_panel.failed.count() == 1
    item = slow_panel.failed.item(0)
    assert item.text().startswith("3.3 for TI-7 at ") and "no device with id" in item.text()
    slow_panel.value.clear()
    slow_panel.failed.itemActivated.emit(item)
    assert slow_panel.value.text() == "3.3" and slow_panel.failed.count() == 0


def test_a_reading_in_another_unit_is_refused_before_saving(qtbot, panel, launched) -> None:
    panel.unit.setText("psi")
    enter(qtbot, panel, "58")
    assert "psi differs from bar" in panel.message.text()
    assert "give the value in bar" in panel.message.text()
    assert panel.value.text() == "58" and panel.saving == 0
    assert count_readings(launched.database) == 0


def test_a_backdated_time_is_shown_as_such_and_now_ends_it(qtbot, panel, launched) -> None:
    from PySide6.QtCore import QDateTime

    assert not panel.when.backdated.isVisible() and not panel.when.is_backdated
    when = QDateTime.currentDateTime().addSecs(-3 * 3600)
    panel.when.edit.setDateTime(when)  # as the user's edit does
    assert panel.when.backdated.isVisible() and panel.when.is_backdated
    assert "background" in panel.when.edit.styleSheet()
    for text in ("2.1", "2.2"):
        with qtbot.waitSignal(panel.saved) as saved:
            enter(qtbot, panel, text)
        assert abs(saved.args[0].recorded_at.timestamp() - when.toSecsSinceEpoch()) < 60
        assert panel.when.backdated.isVisible()  # it stays for the next reading, and says so
    panel.when.now_button.click()
    assert not panel.when.backdated.isVisible() and panel.when.edit.styleSheet() == ""
    with qtbot.waitSignal(panel.saved) as saved:
        enter(qtbot, panel, "2.3")
    assert abs(saved.args[0].recorded_at.timestamp() - datetime.now(UTC).timestamp()) < 5


def test_the_time_field_follows_the_clock_while_it_says_now(qtbot, panel) -> None:
    from PySide6.QtCore import QDateTime

    panel.when.edit.blockSignals(True)  # as if the window had sat there for an hour
    panel.when.edit.setDateTime(QDateTime.currentDateTime().addSecs(-3600))
    panel.when.edit.blockSignals(False)
    qtbot.waitUntil(
        lambda: abs(panel.when.edit.dateTime().secsTo(QDateTime.currentDateTime())) < 90,
        timeout=3000,
    )
    assert not panel.when.is_backdated


def test_a_value_keeps_the_resolution_it_was_typed_with(qtbot, panel, launched) -> None:
    from gui.readings_model import Columns, ReadingsTableModel

    with qtbot.waitSignal(panel.saved):
        enter(qtbot, panel, "4.00")
    assert "Saved 4.00 bar" in panel.message.text() and "Last: 4.00 bar" in panel.previous.text()
    with qtbot.waitSignal(panel.saved):
        enter(qtbot, panel, "4.25")
    assert "change +0.25 bar" in panel.previous.text()
    model = ReadingsTableModel(panel._ops)
    model.load(launched.database, [panel.device_id], None, None)
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    shown = [model.data(model.index(r, Columns.VALUE)) for r in range(2)]
    assert shown == ["4.25", "4.00"]


def test_a_failed_value_never_moves_to_another_device(qtbot, slow_panel, launched) -> None:
    from core.devices import delete_device

    gone = slow_panel.device_id
    other = create_device(launched.database, DeviceFields(name="TI-8", default_unit="°C"))
    delete_device(launched.database, gone)
    enter(qtbot, slow_panel, "5.5")
    slow_panel.set_device(other.id)  # the technician moves on before the save fails
    qtbot.waitUntil(lambda: slow_panel.saving == 0 and slow_panel.ready, timeout=5000)
    assert slow_panel.failed.count() == 1 and slow_panel.value.text() == ""
    slow_panel.failed.itemActivated.emit(slow_panel.failed.item(0))
    assert slow_panel.value.text() == "" and "was for TI-7" in slow_panel.message.text()
    assert slow_panel.failed.count() == 1


def test_a_note_is_saved_as_typed_with_its_leading_tab(qtbot, panel, launched) -> None:
    panel.note.setText("\tvalve half open")  # as pasted from a spreadsheet's cell
    panel.operator.setText(" Ana ")
    with qtbot.waitSignal(panel.saved):
        enter(qtbot, panel, "3.25")
    assert panel.device_id is not None
    (saved,) = list_readings(launched.database, panel.device_id)
    assert (saved.note, saved.operator) == ("\tvalve half open", "Ana")

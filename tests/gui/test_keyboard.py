"""The keyboard-first loop of a technician, in the real window: keys only, no mouse."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device
from core.launch import open_database
from core.readings import list_readings
from gui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    path = tmp_path / "plant.db"
    made = open_database(path).database
    for name in ("Chiller CH-1", "Boiler return TI-2", "Boiler feed PI-1"):
        create_device(made, DeviceFields(name=name, default_unit="bar", low_limit=1.0,
                                         high_limit=5.0))  # fmt: skip
    made.close()
    shown = MainWindow(tmp_path / "logs" / "fieldlog.log")
    qtbot.addWidget(shown)
    shown.show()
    shown.activateWindow()
    qtbot.waitActive(shown)
    shown.open_path(path)
    qtbot.waitUntil(lambda: shown.database is not None and shown.workspace is not None)
    find = shown.menus.find_action
    qtbot.waitUntil(lambda: not find.shortcut().isEmpty())  # set after the first paint
    workspace = shown.workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.devices.model.rowCount() == 3)
    yield shown
    shown.close()


def press(qtbot: QtBot, key: QKeySequence | str) -> None:
    """Press ``key`` where the focus is, as the keyboard would."""
    combo = QKeySequence(key)[0]  # type: ignore[index]
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())


def focused(widget: QWidget) -> bool:
    found = QApplication.focusWidget()
    return found is not None and (found is widget or widget.isAncestorOf(found))


def entry_ready(window: MainWindow, name: str) -> bool:
    assert window.workspace is not None
    entry = window.workspace.entry
    return entry.ready and entry.heading.text() == f"Reading for {name}"


def test_find_a_device_and_log_a_reading_without_the_mouse(qtbot, window) -> None:
    workspace = window.workspace
    press(qtbot, "Ctrl+F")
    assert focused(workspace.devices.filter)
    qtbot.keyClicks(workspace.devices.filter, "boil")  # faster than the filter's debounce
    press(qtbot, "Return")  # selects the first match
    qtbot.waitUntil(lambda: len(workspace.devices.selected_device_ids()) == 1)
    qtbot.waitUntil(lambda: entry_ready(window, "Boiler feed PI-1"))
    assert focused(workspace.devices.filter)
    press(qtbot, "Return")  # and again: on to the value field
    assert focused(workspace.entry.value)
    qtbot.keyClicks(workspace.entry.value, "3.5")
    press(qtbot, "Return")
    qtbot.waitUntil(lambda: "Saved 3.5 bar" in workspace.entry.message.text())
    device_id = workspace.devices.selected_device_ids()[0]
    assert [r.value for r in list_readings(window.database, device_id)] == [3.5]


def test_down_in_the_filter_moves_into_the_list(qtbot, window) -> None:
    workspace = window.workspace
    press(qtbot, "Ctrl+F")
    press(qtbot, "Down")
    assert focused(workspace.devices.table)
    assert len(workspace.devices.selected_device_ids()) == 1


def test_ctrl_z_in_the_empty_value_field_undoes_the_entry(qtbot, window) -> None:
    workspace, entry = window.workspace, window.workspace.entry
    assert not window.menus.undo_action.isEnabled() and not window.menus.redo_action.isEnabled()
    workspace.devices.select_device(workspace.devices.model.device_id(0))
    qtbot.waitUntil(lambda: entry.ready)
    entry.focus_value()
    for text in ("2.5", "2.75"):
        qtbot.keyClicks(entry.value, text)
        press(qtbot, "Return")
        qtbot.waitUntil(lambda text=text: f"Saved {text} bar" in entry.message.text())
    assert window.menus.undo_action.isEnabled() and not window.menus.redo_action.isEnabled()
    device_id = entry.device_id

    def values() -> list[float]:
        return [r.value for r in list_readings(window.database, device_id, newest_first=False)]

    qtbot.keyClicks(entry.value, "9")
    press(qtbot, QKeySequence(QKeySequence.StandardKey.Undo))  # the field's own text undo
    assert entry.value.text() == "" and values() == [2.5, 2.75]
    press(qtbot, QKeySequence(QKeySequence.StandardKey.Undo))  # empty field: the last entry
    qtbot.waitUntil(lambda: values() == [2.5])
    qtbot.waitUntil(lambda: "Last: 2.5 bar" in entry.previous.text())
    assert window.menus.redo_action.isEnabled()
    press(qtbot, QKeySequence(QKeySequence.StandardKey.Redo))
    qtbot.waitUntil(lambda: values() == [2.5, 2.75])
    press(qtbot, QKeySequence(QKeySequence.StandardKey.Undo))
    press(qtbot, QKeySequence(QKeySequence.StandardKey.Undo))
    qtbot.waitUntil(lambda: values() == [])
    assert not window.menus.undo_action.isEnabled()
    assert focused(entry.value)


def test_f6_cycles_the_panes(qtbot, window) -> None:
    workspace = window.workspace
    workspace.devices.select_device(workspace.devices.model.device_id(0))
    qtbot.waitUntil(lambda: workspace.entry.ready)
    press(qtbot, "Ctrl+F")
    order = [workspace.entry.value, workspace.chart.plot_widget, workspace.readings.table,
             workspace.devices.table, workspace.entry.value]  # fmt: skip
    for pane in order:
        press(qtbot, "F6")
        assert focused(pane), pane.objectName()
    press(qtbot, "Shift+F6")
    assert focused(workspace.devices.table)


def test_enter_or_f2_on_a_reading_corrects_it_and_records_who(qtbot, window) -> None:
    workspace, entry = window.workspace, window.workspace.entry
    workspace.devices.select_device(workspace.devices.model.device_id(0))
    qtbot.waitUntil(lambda: entry.ready)
    entry.operator.setText("Ana")
    entry.focus_value()
    qtbot.keyClicks(entry.value, "4.1")
    press(qtbot, "Return")
    qtbot.waitUntil(lambda: workspace.readings.model.rowCount() == 1)
    entry.operator.setFocus()
    entry.operator.selectAll()
    qtbot.keyClicks(entry.operator, "Kim")
    press(qtbot, "Return")  # an empty value is refused, but the operator is remembered
    for key in ("F6", "F6"):
        press(qtbot, key)
    assert focused(workspace.readings.table)
    assert workspace.readings.selected_reading_id() is not None  # a row to act on at once
    for correct_key in (Qt.Key.Key_Return, Qt.Key.Key_F2):
        qtbot.keyClick(workspace.readings.table, correct_key)
        qtbot.waitUntil(lambda: _dialog(window) is not None)
        dialog = _dialog(window)
        assert dialog.who.text() == "Kim"
        if correct_key == Qt.Key.Key_Return:
            dialog.reject()
            qtbot.waitUntil(lambda: _dialog(window) is None)
    dialog.value.setText("4.01")
    qtbot.keyClick(dialog.value, Qt.Key.Key_Return)  # no reason yet: refused, the dialog stays
    assert dialog.isVisible() and "needs one" in dialog.error.text()
    assert focused(dialog.reason)
    qtbot.keyClicks(dialog.reason, "misread the dial")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    device_id = entry.device_id
    qtbot.waitUntil(lambda: len(list_readings(window.database, device_id,
                                              include_superseded=True)) == 2)  # fmt: skip
    current = list_readings(window.database, device_id)
    assert [(r.value, r.operator) for r in current] == [(4.01, "Kim")]
    qtbot.waitUntil(lambda: "Last: 4.01 bar" in entry.previous.text())  # follows the correction


def _dialog(window: MainWindow):
    from gui.correction_dialog import CorrectionDialog

    found = [d for d in window.findChildren(CorrectionDialog) if d.isVisible()]
    return found[0] if found else None


def test_the_shortcuts_dialog_lists_every_key(qtbot, window) -> None:
    press(qtbot, "F1")
    qtbot.waitUntil(lambda: window.dialogs.shortcuts_dialog is not None)
    dialog = window.dialogs.shortcuts_dialog
    listed = dialog.listed()
    keyed = [a for a in window.menus.keyed_actions() if a.shortcuts()]
    assert len(keyed) >= 12
    for action in keyed:
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                         for k in action.shortcuts())  # fmt: skip
        assert keys in [k for k, _ in listed], action.text()
    texts = " ".join(what for _, what in listed)
    assert "Correct the selected reading" in texts and "Undo the last entry" in texts
    dialog.reject()


def test_a_laptop_without_ins_has_ctrl_n_and_a_visible_add_button(qtbot, window) -> None:
    from gui.device_dialog import DeviceDialog

    devices = window.workspace.devices
    assert devices.add_button.isVisible() and devices.add_button.isEnabled()
    press(qtbot, "Ctrl+F")
    press(qtbot, "Ctrl+N")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(DeviceDialog)))
    for dialog in window.findChildren(DeviceDialog):
        dialog.reject()

"""The device inventory driven through its widgets: add, edit, archive, filter, sort, undo."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device, list_devices
from core.ids import uuid7
from core.launch import LaunchResult
from gui.device_dialog import DeviceDialog
from gui.device_model import OVERDUE_BACKGROUND, Columns
from gui.device_panel import DevicePanel
from gui.ops import Ops


@pytest.fixture
def panel(qtbot: QtBot, ops: Ops, launched: LaunchResult) -> DevicePanel:
    stack = QUndoStack()
    widget = DevicePanel(ops, stack)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    widget.set_database(launched.database)
    qtbot.waitUntil(lambda: not ops.busy)
    return widget


def names(qtbot: QtBot, panel: DevicePanel) -> list[str]:
    model = panel.model
    for row in range(model.rowCount()):
        model.device_at(row)
    qtbot.waitUntil(lambda: all(model.is_loaded(r) for r in range(model.rowCount())))
    return [model.data(model.index(r, Columns.NAME)) for r in range(model.rowCount())]


def settle(qtbot: QtBot, panel: DevicePanel) -> None:
    qtbot.wait(200)  # the filter's debounce
    qtbot.waitUntil(lambda: not panel._ops.busy)


def dialog_of(panel: DevicePanel) -> DeviceDialog:
    found = panel.findChild(DeviceDialog)
    assert found is not None and found.isVisible()
    return found


def fill(qtbot: QtBot, dialog: DeviceDialog, **values: str) -> None:
    for name, text in values.items():
        dialog.inputs[name].clear()
        qtbot.keyClicks(dialog.inputs[name], text)


def test_add_a_device_through_the_dialog(qtbot, panel, launched) -> None:
    panel.add_action.trigger()
    dialog = dialog_of(panel)
    fill(qtbot, dialog, name="PI-101 Boiler", serial_number="SN-7", default_unit="bar",
         low_limit="1.5", high_limit="6")  # fmt: skip
    qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(list_devices(launched.database)) == 1)
    (device,) = list_devices(launched.database)
    assert (device.name, device.low_limit, device.high_limit) == ("PI-101 Boiler", 1.5, 6.0)
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["PI-101 Boiler"]
    assert panel.selected_device_ids() == [device.id]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "needs a name"),
        ({"name": "x", "low_limit": "1,5"}, "low_limit", "ambiguous"),
        ({"name": "x", "low_limit": "9", "high_limit": "2"}, "high_limit", "below the low"),
        ({"name": "x" * 201}, "name", "at most 200"),
    ],
)
def test_bad_input_is_shown_under_its_field(qtbot, panel, launched, values, field, message):
    panel.add_action.trigger()
    dialog = dialog_of(panel)
    fill(qtbot, dialog, **values)
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors[field].isVisible() and message in dialog.errors[field].text()
    assert list_devices(launched.database) == []
    dialog.reject()


def test_edit_and_undo_the_edit(qtbot, panel, launched) -> None:
    db = launched.database
    device = create_device(db, DeviceFields(name="Old name", location="Roof"))
    panel.refresh()
    settle(qtbot, panel)
    panel.select_device(device.id)
    panel.edit_action.trigger()
    qtbot.waitUntil(lambda: panel.findChild(DeviceDialog) is not None)
    dialog = dialog_of(panel)
    assert dialog.inputs["location"].text() == "Roof"
    fill(qtbot, dialog, name="New name")
    dialog.accept()
    stack: QUndoStack = panel.undo_stack
    qtbot.waitUntil(lambda: stack.count() == 1)  # pushed once the edit has been saved
    assert list_devices(db)[0].name == "New name"
    stack.undo()
    qtbot.waitUntil(lambda: list_devices(db)[0].name == "Old name")
    stack.redo()
    qtbot.waitUntil(lambda: list_devices(db)[0].name == "New name")


def test_archive_hides_and_show_archived_brings_back(qtbot, panel, launched) -> None:
    db = launched.database
    kept = create_device(db, DeviceFields(name="Kept"))
    gone = create_device(db, DeviceFields(name="Gone"))
    panel.refresh()
    settle(qtbot, panel)
    panel.select_device(gone.id)
    panel.archive_action.trigger()
    qtbot.waitUntil(lambda: panel.undo_stack.count() == 1)
    assert [d.id for d in list_devices(db)] == [kept.id]
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["Kept"]
    panel.show_archived.setChecked(True)
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["Gone", "Kept"]
    panel.undo_stack.undo()
    qtbot.waitUntil(lambda: len(list_devices(db)) == 2)


def test_filter_narrows_as_you_type(qtbot, panel, launched) -> None:
    db = launched.database
    for name, place in (("PI-101", "Boiler house"), ("FT-102", "Pump room"), ("TT-103", "Boiler")):
        create_device(db, DeviceFields(name=name, location=place))
    panel.refresh()
    settle(qtbot, panel)
    panel.focus_filter()
    qtbot.keyClicks(panel.filter, "boil")
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["PI-101", "TT-103"]
    qtbot.keyClicks(panel.filter, "er h")
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["PI-101"]


def test_sorting_by_a_header_is_done_in_sql(qtbot, panel, launched) -> None:
    db = launched.database
    for name, place in (("a", "Zeta"), ("b", "Alpha"), ("c", "Mid")):
        create_device(db, DeviceFields(name=name, location=place))
    panel.refresh()
    settle(qtbot, panel)
    panel.table.sortByColumn(Columns.LOCATION, Qt.SortOrder.AscendingOrder)
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["b", "c", "a"]
    panel.table.sortByColumn(Columns.NAME, Qt.SortOrder.DescendingOrder)
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["c", "b", "a"]


def test_thousands_of_devices_load_lazily(qtbot, panel, launched) -> None:
    rows = [(uuid7().bytes, f"Device {n:05d}", 0, 0) for n in range(3000)]
    with launched.database.raw() as conn:
        conn.executemany(
            "INSERT INTO devices (uid, name, created_at, updated_at) VALUES (?, ?, ?, ?)", rows
        )
    panel.refresh()
    settle(qtbot, panel)
    model = panel.model
    assert model.rowCount() == 3000
    assert not model.is_loaded(2999)
    panel.table.scrollToBottom()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: model.is_loaded(2999))
    assert model.data(model.index(2999, Columns.NAME)) == "Device 02999"
    assert not model.is_loaded(1500)


def test_overdue_calibration_is_highlighted(qtbot, panel, launched) -> None:
    db = launched.database
    late = date.today() - timedelta(days=3)
    create_device(db, DeviceFields(name="Late", calibration_due=late))
    create_device(db, DeviceFields(name="Fine", calibration_due=date.today() + timedelta(30)))
    panel.refresh()
    settle(qtbot, panel)
    names(qtbot, panel)
    model = panel.model
    late_cell = model.index(1, Columns.CALIBRATION_DUE)  # "Late" sorts after "Fine"
    fine_cell = model.index(0, Columns.CALIBRATION_DUE)
    assert model.data(late_cell, Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND
    assert "overdue" in model.data(late_cell, Qt.ItemDataRole.ToolTipRole)
    assert model.data(fine_cell, Qt.ItemDataRole.BackgroundRole) is None


def test_enter_on_a_device_activates_it(qtbot, panel, launched) -> None:
    device = create_device(launched.database, DeviceFields(name="Only"))
    panel.refresh()
    settle(qtbot, panel)
    panel.select_device(device.id)
    panel.table.setFocus()
    with qtbot.waitSignal(panel.device_activated) as activated:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert activated.args == [device.id]

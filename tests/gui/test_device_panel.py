"""The device inventory driven through its widgets: add, edit, archive, filter, sort, undo."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from core.db import Database
from core.devices import DeviceFields, archive_device, create_device, delete_device, list_devices
from core.ids import uuid7
from gui.colors import LIGHT_ALARM
from gui.device_dialog import DeviceDialog
from gui.device_model import Columns
from gui.device_panel import DevicePanel
from gui.ops import Ops


@pytest.fixture
def panel(qtbot: QtBot, ops: Ops, db: Database) -> DevicePanel:
    widget = DevicePanel(ops, QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    widget.set_database(db)
    qtbot.waitUntil(lambda: not ops.busy)
    return widget


def settle(qtbot: QtBot, panel: DevicePanel) -> None:
    """Wait out the filter's debounce and every queued op."""
    qtbot.wait(200)
    qtbot.waitUntil(lambda: not panel._ops.busy and not panel.model.loading)


def names(qtbot: QtBot, panel: DevicePanel) -> list[str]:
    model = panel.model
    for row in range(model.rowCount()):
        model.device_at(row)
    qtbot.waitUntil(lambda: all(model.is_loaded(r) for r in range(model.rowCount())))
    return [model.data(model.index(r, Columns.NAME)) for r in range(model.rowCount())]


def with_devices(qtbot: QtBot, panel: DevicePanel, db: Database, *names: str) -> list[int]:
    made = [create_device(db, DeviceFields(name=name)).id for name in names]
    panel.refresh()
    settle(qtbot, panel)
    return made


def dialog_of(qtbot: QtBot, panel: DevicePanel) -> DeviceDialog:
    qtbot.waitUntil(lambda: panel._dialog is not None and panel._dialog.isVisible())
    assert panel._dialog is not None
    return panel._dialog


def fill(qtbot: QtBot, dialog: DeviceDialog, **values: str) -> None:
    for name, text in values.items():
        dialog.inputs[name].clear()
        qtbot.keyClicks(dialog.inputs[name], text)


def click_header(qtbot: QtBot, panel: DevicePanel, column: Columns) -> None:
    header = panel.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


# --- adding and editing -------------------------------------------------------------------


def test_add_a_device_through_the_dialog_and_undo_it(qtbot, panel, db) -> None:
    panel.add_action.trigger()
    dialog = dialog_of(qtbot, panel)
    fill(qtbot, dialog, name="PI-101 Boiler", serial_number="SN-7", default_unit="bar",
         low_limit="1.5", high_limit="6")  # fmt: skip
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    (device,) = list_devices(db)
    assert (device.name, device.low_limit, device.high_limit) == ("PI-101 Boiler", 1.5, 6.0)
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["PI-101 Boiler"]
    assert panel.selected_device_ids() == [device.id]
    assert panel.undo_stack.undoText() == "Add device “PI-101 Boiler”"
    panel.undo_stack.undo()
    qtbot.waitUntil(lambda: list_devices(db) == [])
    settle(qtbot, panel)
    assert panel.model.rowCount() == 0
    panel.undo_stack.redo()
    qtbot.waitUntil(lambda: [d.name for d in list_devices(db)] == ["PI-101 Boiler"])


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "needs a name"),
        ({"name": "x", "low_limit": "1,5"}, "low_limit", "ambiguous"),
        ({"name": "x", "low_limit": "9", "high_limit": "2"}, "high_limit", "below the low"),
        ({"name": "x" * 201}, "name", "at most 200"),
    ],
)
def test_bad_input_keeps_the_dialog_open_and_saves_nothing(
    qtbot, panel, db, values, field, message
):
    panel.add_action.trigger()
    dialog = dialog_of(qtbot, panel)
    fill(qtbot, dialog, **values)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.errors[field].isVisible()
    assert message in dialog.errors[field].text()
    assert dialog.focusWidget() is dialog.inputs[field]
    settle(qtbot, panel)
    assert list_devices(db) == [] and panel.undo_stack.count() == 0
    dialog.reject()


def test_edit_and_undo_the_edit(qtbot, panel, db) -> None:
    device = create_device(db, DeviceFields(name="Old name", location="Roof", low_limit=0.1))
    panel.refresh()
    settle(qtbot, panel)
    panel.select_device(device.id)
    panel.edit_action.trigger()
    dialog = dialog_of(qtbot, panel)
    assert dialog.inputs["location"].text() == "Roof"
    fill(qtbot, dialog, name="New name")
    with qtbot.waitSignal(panel.selection_changed) as told:
        dialog.accept()
    assert told.args == [[device.id]]  # the other panels show the edited device again
    stack: QUndoStack = panel.undo_stack
    assert stack.count() == 1 and stack.undoText() == "Edit device “Old name”"
    (edited,) = list_devices(db)
    assert (edited.name, edited.location, edited.low_limit) == ("New name", "Roof", 0.1)
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["New name"]
    stack.undo()
    qtbot.waitUntil(lambda: list_devices(db)[0].name == "Old name")
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["Old name"]
    stack.redo()
    qtbot.waitUntil(lambda: list_devices(db)[0].name == "New name")


def test_saving_an_unchanged_device_adds_no_undo_step(qtbot, panel, db) -> None:
    (device_id,) = with_devices(qtbot, panel, db, "Same")
    panel.select_device(device_id)
    panel.edit_action.trigger()
    dialog = dialog_of(qtbot, panel)
    with qtbot.waitSignal(dialog.finished):
        dialog.accept()
    assert panel.undo_stack.count() == 0


def test_a_device_deleted_meanwhile_is_reported_in_the_dialog(qtbot, panel, db) -> None:
    (device_id,) = with_devices(qtbot, panel, db, "Doomed")
    panel.select_device(device_id)
    panel.edit_action.trigger()
    dialog = dialog_of(qtbot, panel)
    delete_device(db, device_id)  # another program, say
    fill(qtbot, dialog, name="Renamed")
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.general_error.isVisible())
    assert "no device" in dialog.general_error.text() and dialog.isVisible()
    dialog.reject()


def test_one_device_dialog_at_a_time(qtbot, panel) -> None:
    panel.add_action.trigger()
    first = dialog_of(qtbot, panel)
    panel.add_action.trigger()
    assert panel._dialog is first
    first.reject()
    qtbot.waitUntil(lambda: panel._dialog is None)


# --- archiving ----------------------------------------------------------------------------


def test_archive_hides_show_archived_brings_back_and_undo_restores(qtbot, panel, db) -> None:
    kept, gone = with_devices(qtbot, panel, db, "Kept", "Gone")
    panel.select_device(gone)
    assert panel.archive_action.text() == "A&rchive Device"
    panel.archive_action.trigger()
    qtbot.waitUntil(lambda: panel.undo_stack.count() == 1)
    assert panel.undo_stack.undoText() == "Archive “Gone”"
    assert [d.id for d in list_devices(db)] == [kept]
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["Kept"]
    qtbot.mouseClick(panel.filter_bar.show_archived, Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["Gone", "Kept"]
    assert panel.selected_device_ids() == [gone]  # it comes back selected
    assert panel.archive_action.text() == "Un&archive Device"
    panel.undo_stack.undo()
    qtbot.waitUntil(lambda: len(list_devices(db)) == 2)


def test_delete_in_the_table_archives_never_deletes(qtbot, panel, db) -> None:
    (device_id,) = with_devices(qtbot, panel, db, "Precious")
    panel.select_device(device_id)
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: list_devices(db) == [])
    assert [d.id for d in list_devices(db, include_archived=True)] == [device_id]


def test_unarchiving_a_mixed_selection_undoes_only_what_changed(qtbot, panel, db) -> None:
    first, second = with_devices(qtbot, panel, db, "A", "B")
    archive_device(db, first)
    panel.filter_bar.show_archived.setChecked(True)
    settle(qtbot, panel)
    panel.table.selectAll()
    panel.archive_action.trigger()  # not all archived: archive them all
    qtbot.waitUntil(lambda: panel.undo_stack.count() == 1)
    assert panel.undo_stack.undoText() == "Archive 2 devices"
    panel.undo_stack.undo()
    qtbot.waitUntil(lambda: [d.id for d in list_devices(db)] == [second])


# --- finding ------------------------------------------------------------------------------


def test_filter_narrows_as_you_type(qtbot, panel, db) -> None:
    for name, place in (("PI-101", "Boiler house"), ("FT-102", "Pump room"), ("TT-103", "Boiler")):
        create_device(db, DeviceFields(name=name, location=place))
    panel.refresh()
    settle(qtbot, panel)
    assert panel.status_label.text() == "3 devices"
    panel.focus_filter()
    qtbot.keyClicks(panel.filter, "boil")
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["PI-101", "TT-103"]
    assert panel.status_label.text() == "2 devices matching “boil”"
    qtbot.keyClicks(panel.filter, "er h")
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["PI-101"]
    qtbot.keyClicks(panel.filter, "zzz")
    settle(qtbot, panel)
    assert panel.status_label.text() == "No device matches “boiler hzzz”."
    qtbot.keyClick(panel.filter, Qt.Key.Key_Escape)
    settle(qtbot, panel)
    assert panel.model.rowCount() == 3


def test_typing_fast_queries_once(qtbot, panel, db) -> None:
    with_devices(qtbot, panel, db, "Gauge")
    loads: list[str] = []
    panel.model.loaded.connect(lambda: loads.append(panel.model.query.filter_text))
    qtbot.keyClicks(panel.filter, "gauge")  # faster than the 150 ms debounce
    settle(qtbot, panel)
    assert loads == ["gauge"]


def test_clicking_a_header_sorts_in_sql(qtbot, panel, db) -> None:
    for name, place in (("a", "Zeta"), ("b", "Alpha"), ("c", "Mid")):
        create_device(db, DeviceFields(name=name, location=place))
    panel.refresh()
    settle(qtbot, panel)
    click_header(qtbot, panel, Columns.LOCATION)
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["b", "c", "a"]
    header = panel.table.horizontalHeader()
    assert header.sortIndicatorSection() == Columns.LOCATION
    click_header(qtbot, panel, Columns.LOCATION)
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["a", "c", "b"]
    panel.table.sortByColumn(Columns.NAME, Qt.SortOrder.DescendingOrder)
    settle(qtbot, panel)
    assert names(qtbot, panel) == ["c", "b", "a"]


def test_thousands_of_devices_load_lazily_as_you_scroll(qtbot, panel, db) -> None:
    rows = [(uuid7().bytes, f"Device {n:05d}", 0, 0) for n in range(3000)]
    with db.driver_write() as conn:
        conn.executemany(
            "INSERT INTO devices (uid, name, created_at, updated_at) VALUES (?, ?, ?, ?)", rows
        )
    panel.refresh()
    settle(qtbot, panel)
    model = panel.model
    assert model.rowCount() == 3000
    assert panel.status_label.text() == "3,000 devices"
    assert not model.is_loaded(2999)
    panel.table.scrollToBottom()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: model.is_loaded(2999))
    assert model.data(model.index(2999, Columns.NAME)) == "Device 02999"
    assert not model.is_loaded(1500)


def test_overdue_calibration_is_highlighted(qtbot, panel, db) -> None:
    late = date.today() - timedelta(days=3)
    create_device(db, DeviceFields(name="Late", calibration_due=late))
    panel.refresh()
    settle(qtbot, panel)
    cell = panel.model.index(0, Columns.CALIBRATION_DUE)
    assert cell.data(Qt.ItemDataRole.BackgroundRole).color() == LIGHT_ALARM.background
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == f"Calibration overdue since {late}"


# --- selection and keys -------------------------------------------------------------------


def test_the_selection_survives_a_filter_and_a_sort(qtbot, panel, db) -> None:
    ids = with_devices(qtbot, panel, db, "Boiler A", "Boiler B", "Pump")
    told: list[list[int]] = []
    panel.selection_changed.connect(told.append)
    panel.select_device(ids[1])
    qtbot.keyClicks(panel.filter, "boiler")
    settle(qtbot, panel)
    panel.table.sortByColumn(Columns.NAME, Qt.SortOrder.DescendingOrder)
    settle(qtbot, panel)
    assert panel.selected_device_ids() == [ids[1]]
    assert panel.table.currentIndex().row() == 0
    qtbot.keyClicks(panel.filter, " a")  # hides it: the other panels hear of it
    settle(qtbot, panel)
    qtbot.keyClick(panel.filter, Qt.Key.Key_Escape)
    settle(qtbot, panel)
    assert panel.selected_device_ids() == [ids[1]]
    assert told == [[ids[1]], [], [ids[1]]]


def test_down_from_the_filter_moves_into_the_table(qtbot, panel, db) -> None:
    first, _ = with_devices(qtbot, panel, db, "A", "B")
    panel.focus_filter()
    assert panel.focusWidget() is panel.filter
    qtbot.keyClick(panel.filter, Qt.Key.Key_Down)
    assert panel.focusWidget() is panel.table
    assert panel.selected_device_ids() == [first]


def test_enter_and_double_click_activate_a_device(qtbot, panel, db) -> None:
    (device_id,) = with_devices(qtbot, panel, db, "Only")
    panel.select_device(device_id)
    with qtbot.waitSignal(panel.device_activated) as activated:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert activated.args == [device_id]
    rect = panel.table.visualRect(panel.model.index(0, Columns.NAME))
    with qtbot.waitSignal(panel.device_activated) as activated:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert activated.args == [device_id]


def test_actions_follow_the_database_and_the_selection(qtbot, panel, db) -> None:
    (device_id,) = with_devices(qtbot, panel, db, "Only")
    assert panel.add_action.isEnabled() and not panel.edit_action.isEnabled()
    assert [k.toString() for k in panel.add_action.shortcuts()] == ["Ins", "Ctrl+N"]
    panel.select_device(device_id)
    assert panel.edit_action.isEnabled() and panel.archive_action.isEnabled()
    panel.set_database(None)
    assert panel.model.rowCount() == 0
    assert not any(a.isEnabled() for a in (panel.add_action, panel.edit_action))
    assert not panel.filter.isEnabled() and not panel.table.isEnabled()
    assert not panel.filter_bar.show_archived.isEnabled()


def test_calibration_due_is_in_view_by_default_and_the_name_stays_in_view(
    qtbot: QtBot, ops: Ops, db: Database
) -> None:
    """At a laptop's width: the name and the calibration date show without scrolling, and
    scrolling sideways to the last column leaves the name column over the scrolled cells."""
    for n in range(30):
        fields = DeviceFields(name=f"Device {n:02d}", serial_number=f"SN{n}",
                              location="Pump room 1", device_type="Pressure gauge")  # fmt: skip
        create_device(db, fields)
    panel = DevicePanel(ops, QUndoStack())
    qtbot.addWidget(panel)
    panel.resize(480, 400)
    panel.show()
    panel.set_database(db)
    settle(qtbot, panel)
    table, header = panel.table, panel.table.horizontalHeader()
    assert header.visualIndex(Columns.CALIBRATION_DUE) == 1
    due_right = header.sectionViewportPosition(Columns.CALIBRATION_DUE) + header.sectionSize(
        Columns.CALIBRATION_DUE
    )
    assert due_right <= table.viewport().width()
    bar = table.horizontalScrollBar()
    assert bar.maximum() > 0  # the other columns need scrolling at this width
    bar.setValue(bar.maximum())
    frozen = panel.frozen
    assert frozen.isVisible() and frozen.x() <= table.verticalHeader().width() + 2
    assert frozen.width() == table.columnWidth(Columns.NAME)
    shown = [c for c in Columns if not frozen.isColumnHidden(c)]
    assert shown == [Columns.NAME]
    table.scrollTo(panel.model.index(29, 0))
    assert frozen.verticalScrollBar().value() == table.verticalScrollBar().value() > 0


def test_ctrl_k_shows_the_device_s_calibrations_and_a_record_moves_its_due_date(
    qtbot: QtBot, panel: DevicePanel, db: Database
) -> None:
    from gui.calibration_dialog import CalibrationDialog

    device = create_device(db, DeviceFields(name="Gauge", calibration_interval_days=30))
    panel.refresh()
    settle(qtbot, panel)
    assert not panel.calibrations_action.isEnabled()  # nothing selected
    panel.select_device(device.id)
    panel.table.setFocus()
    qtbot.waitUntil(panel.calibrations_action.isEnabled)
    qtbot.keyClick(panel.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.findChild(CalibrationDialog) is not None)
    dialog = panel.findChild(CalibrationDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: "Gauge" in dialog.windowTitle())
    dialog.as_left.setFocus()
    qtbot.keyClicks(dialog.as_left, "P")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    due = (date.today() + timedelta(days=30)).isoformat()
    qtbot.waitUntil(lambda: panel.model.data(panel.model.index(0, Columns.CALIBRATION_DUE)) == due)
    assert list_devices(db)[0].id == device.id
    dialog.reject()


def test_the_calibration_status_lists_what_is_due_and_enter_opens_its_calibrations(
    qtbot: QtBot, panel: DevicePanel, db: Database
) -> None:
    from gui.calibration_dialog import CalibrationDialog
    from gui.calibration_status import CalibrationStatusDialog

    create_device(db, DeviceFields(name="Fine", calibration_due=date.today() + timedelta(days=90)))
    late = create_device(db, DeviceFields(name="Late", calibration_due=date.today() - timedelta(1)))
    panel.refresh()
    settle(qtbot, panel)
    panel.status_action.trigger()
    qtbot.waitUntil(lambda: panel.findChild(CalibrationStatusDialog) is not None)
    status = panel.findChild(CalibrationStatusDialog)
    assert status is not None
    qtbot.waitUntil(lambda: status.table.rowCount() == 1)
    cells = [status.table.item(0, c).text() for c in (0, 3, 4, 6)]  # type: ignore[union-attr]
    assert cells == ["Late", (date.today() - timedelta(1)).isoformat(), "1 day overdue",
                     "never here"]  # fmt: skip
    assert status.summary.text().startswith("1 overdue, 0 due within 30 days")
    qtbot.keyClick(status.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.findChild(CalibrationDialog) is not None)
    assert panel.selected_device_ids() == [late.id]
    for dialog in (panel.findChild(CalibrationDialog), status):
        assert dialog is not None
        dialog.reject()

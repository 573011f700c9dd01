"""The device table's columns: the technician's order, and the ones shown kept."""

import pytest
from PySide6.QtCore import QObject, QSettings
from pytestqt.qtbot import QtBot

from gui.device_model import Columns, DeviceTableModel
from gui.device_table import DeviceTable
from gui.ops import Ops


@pytest.fixture
def model(ops: Ops, model_owner: QObject) -> DeviceTableModel:
    return DeviceTableModel(ops, model_owner)


def table_of(qtbot: QtBot, model: DeviceTableModel) -> DeviceTable:
    made = DeviceTable(model)
    qtbot.addWidget(made)
    return made


def test_calibration_due_comes_second_and_the_name_sorts(qtbot: QtBot, model) -> None:
    table = table_of(qtbot, model)
    header = table.horizontalHeader()
    assert (
        header.logicalIndex(0) == Columns.NAME and header.logicalIndex(1) == Columns.CALIBRATION_DUE
    )
    assert header.sortIndicatorSection() == Columns.NAME and table.isSortingEnabled()


def test_the_header_menu_chooses_columns_and_they_are_kept(qtbot: QtBot, model) -> None:
    table = table_of(qtbot, model)
    menu = table.column_menu()  # what a right-click on the header pops up
    texts = [a.text() for a in menu.actions()]
    assert "Name" not in texts and len(texts) == len(Columns) - 1
    (serial,) = [a for a in menu.actions() if a.text() == "Serial number"]
    serial.toggle()
    assert table.isColumnHidden(Columns.SERIAL)
    menu.deleteLater()
    table.save_state(QSettings())
    again = table_of(qtbot, model)
    again.restore_state(QSettings())
    assert again.isColumnHidden(Columns.SERIAL)
    assert not again.isColumnHidden(Columns.NAME)

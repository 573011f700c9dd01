"""The device filter bar: what it sets on the model's query, and the keys of its field."""

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from core.devices import Calibration, CalibrationCounts
from gui.device_filter import FILTER_DELAY_MS, DeviceFilterBar
from gui.device_model import DeviceTableModel
from gui.ops import Ops


@pytest.fixture
def model(ops: Ops, model_owner: QObject) -> DeviceTableModel:
    return DeviceTableModel(ops, model_owner)  # no database: only its query matters here


@pytest.fixture
def bar(qtbot: QtBot, model: DeviceTableModel) -> DeviceFilterBar:
    made = DeviceFilterBar(model, QPushButton("Add…"))
    qtbot.addWidget(made)
    made.show()
    return made


def test_typing_filters_after_a_pause_or_at_once(qtbot: QtBot, bar, model) -> None:
    qtbot.keyClicks(bar.filter, "pump")
    assert model.query.filter_text == ""  # still typing
    qtbot.waitUntil(lambda: model.query.filter_text == "pump", timeout=FILTER_DELAY_MS * 10)
    qtbot.keyClicks(bar.filter, " 2")
    bar.filter_now()  # Enter, typed faster than the pause
    assert model.query.filter_text == "pump 2"


def test_one_calibration_filter_at_a_time(bar, model) -> None:
    bar.set_calibration_counts(CalibrationCounts(overdue=3, due_soon=5))
    assert bar.overdue_button.text() == "Overdue (3)"
    assert bar.due_soon_button.text() == "Due ≤ 30 d (5)"
    chosen = []
    for button in (bar.overdue_button, bar.due_soon_button, bar.due_soon_button):
        button.click()
        chosen.append((model.query.calibration, bar.overdue_button.isChecked()))
    assert chosen == [(Calibration.OVERDUE, True), (Calibration.DUE_SOON, False), (None, False)]


def test_show_archived_sets_the_query(bar, model) -> None:
    bar.show_archived.click()
    assert model.query.show_archived


def test_enter_and_down_are_signalled_and_escape_clears(qtbot: QtBot, bar) -> None:
    with qtbot.waitSignal(bar.entered):
        qtbot.keyClick(bar.filter, Qt.Key.Key_Return)
    with qtbot.waitSignal(bar.down_pressed):
        qtbot.keyClick(bar.filter, Qt.Key.Key_Down)
    qtbot.keyClicks(bar.filter, "boiler")
    qtbot.keyClick(bar.filter, Qt.Key.Key_Escape)
    assert bar.filter.text() == ""


def test_without_a_database_nothing_can_be_set(bar) -> None:
    bar.set_ready(False)
    widgets = (bar.filter, bar.show_archived, bar.overdue_button, bar.due_soon_button)
    assert not any(w.isEnabled() for w in widgets)
    bar.set_ready(True)
    assert all(w.isEnabled() for w in widgets)

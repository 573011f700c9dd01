"""The device dialog on its own: every field, inline problems, and the save handshake."""

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, DeviceRecord
from core.errors import NotFoundError, ValidationError
from core.models import DeviceStatus
from gui.device_dialog import DeviceDialog


def opened(qtbot: QtBot, device: DeviceRecord | None = None) -> DeviceDialog:
    dialog = DeviceDialog(device)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_into(qtbot: QtBot, dialog: DeviceDialog, **values: str) -> None:
    for name, text in values.items():
        dialog.inputs[name].clear()
        qtbot.keyClicks(dialog.inputs[name], text)


def submit(qtbot: QtBot, dialog: DeviceDialog) -> list[Any]:
    """Press Enter in the name field; what ``submitted`` carried, if anything."""
    sent: list[Any] = []
    dialog.submitted.connect(sent.append)
    qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Return)
    return sent


def test_every_field_is_submitted_checked_and_cleaned(qtbot) -> None:
    dialog = opened(qtbot)
    type_into(qtbot, dialog, name="  PI-101 Boiler ", serial_number="SN-7", device_type="Pressure",
              manufacturer="WIKA", model="232.50", location="Boiler house", default_unit="bar",
              low_limit="-1.5", high_limit="1e3")  # fmt: skip
    dialog.has_calibration.click()
    dialog.calibration.setDate(QDate(2027, 3, 1))
    dialog.status.setCurrentIndex(dialog.status.findData(DeviceStatus.OUT_OF_SERVICE.value))
    qtbot.keyClicks(dialog.notes, "Flange leaks")
    sent = submit(qtbot, dialog)
    assert sent == [
        DeviceFields(
            name="PI-101 Boiler",
            serial_number="SN-7",
            device_type="Pressure",
            manufacturer="WIKA",
            model="232.50",
            location="Boiler house",
            default_unit="bar",
            low_limit=-1.5,
            high_limit=1000.0,
            calibration_due=date(2027, 3, 1),
            status=DeviceStatus.OUT_OF_SERVICE,
            notes="Flange leaks",
        )
    ]
    assert dialog.isVisible() and not dialog.save_button.isEnabled()  # until the owner saved
    dialog.saved()
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted


def test_the_calibration_interval_is_typed_in_days_and_filled_when_editing(qtbot) -> None:
    dialog = opened(qtbot)
    type_into(qtbot, dialog, name="PI-101")
    dialog.interval.setFocus()
    qtbot.keyClick(dialog.interval, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.interval, "182")
    [sent] = submit(qtbot, dialog)
    assert sent.calibration_interval_days == 182
    dialog.saved()
    edited = opened(qtbot, DeviceRecord(name="PI-101", calibration_interval_days=365, id=4))
    assert edited.interval.text() == "365 days"
    edited.interval.setValue(0)
    assert edited.interval.text() == "not set"
    [unset] = submit(qtbot, edited)
    assert unset.calibration_interval_days is None
    edited.saved()


def test_no_calibration_date_unless_ticked(qtbot) -> None:
    dialog = opened(qtbot)
    type_into(qtbot, dialog, name="Probe")
    assert not dialog.calibration.isEnabled()
    (fields,) = submit(qtbot, dialog)
    assert fields.calibration_due is None and fields.low_limit is None
    dialog.saved()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "a device needs a name"),
        ({"name": "   "}, "name", "a device needs a name"),
        ({"low_limit": "1,5"}, "low_limit", "ambiguous"),
        ({"high_limit": "ten"}, "high_limit", "is not a number"),
        ({"low_limit": "9", "high_limit": "2"}, "high_limit", "below the low limit"),
        ({"name": "x" * 201}, "name", "at most 200 characters (this has 201)"),
        ({"default_unit": "u" * 33}, "default_unit", "at most 32"),
    ],
)
def test_a_problem_shows_under_its_field_and_the_dialog_stays(qtbot, values, field, message):
    dialog = opened(qtbot)
    type_into(qtbot, dialog, **({"name": "Gauge"} | values))
    sent = submit(qtbot, dialog)
    assert sent == [] and dialog.isVisible()
    assert dialog.errors[field].isVisible() and message in dialog.errors[field].text()
    assert dialog.focusWidget() is dialog.inputs[field]
    shown = [name for name, label in dialog.errors.items() if label.isVisible()]
    assert shown == [field]


def test_all_problems_show_at_once_and_the_first_gets_the_focus(qtbot) -> None:
    dialog = opened(qtbot)
    type_into(qtbot, dialog, name="", location="l" * 256, high_limit="1,5")
    assert submit(qtbot, dialog) == []
    shown = {name for name, label in dialog.errors.items() if label.isVisible()}
    assert shown == {"name", "location", "high_limit"}
    assert dialog.focusWidget() is dialog.inputs["name"]


def test_typing_in_a_bad_field_clears_its_message(qtbot) -> None:
    dialog = opened(qtbot)
    type_into(qtbot, dialog, name="Gauge", low_limit="1,5")
    submit(qtbot, dialog)
    assert dialog.errors["low_limit"].isVisible()
    qtbot.keyClick(dialog.inputs["low_limit"], Qt.Key.Key_Backspace)
    assert not dialog.errors["low_limit"].isVisible()


def test_editing_fills_every_field_and_limits_read_back_exactly(qtbot) -> None:
    device = DeviceRecord(name="Flow meter", serial_number="FM-9", location="Roof",
                          low_limit=0.1234567891, high_limit=20.0,
                          calibration_due=date(2026, 2, 3), status=DeviceStatus.RETIRED,
                          notes="two\nlines", id=7)  # fmt: skip
    dialog = opened(qtbot, device)
    assert dialog.windowTitle() == "Edit device “Flow meter”"
    assert dialog.inputs["low_limit"].text() == "0.1234567891"
    assert dialog.inputs["high_limit"].text() == "20"
    assert dialog.has_calibration.isChecked() and dialog.calibration.date() == QDate(2026, 2, 3)
    assert dialog.status.currentData() == DeviceStatus.RETIRED.value
    (fields,) = submit(qtbot, dialog)
    assert fields == DeviceFields(**{n: getattr(device, n) for n in DeviceFields.__annotations__})
    dialog.saved()


def test_a_refusal_from_the_database_side_shows_inline(qtbot) -> None:
    dialog = opened(qtbot)
    type_into(qtbot, dialog, name="Gauge")
    submit(qtbot, dialog)
    dialog.reject()  # Escape while saving does nothing: the outcome still has to show here
    assert dialog.isVisible()
    dialog.save_failed(ValidationError({"serial_number": "already used by “Other”"}))
    assert dialog.errors["serial_number"].isVisible() and dialog.save_button.isEnabled()
    assert dialog.focusWidget() is dialog.inputs["serial_number"]
    dialog.save_failed(NotFoundError("There is no device with id 7."))
    assert dialog.general_error.isVisible() and "no device" in dialog.general_error.text()
    dialog.reject()
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_an_unexpected_failure_says_where_the_details_are(qtbot) -> None:
    dialog = opened(qtbot)
    type_into(qtbot, dialog, name="Gauge")
    submit(qtbot, dialog)
    dialog.save_failed(RuntimeError("disk I/O error"))
    assert "log file" in dialog.general_error.text()
    assert "disk" not in dialog.general_error.text()


def test_a_change_of_the_limits_asks_why_before_it_is_saved(qtbot) -> None:
    device = DeviceRecord(name="PI-101", low_limit=0.5, high_limit=6.0, id=4)
    dialog = opened(qtbot, device)
    type_into(qtbot, dialog, high_limit="6.5")
    assert submit(qtbot, dialog) == []
    assert (
        dialog.errors["reason"].isVisible() and "needs a reason" in dialog.errors["reason"].text()
    )
    qtbot.keyClicks(dialog.reason, "new process spec")
    assert not dialog.errors["reason"].isVisible()
    [sent] = submit(qtbot, dialog)
    assert sent.high_limit == 6.5 and dialog.reason_text == "new process spec"
    dialog.saved()
    renamed = opened(qtbot, device)
    type_into(qtbot, renamed, name="PI-101 Boiler")  # not the limits: no reason needed
    [sent] = submit(qtbot, renamed)
    assert sent.name == "PI-101 Boiler" and renamed.reason_text is None
    renamed.saved()
    assert opened(qtbot).findChild(type(dialog.reason), "reason") is None  # adding: no reason


def test_a_leading_tab_is_kept_and_only_spaces_are_trimmed(qtbot) -> None:
    dialog = opened(qtbot)
    dialog.inputs["name"].setText("\tPI-101 ")  # pasted from a spreadsheet's cell
    dialog.notes.setPlainText("\tindented")
    (sent,) = submit(qtbot, dialog)
    assert (sent.name, sent.notes) == ("\tPI-101", "\tindented")
    dialog.saved()

"""Device → Calibrations…: the history of a device's calibrations and recording one, driven
through the real widgets with the keyboard, as a technician copies a certificate in."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.attachments import kept_path
from core.calibration import NewCalibration, list_calibrations, record_calibration
from core.db import Database, SqliteDatabase
from core.devices import DeviceFields, DeviceRecord, create_device, get_device
from core.models import CalibrationResult
from gui.calibration_dialog import CalibrationDialog
from gui.ops import Ops


@pytest.fixture
def gauge(db: Database) -> DeviceRecord:
    fields = DeviceFields(name="PI-101 Boiler", default_unit="bar", calibration_interval_days=365)
    return create_device(db, fields)


def opened(qtbot: QtBot, ops: Ops, db: Database, device: DeviceRecord) -> CalibrationDialog:
    dialog = CalibrationDialog(ops, db, device.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "PI-101 Boiler" in dialog.windowTitle())
    return dialog


def cell(dialog: CalibrationDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def choose(qtbot: QtBot, combo: object, text: str) -> None:
    """Pick ``text`` in a combo box with the keyboard: focus it and type its first letters."""
    combo.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClicks(combo, text)


def test_a_certificate_typed_in_is_recorded_and_moves_the_due_date(
    qtbot: QtBot, ops: Ops, db: SqliteDatabase, gauge: DeviceRecord, tmp_path: Path
) -> None:
    certificate = tmp_path / "ML-2026-0117.pdf"
    certificate.write_bytes(b"%PDF-1.7 certificate")
    dialog = opened(qtbot, ops, db, gauge)
    assert "every 365 days" in dialog.heading.text() and "0 calibration(s)" in dialog.heading.text()
    assert dialog.details.text() == "No calibration recorded yet."
    dialog.performed_on.setDate(QDate(2026, 3, 2))
    assert dialog.due_hint.text() == "else 2027-03-02, from the interval"
    for name, text in (("performed_by", "Ana Souza"), ("lab", "Metrolab GmbH"),
                       ("certificate_number", "ML-2026-0117"),
                       ("as_found_values", "+0.12 bar at 10 bar"),
                       ("as_left_values", "+0.01 bar at 10 bar")):  # fmt: skip
        qtbot.keyClicks(dialog.inputs[name], text)
    choose(qtbot, dialog.as_found, "F")
    choose(qtbot, dialog.as_left, "A")
    qtbot.keyClicks(dialog.notes, "span adjusted")
    dialog.add_files([certificate])
    with qtbot.waitSignal(dialog.recorded) as recorded:
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    entry = recorded.args[0]
    assert (entry.as_found, entry.as_left) == (CalibrationResult.FAIL, CalibrationResult.ADJUSTED)
    assert entry.next_due == date(2027, 3, 2) and entry.lab == "Metrolab GmbH"
    assert get_device(db, gauge.id).calibration_due == date(2027, 3, 2)
    assert kept_path(db.path, entry.files[0].sha256).read_bytes() == b"%PDF-1.7 certificate"
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    cells = [cell(dialog, 0, c) for c in range(dialog.table.columnCount())]
    assert cells == ["2026-03-02", "Ana Souza", "Metrolab GmbH", "ML-2026-0117", "Fail",
                     "Adjusted", "2027-03-02", "1"]  # fmt: skip
    assert "As found: +0.12 bar at 10 bar" in dialog.details.text()
    assert dialog.kept_files.count() == 1 and "ML-2026-0117.pdf" in dialog.kept_files.item(0).text()
    assert dialog.inputs["lab"].text() == "" and dialog.as_left.currentData() is None  # ready again
    dialog.reject()


def test_nothing_is_recorded_until_the_form_says_what_a_certificate_must(
    qtbot: QtBot, ops: Ops, db: Database, gauge: DeviceRecord
) -> None:
    dialog = opened(qtbot, ops, db, gauge)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.form.errors["as_left"].isVisible()
    assert dialog.form.errors["as_left"].text() == "say what the device was left as"
    assert QApplication.focusWidget() is dialog.as_left
    choose(qtbot, dialog.as_left, "P")
    assert not dialog.form.errors["as_left"].isVisible()
    dialog.has_next_due.setChecked(True)
    dialog.next_due.setDate(QDate.currentDate().addYears(-30))  # before the calibration
    qtbot.keyClicks(dialog.inputs["certificate_number"], "C" * 101)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.form.errors["next_due"].isVisible())
    assert "before the calibration" in dialog.form.errors["next_due"].text()
    assert "at most 100 characters" in dialog.form.errors["certificate_number"].text()
    assert dialog.record_button.isEnabled() and list_calibrations(db, gauge.id) == []
    dialog.reject()


def test_the_history_lists_the_newest_first_and_shows_each_one_s_details(
    qtbot: QtBot, ops: Ops, db: Database, gauge: DeviceRecord
) -> None:
    today = date.today()
    passed = CalibrationResult.PASS
    record_calibration(db, NewCalibration(gauge.id, today - timedelta(days=800), passed,
                                          notes="first"))  # fmt: skip
    record_calibration(db, NewCalibration(gauge.id, today - timedelta(days=400), passed,
                                          reference_standard="DWT 7"))  # fmt: skip
    dialog = opened(qtbot, ops, db, gauge)
    assert "(overdue)" in dialog.heading.text()  # due 35 days ago
    days = [(today - timedelta(days=n)).isoformat() for n in (400, 800)]
    assert [cell(dialog, r, 0) for r in range(2)] == days
    assert cell(dialog, 0, 2) == "in-house"
    assert dialog.details.text() == "Reference: DWT 7"
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.details.text() == "Notes: first"
    dialog.reject()

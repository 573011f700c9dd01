"""The export dialog: it starts from the selection and the chart's range, and writes that."""

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from core.db import Database
from core.devices import DeviceFields, create_device
from core.exporting import ExportFormat
from core.readings import NewReading, add_reading
from core.timeutil import to_epoch_ms
from gui.export_dialog import ExportDialog
from gui.ops import Ops
from gui.who import OPERATOR_KEY
from tests.core.exporting.pdf_pages import page_texts

START = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture
def two_devices(db: Database) -> list[int]:
    ids = []
    for name in ("Pump A", "Pump B"):
        device = create_device(db, DeviceFields(name, default_unit="bar"))
        for day in range(10):
            add_reading(db, NewReading(device.id, 1.0 + day, START + timedelta(days=day)))
        ids.append(device.id)
    return ids


def dialog_for(qtbot: QtBot, ops: Ops, db: Database, ids: list[int],
               span: tuple[int, int] | None) -> ExportDialog:  # fmt: skip
    dialog = ExportDialog(ops, db, ids, span)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def exported_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_defaults_to_the_selection_and_the_visible_range(
    qtbot, ops, db, two_devices, tmp_path
) -> None:
    span = (to_epoch_ms(START + timedelta(days=2)), to_epoch_ms(START + timedelta(days=5)))
    dialog = dialog_for(qtbot, ops, db, two_devices[:1], span)
    assert dialog.only_selected.isChecked() and dialog.visible.isChecked()
    target = tmp_path / "out.csv"
    with qtbot.waitSignal(dialog.exported, timeout=10000) as done:
        dialog.export_to(target)
    rows = exported_rows(target)
    assert [r["device"] for r in rows] == ["Pump A"] * 3
    assert [float(r["value"]) for r in rows] == [3.0, 4.0, 5.0]
    assert done.args[0].readings == 3 and not dialog.isVisible()


def test_all_devices_and_all_time_can_be_chosen(qtbot, ops, db, two_devices, tmp_path) -> None:
    dialog = dialog_for(qtbot, ops, db, two_devices[:1], (0, 1))
    dialog.all_devices.setChecked(True)
    dialog.all_time.setChecked(True)
    dialog.format_buttons[ExportFormat.XLSX].setChecked(True)
    assert not dialog.bom.isEnabled()
    with qtbot.waitSignal(dialog.exported, timeout=10000) as done:
        dialog.export_to(tmp_path / "out")  # the suffix is added
    assert done.args[0].readings == 20 and (tmp_path / "out.xlsx").is_file()


def test_a_pdf_report_is_written(qtbot, ops, db, two_devices, tmp_path) -> None:
    dialog = dialog_for(qtbot, ops, db, two_devices, None)
    assert dialog.all_time.isChecked() and not dialog.visible.isEnabled()
    dialog.format_buttons[ExportFormat.PDF].setChecked(True)
    with qtbot.waitSignal(dialog.exported, timeout=30000):
        dialog.export_to(tmp_path / "report.pdf")
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")


def test_an_export_that_fails_says_why_and_keeps_the_dialog(
    qtbot, ops, db, two_devices, tmp_path
) -> None:
    dialog = dialog_for(qtbot, ops, db, two_devices, None)
    dialog.export_to(tmp_path / "no such folder" / "out.csv")
    qtbot.waitUntil(lambda: bool(dialog.problem.text()) and not dialog.busy, timeout=10000)
    assert dialog.isVisible() and not (tmp_path / "no such folder").exists()
    dialog.close()


def test_a_backwards_period_is_refused(qtbot, ops, db, two_devices) -> None:
    dialog = dialog_for(qtbot, ops, db, two_devices, None)
    dialog.custom.setChecked(True)
    dialog.start.setDateTime(dialog.end.dateTime().addDays(1))
    dialog.choose_file()
    assert "must come after its start" in dialog.problem.text()
    dialog.close()


def test_the_pdf_report_takes_its_listing_title_site_and_author(
    qtbot, ops, db, two_devices, tmp_path
) -> None:
    QSettings().setValue(OPERATOR_KEY, "Anna Müller")  # the entry panel's operator name
    span = (to_epoch_ms(START - timedelta(days=3)), to_epoch_ms(START + timedelta(days=400)))
    dialog = dialog_for(qtbot, ops, db, two_devices[:1], span)
    assert not dialog.daily_summary.isEnabled() and not dialog.report_title.isEnabled()
    qtbot.mouseClick(dialog.format_buttons[ExportFormat.PDF], Qt.MouseButton.LeftButton)
    assert dialog.daily_summary.isEnabled() and dialog.author.text() == "Anna Müller"
    qtbot.mouseClick(dialog.daily_summary, Qt.MouseButton.LeftButton)
    for edit, text in ((dialog.report_title, "Weekly check"), (dialog.site, "Riverside")):
        edit.clear()
        qtbot.keyClicks(edit, text)
    with qtbot.waitSignal(dialog.exported, timeout=30000):
        dialog.export_to(tmp_path / "report.pdf")
    cover, section = page_texts(tmp_path / "report.pdf")[:2]
    assert "Weekly check" in cover and "Riverside" in cover and "Anna Müller" in cover
    assert "Daily summary (10 days)" in section
    # the chart's view pads the readings; the report names the readings' own range
    assert "Period 2026-05-01" in section and "2026-04-28" not in section
    again = dialog_for(qtbot, ops, db, two_devices[:1], span)
    assert again.report_title.text() == "Weekly check" and again.site.text() == "Riverside"
    again.close()

"""The import wizard, driven page by page: preview, dry run, import, cancel, drag and drop."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from core.db import Database
from core.devices import DeviceFields, create_device
from core.importing.history import list_batches
from gui.import_wizard import ImportWizard
from gui.main_window import MainWindow
from gui.ops import Ops
from tests.core.importing.support import reading_count

ROWS = (
    "serial,time,value,unit,operator,note\n"
    "SN-1,2026-03-29T01:30:00+01:00,1.5,bar,Ann,before the change\n"
    "SN-1,2026-03-29T03:30:00+02:00,1.6,bar,Ann,after the change\n"
    "SN-1,2026-03-29T04:30:00+02:00,abc,bar,Ann,not a number\n"
    "SN-1,2026-03-29T05:30:00+02:00,9.5,bar,Ann,over the limit\n"
)


@pytest.fixture
def gauge(db: Database) -> int:
    fields = DeviceFields("Gauge", serial_number="SN-1", default_unit="bar", high_limit=6.0)
    return create_device(db, fields).id


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "readings.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


@pytest.fixture
def wizard(qtbot: QtBot, ops: Ops, db: Database, csv_file: Path) -> Iterator[ImportWizard]:
    made = ImportWizard(ops, db, csv_file)
    qtbot.addWidget(made)
    made.show()
    yield made
    qtbot.waitUntil(lambda: not made.busy)
    made.close()


def next_page(qtbot: QtBot, wizard: ImportWizard, page: object) -> None:
    qtbot.waitUntil(lambda: wizard.button(QWizard.WizardButton.NextButton).isEnabled())
    wizard.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(lambda: wizard.currentPage() is page, timeout=10000)


def dry_run_done(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.waitUntil(lambda: not wizard.busy and wizard.report is not None, timeout=20000)


def test_the_preview_shows_the_file_as_read(qtbot, wizard, gauge) -> None:
    next_page(qtbot, wizard, wizard.preview_page)
    page = wizard.preview_page
    assert "readings.csv" in page.description.text()
    assert page.table.item(0, 0).text() == "serial"
    assert page.channels.rowCount() == 1 and page.channels.item(0, 3).text() == "SN-1"
    assert page.mapping_box.isVisibleTo(page)
    assert page.roles["value"].currentText() == "value"


def test_the_dry_run_reports_and_writes_nothing(qtbot, wizard, db, gauge) -> None:
    next_page(qtbot, wizard, wizard.preview_page)
    next_page(qtbot, wizard, wizard.check_page)
    dry_run_done(qtbot, wizard)
    page = wizard.check_page
    assert "3 new readings will be imported" in page.summary.text()
    report = page.report_text.toPlainText()
    assert "line 4" in report and "1 outside limits" in report
    assert reading_count(db) == 0 and list_batches(db) == []
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_import_writes_one_batch_and_closes(qtbot, wizard, db, gauge) -> None:
    next_page(qtbot, wizard, wizard.preview_page)
    next_page(qtbot, wizard, wizard.check_page)
    dry_run_done(qtbot, wizard)
    with qtbot.waitSignal(wizard.imported, timeout=20000) as done:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert done.args[0].accepted == 3 and reading_count(db) == 3
    (batch,) = list_batches(db)
    assert batch.file_name == "readings.csv" and batch.rejected == 1
    assert not wizard.isVisible()


def test_an_unreadable_file_stays_on_the_first_page_with_the_reason(
    qtbot, ops, db, tmp_path
) -> None:
    junk = tmp_path / "photo.csv"
    junk.write_bytes(bytes(range(256)) * 20)
    made = ImportWizard(ops, db, junk)
    qtbot.addWidget(made)
    made.show()
    made.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(lambda: bool(made.file_page.problem.text()), timeout=10000)
    assert "photo.csv" in made.file_page.problem.text()
    assert made.currentPage() is made.file_page
    made.close()


def minutes(count: int) -> str:
    """``count`` readings of SN-1, one a minute from 2025-01-01 UTC."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    return "".join(
        f"SN-1,{(start + timedelta(minutes=n)).isoformat()},{n}.5,bar\n" for n in range(count)
    )


def test_cancel_during_the_dry_run_leaves_nothing(qtbot, ops, db, gauge, tmp_path) -> None:
    big = tmp_path / "big.csv"
    big.write_text("serial,time,value,unit\n" + minutes(300_000), encoding="utf-8")
    made = ImportWizard(ops, db, big)
    qtbot.addWidget(made)
    made.show()
    next_page(qtbot, made, made.preview_page)
    made.button(QWizard.WizardButton.NextButton).click()
    made.check_page.cancel.click()  # the dry run has just started on the database thread
    qtbot.waitUntil(lambda: not made.busy, timeout=30000)
    assert made.check_page.summary.text() == "Cancelled: nothing was imported."
    assert made.report is None and reading_count(db) == 0
    assert not made.button(QWizard.WizardButton.FinishButton).isEnabled()
    made.close()


def test_a_file_dropped_on_the_window_starts_the_wizard(qtbot, tmp_path, csv_file) -> None:
    window = MainWindow(tmp_path / "fieldlog.log")
    qtbot.addWidget(window)
    window.show()
    window.open_path(tmp_path / "site.db")
    qtbot.waitUntil(lambda: window.database is not None, timeout=20000)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(csv_file))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime, buttons, keys)
    window.dragEnterEvent(enter)  # Qt delivers no synthetic drop: its handlers are called
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, buttons, keys)
    window.dropEvent(drop)
    wizard = window.dialogs.import_wizard
    assert isinstance(wizard, ImportWizard) and wizard.isVisible()
    assert wizard.file_page.path() == csv_file
    wizard.close()
    qtbot.waitUntil(lambda: not window.ops.busy)
    window.close()


def test_the_wizard_names_every_role_the_reader_knows() -> None:
    from core.importing.options import ROLES
    from gui.import_pages import ROLE_LABELS

    assert list(ROLE_LABELS) == list(ROLES)


def test_dates_two_orders_fit_are_asked_for_never_guessed(qtbot, ops, db, tmp_path) -> None:
    path = tmp_path / "site.csv"  # HOBOware, day-first or year-first: no row tells which
    path.write_text(
        '"Plot Title: 10347310"\n"#","Date Time, GMT+01:00","Temp, °C (LGR S/N: 10347310)"\n'
        + "".join(f"{n},14-12-17 {n:02d}:00:00,{n}.5\n" for n in range(1, 6)),
        encoding="utf-8",
    )
    made = ImportWizard(ops, db, path)
    qtbot.addWidget(made)
    made.show()
    page = made.file_page
    made.button(QWizard.WizardButton.NextButton).click()
    qtbot.waitUntil(lambda: bool(page.problem.text()), timeout=10000)
    assert "DD-MM-YY and YY-MM-DD" in page.problem.text()
    assert made.currentPage() is page and page.date_format() is None  # nothing picked for them
    offered = [page.dates.itemText(i) for i in range(page.dates.count())]
    assert offered[1:] == [  # the file's first date, read each way
        "14-12-17 is 14 December 2017  (%d-%m-%y %H:%M:%S)",
        "14-12-17 is 17 December 2014  (%y-%m-%d %H:%M:%S)",
    ]
    page.dates.setCurrentIndex(2)  # the technician knows: year first
    assert page.date_format() == "%y-%m-%d %H:%M:%S"
    next_page(qtbot, made, made.preview_page)
    assert made.parsed is not None and "the given format %y-%m-%d" in made.parsed.description
    made.close()


def test_a_fieldlog_export_comes_back_whole_through_the_wizard(qtbot, ops, db, tmp_path) -> None:
    """The wizard takes the import's path: the workbook's devices sheet makes every device
    whole, and a file whose only news is a device is one to import, not "nothing new"."""
    from core.devices import list_devices
    from core.exporting import ExportFormat, export
    from core.launch import open_database
    from core.readings import NewReading, add_reading

    theirs = open_database(tmp_path / "theirs.db").database
    fields = DeviceFields("Gauge", serial_number="SN-1", default_unit="bar", low_limit=1.0,
                          high_limit=6.0, location="Hall")  # fmt: skip
    gauge = create_device(theirs, fields)
    add_reading(theirs, NewReading(gauge.id, 2.5, datetime(2026, 3, 1, tzinfo=UTC)))
    book = tmp_path / "theirs.xlsx"
    export(theirs, book, ExportFormat.XLSX)
    _import_with_new_devices(qtbot, ops, db, book, "1 new readings will be imported")
    (made,) = list_devices(db)
    assert (made.uid, made.default_unit, made.low_limit, made.high_limit, made.location) == (
        gauge.uid, "bar", 1.0, 6.0, "Hall")  # fmt: skip
    create_device(theirs, DeviceFields("Spare", default_unit="bar"))
    export(theirs, book, ExportFormat.XLSX)
    theirs.close()
    _import_with_new_devices(qtbot, ops, db, book, "1 new devices will be created")
    assert [d.name for d in list_devices(db)] == ["Gauge", "Spare"]


def _import_with_new_devices(qtbot, ops, db, path: Path, summary: str) -> None:
    wizard = ImportWizard(ops, db, path)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.create_devices.setChecked(True)
    next_page(qtbot, wizard, wizard.preview_page)
    next_page(qtbot, wizard, wizard.check_page)
    dry_run_done(qtbot, wizard)
    assert summary in wizard.check_page.summary.text()
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: not wizard.busy)
    wizard.close()

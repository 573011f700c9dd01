"""The dialogs the window opens."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device
from core.launch import open_database
from core.schema import HEAD_REVISION
from gui.main_window import MainWindow
from tests.gui.windows import opened, shown_window


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    yield from shown_window(qtbot, tmp_path)


def test_about_shows_version_revision_and_path(qtbot, window, tmp_path) -> None:
    from core import __version__

    opened(qtbot, window, tmp_path / "a.db")
    window.dialogs.show_about()
    box = window.findChild(QMessageBox, "aboutBox")
    assert box is not None and __version__ in box.text()
    details = box.informativeText()
    assert HEAD_REVISION in details and str(tmp_path / "a.db") in details
    box.close()


def test_a_failure_nobody_handled_is_shown_with_the_log_file(qtbot, window) -> None:
    from gui.operations import DatabaseOp

    DatabaseOp(window.ops, lambda: 1 / 0, "a bug").run()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorBox") is not None)
    box = window.findChild(QMessageBox, "errorBox")
    assert "ZeroDivisionError" in box.detailedText() and str(window.log_file) in box.detailedText()
    box.close()


def test_importing_asks_for_a_database_first(window) -> None:
    window.dialogs.start_import(None)
    assert window.statusBar().currentMessage() == "Open a database before importing."
    assert window.dialogs.import_wizard is None


def test_an_export_is_reported_in_the_status_bar(qtbot, window, tmp_path) -> None:
    from datetime import UTC, datetime, timedelta

    from core.readings import NewReading, add_reading
    from gui.export_dialog import ExportDialog

    path = tmp_path / "site.db"
    made = open_database(path).database
    device = create_device(made, DeviceFields(name="Gauge", default_unit="bar"))
    add_reading(made, NewReading(device.id, 2.5, datetime.now(UTC) - timedelta(hours=1)))
    made.close()
    opened(qtbot, window, path)
    window.dialogs.show_export()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None
    target = tmp_path / "out.csv"
    with qtbot.waitSignal(dialog.exported, timeout=10000):
        dialog.export_to(target)
    assert window.statusBar().currentMessage() == (
        f"Exported 1 readings of 1 devices to {target} (the devices to out.devices.csv)"
    )
    assert (tmp_path / "out.devices.csv").read_text("utf-8-sig").startswith("Name,Serial,")

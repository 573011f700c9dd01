"""The workspace's edits through the real window: correcting a reading, and undoing it."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device
from core.launch import open_database
from core.readings import NewReading, ReadingRecord, add_reading, list_readings
from gui.correction_dialog import CorrectionDialog
from gui.main_window import MainWindow
from tests.gui.windows import opened, shown_window

TYPED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    path = tmp_path / "plant.db"
    made = open_database(path).database
    gauge = create_device(made, DeviceFields(name="Gauge PI-7", default_unit="bar"))
    add_reading(made, NewReading(gauge.id, 5.2, TYPED, operator="Ana", note="as read"))
    made.close()
    windows = shown_window(qtbot, tmp_path)
    shown = next(windows)
    opened(qtbot, shown, path)
    workspace = shown.workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.devices.model.rowCount() == 1)
    workspace.devices.select_device(gauge.id)
    qtbot.waitUntil(lambda: workspace.readings.model.rowCount() == 1)
    yield shown
    next(windows, None)  # closes it


def _history(window: MainWindow) -> list[ReadingRecord]:
    """Every reading of the one device, corrected originals too, oldest first."""
    assert window.database is not None
    found = list_readings(window.database, 1, include_superseded=True)
    return sorted(found, key=lambda r: r.id)


def _values(window: MainWindow) -> list[tuple[float, bool, int | None]]:
    """(value, superseded, which reading it corrects) of each, oldest first."""
    return [(r.value, r.superseded, r.corrects_id) for r in _history(window)]


def test_a_correction_made_in_the_window_is_undone_and_redone(qtbot: QtBot, window) -> None:
    workspace = window.workspace
    assert workspace is not None
    (original,) = _history(window)
    original_id = original.id
    workspace.correct(original_id)
    qtbot.waitUntil(lambda: bool(_open_dialogs(window)))
    (dialog,) = _open_dialogs(window)
    dialog.value.selectAll()
    qtbot.keyClicks(dialog.value, "4.20")
    qtbot.keyClicks(dialog.reason, "misread the dial")
    qtbot.keyClick(dialog.value, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(_history(window)) == 2)
    assert _values(window) == [(5.2, True, None), (4.2, False, original_id)]
    qtbot.waitUntil(lambda: window.menus.undo_action.isEnabled())
    assert "correction of reading" in window.menus.undo_action.text()

    window.menus.undo_action.trigger()  # the correction goes; the original is current again
    qtbot.waitUntil(lambda: _values(window) == [(5.2, False, None)])
    assert window.database is not None  # a reading saved meanwhile takes the freed id
    later = add_reading(window.database, NewReading(1, 6.0, TYPED.replace(hour=11)))
    window.menus.redo_action.trigger()  # made again, under a new id
    qtbot.waitUntil(lambda: len(_history(window)) == 3)
    assert _values(window) == [(5.2, True, None), (6.0, False, None), (4.2, False, original_id)]
    window.menus.undo_action.trigger()  # takes back the one the redo made, never the later reading
    qtbot.waitUntil(lambda: _values(window) == [(5.2, False, None), (6.0, False, None)])
    assert [r.id for r in _history(window)] == [original_id, later.id]


def _open_dialogs(window: MainWindow) -> list[CorrectionDialog]:
    return [d for d in window.findChildren(CorrectionDialog) if d.isVisible()]

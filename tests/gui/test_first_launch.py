"""What a newcomer meets: an empty state, a window that fits the screen, recent files."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device
from core.launch import open_database
from gui.main_window import MainWindow
from gui.recent import LAST_KEY, recent_files, startup_database
from tests.gui.windows import opened, shown_window


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    yield from shown_window(qtbot, tmp_path)


def test_an_empty_database_shows_the_ways_to_begin(qtbot, window, tmp_path) -> None:
    from gui.device_dialog import DeviceDialog
    from gui.empty_state import EmptyState

    opened(qtbot, window, tmp_path / "new.db")
    qtbot.waitUntil(lambda: window.empty_state is not None and window.empty_state.isVisible())
    empty = window.empty_state
    assert isinstance(empty, EmptyState)
    assert [b.text().replace("&", "") for b in (empty.add_button, empty.import_button,
                                                 empty.sample_button)] == [
        "Add a Device…", "Import a Logger File…", "Open the Sample Data"]  # fmt: skip
    empty.add_button.click()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(DeviceDialog)))
    (dialog,) = [d for d in window.findChildren(DeviceDialog) if d.isVisible()]
    dialog.inputs["name"].setText("PI-101 Boiler feed")
    dialog.accept()
    workspace = window.workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: workspace.isVisible() and not empty.isVisible())
    qtbot.waitUntil(lambda: workspace.devices.model.rowCount() == 1)


def test_a_database_with_devices_opens_on_the_panels(qtbot, window, tmp_path) -> None:
    path = tmp_path / "site.db"
    made = open_database(path).database
    create_device(made, DeviceFields(name="Only"))
    made.close()
    opened(qtbot, window, path)
    qtbot.waitUntil(lambda: "1 devices" in window.counts_label.text())
    assert window.workspace is not None and window.workspace.isVisible()
    assert window.empty_state is None or not window.empty_state.isVisible()


def test_the_window_fits_the_screen_it_opens_on(qtbot, window) -> None:
    free = window.screen().availableGeometry()
    assert free.contains(window.frameGeometry())
    assert window.width() <= 1280 and window.height() <= 800


def test_a_saved_size_too_big_for_this_screen_is_fitted(qtbot, tmp_path) -> None:
    big = MainWindow(tmp_path / "log")
    qtbot.addWidget(big)
    big.resize(4000, 3000)
    big.close()  # saves its geometry, as on quitting on a big monitor
    assert isinstance(QSettings().value("window/geometry"), QByteArray)
    again = MainWindow(tmp_path / "log")
    qtbot.addWidget(again)
    assert again.screen().availableGeometry().contains(again.frameGeometry())
    again.close()


def test_open_recent_lists_the_files_newest_first(qtbot, window, tmp_path) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    opened(qtbot, window, first)
    opened(qtbot, window, second)
    assert recent_files() == [second.resolve(), first.resolve()]
    window.menus.recent_menu.aboutToShow.emit()
    entries = [a for a in window.menus.recent_menu.actions() if a.isEnabled()]
    assert [a.text() for a in entries] == [str(second.resolve()), str(first.resolve())]
    entries[1].trigger()
    qtbot.waitUntil(lambda: window.path is not None and window.path.name == "a.db")
    window.open_path(second)
    qtbot.waitUntil(lambda: window.path is not None and window.path.name == "b.db")
    qtbot.waitUntil(lambda: not window.ops.busy)
    first.unlink()  # a file deleted since is left out
    assert recent_files() == [second.resolve()]


def test_the_last_database_reopens_unless_one_is_named(tmp_path, monkeypatch) -> None:
    path = tmp_path / "kept.db"
    open_database(path).database.close()
    monkeypatch.delenv("FIELDLOG_DB")
    assert startup_database(None) is None  # nothing remembered yet: the per-user default
    QSettings().setValue(LAST_KEY, str(path))
    assert startup_database(None) == path
    named = tmp_path / "other.db"
    assert startup_database(named) == named
    monkeypatch.setenv("FIELDLOG_DB", str(named))
    assert startup_database(None) is None  # the environment's choice, applied by the core
    monkeypatch.delenv("FIELDLOG_DB")
    path.unlink()
    assert startup_database(None) is None


def test_calibration_filters_with_their_counts(qtbot, window, tmp_path) -> None:
    from datetime import date, timedelta

    path = tmp_path / "cal.db"
    made = open_database(path).database
    today = date.today()
    for name, days in (("Late", -3), ("Soon", 10), ("Fine", 200), ("Never", None)):
        due = today + timedelta(days=days) if days is not None else None
        create_device(made, DeviceFields(name=name, calibration_due=due))
    made.close()
    opened(qtbot, window, path)
    qtbot.waitUntil(lambda: "1 overdue · 1 due within 30 days" in window.counts_label.text())
    devices = window.workspace.devices
    assert devices.filter_bar.overdue_button.text() == "Overdue (1)"
    assert devices.filter_bar.due_soon_button.text() == "Due ≤ 30 d (1)"

    def names() -> list[str]:
        model = devices.model
        return [d.name for d in (model.device_at(r) for r in range(model.rowCount())) if d]

    qtbot.waitUntil(lambda: len(names()) == 4)
    devices.filter_bar.overdue_button.click()
    qtbot.waitUntil(lambda: names() == ["Late"])
    devices.filter_bar.due_soon_button.click()
    qtbot.waitUntil(lambda: names() == ["Soon"])
    assert not devices.filter_bar.overdue_button.isChecked()
    devices.filter_bar.due_soon_button.click()
    qtbot.waitUntil(lambda: len(names()) == 4)

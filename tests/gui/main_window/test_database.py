"""The window's database on real files: opened, switched, restored, checked and replaced; each
launch failure gets its dialog and the file is untouched."""

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device
from core.files import sha256
from core.launch import open_database
from core.open_lock import LOCK_SUFFIX
from core.schema import HEAD_MARKER, HEAD_REVISION, SchemaMarker
from gui.main_window import MainWindow
from gui.operations import launch
from tests.core.launch_support import (
    EXTRA_REVISION,
    behind_head,
    damaged_below_the_schema,
    execute,
    scripts_with_extra_revision,
    stamp,
)
from tests.gui.windows import opened, shown_window


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    yield from shown_window(qtbot, tmp_path)


def failure(qtbot: QtBot, window: MainWindow, path: Path) -> QMessageBox:
    with qtbot.waitSignal(window.launch_failed, timeout=20000):
        window.open_path(path)
    assert window.failure_box is not None
    return window.failure_box


def choices(box: QMessageBox) -> list[str]:
    return [str(b.property("choice")) for b in box.buttons() if b.property("choice")]


def test_a_new_file_opens_with_its_name_in_the_title(qtbot, window, tmp_path) -> None:
    opened(qtbot, window, tmp_path / "site-a.db")
    assert window.windowTitle() == "site-a.db — FieldLog"
    assert window.revision == HEAD_REVISION
    assert window.workspace is not None and window.workspace.isEnabled()
    qtbot.waitUntil(lambda: "0 devices" in window.counts_label.text())


def test_an_old_database_is_upgraded_and_the_backup_named(qtbot, window, tmp_path) -> None:
    path = behind_head(tmp_path / "old.db", "0001")
    opened(qtbot, window, path)
    assert f"upgraded from 0001 to {HEAD_REVISION}" in window.statusBar().currentMessage()
    assert "backups" in window.statusBar().currentMessage()


def test_switching_files_shows_the_other_files_devices(qtbot, window, tmp_path) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    for path, name in ((first, "Gauge in A"), (second, "Meter in B")):
        result = open_database(path)
        create_device(result.database, DeviceFields(name=name))
        result.database.close()
    opened(qtbot, window, first)
    model = window.workspace.devices.model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.device_at(0) is not None)
    qtbot.waitUntil(lambda: model.device_at(0).name == "Gauge in A")
    opened(qtbot, window, second)
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.device_at(0) is not None)
    qtbot.waitUntil(lambda: model.device_at(0).name == "Meter in B")
    assert window.windowTitle() == "b.db — FieldLog"


def test_a_newer_database_gets_its_dialog_and_stays_untouched(qtbot, window, tmp_path) -> None:
    path = tmp_path / "newer.db"
    open_database(path).database.close()
    stamp(path, EXTRA_REVISION, SchemaMarker(int(EXTRA_REVISION), HEAD_MARKER.compat + 1))
    before = sha256(path)
    box = failure(qtbot, window, path)
    assert box.objectName() == "launchFailure-newer"
    assert "newer version of FieldLog" in box.text() and str(path) in box.informativeText()
    assert choices(box) == ["OPEN_OTHER", "QUIT"]
    assert sha256(path) == before and window.database is None


def test_a_corrupt_database_offers_the_newest_backup(qtbot, window, tmp_path) -> None:
    path = behind_head(tmp_path / "old.db", "0003")
    opened(qtbot, window, path)  # upgrading takes a backup
    window.ops.run(window.database.close)
    window.database = None
    qtbot.waitUntil(lambda: not window.ops.busy)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema page, behind an intact header
    path.write_bytes(bytes(data))
    box = failure(qtbot, window, path)
    assert box.objectName() == "launchFailure-corrupt"
    assert choices(box)[0] == "RESTORE" and path.read_bytes() == bytes(data)
    restore = next(b for b in box.buttons() if b.property("choice") == "RESTORE")
    restore.click()
    qtbot.waitUntil(lambda: window.database is not None, timeout=20000)
    damaged = next(p for p in (tmp_path / "backups").iterdir() if p.name.endswith("-damaged.db"))
    assert f"Restored the backup. The replaced database was saved as {damaged}" in (
        window.statusBar().currentMessage()
    )


def test_a_failed_upgrade_names_the_backup(qtbot, window, tmp_path, monkeypatch) -> None:
    """An extra revision adds a column the models do not know: verification undoes it."""
    path = behind_head(tmp_path / "old.db", "0003")
    before = sha256(path)
    scripts = scripts_with_extra_revision(
        tmp_path, 'op.add_column("devices", sa.Column("stray", sa.Integer()))'
    )
    monkeypatch.setitem(launch.launch_options, "script_location", scripts)
    box = failure(qtbot, window, path)
    assert box.objectName() == "launchFailure-upgrade"
    assert "Backup taken before the upgrade" in box.informativeText()
    assert "A backup was taken before the upgrade" in box.text()
    assert "schema differs from the models" in box.detailedText() and "stray" in box.detailedText()
    assert sha256(path) == before


def test_a_read_only_location_gets_its_dialog(qtbot, window, tmp_path) -> None:
    """A folder where FieldLog cannot make the file's open lock (here a folder stands in its
    way, which even root cannot write a file over)."""
    path = behind_head(tmp_path / "old.db")
    before = sha256(path)
    path.with_name(path.name + LOCK_SUFFIX).mkdir()
    box = failure(qtbot, window, path)
    assert box.objectName() == "launchFailure-readonly" and sha256(path) == before
    assert "cannot write in the folder" in box.detailedText()


def test_a_locked_database_offers_to_try_again(qtbot, window, tmp_path, monkeypatch) -> None:
    from filelock import FileLock

    path = behind_head(tmp_path / "old.db")
    monkeypatch.setitem(launch.launch_options, "lock_timeout", 0.2)
    with FileLock(path.with_name(path.name + ".lock")):
        box = failure(qtbot, window, path)
    assert box.objectName() == "launchFailure-locked"
    assert choices(box)[0] == "RETRY"
    assert box.icon() == QMessageBox.Icon.Warning  # it passes once the other program lets go


def test_not_a_database_gets_the_damaged_dialog(qtbot, window, tmp_path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list", encoding="utf-8")
    box = failure(qtbot, window, path)
    assert box.objectName() == "launchFailure-corrupt"
    assert choices(box) == ["OPEN_OTHER", "QUIT"]  # no backup to offer


def test_foreign_database_untouched(qtbot, window, tmp_path) -> None:
    path = tmp_path / "other.db"
    execute(path, "CREATE TABLE contacts (name TEXT)")
    before = sha256(path)
    box = failure(qtbot, window, path)
    assert box.objectName() == "launchFailure-foreign" and sha256(path) == before


def test_a_backup_is_restored_from_the_backups_dialog(qtbot, window, tmp_path) -> None:
    from core.backup import make_backup
    from core.devices import count_devices
    from gui.backups_dialog import BackupsDialog

    path = tmp_path / "site.db"
    opened(qtbot, window, path)
    db = window.database
    made = []
    window.ops.run(lambda: made.append(make_backup(path, "manual")))
    window.ops.run(lambda: create_device(db, DeviceFields(name="Added after the backup")))
    qtbot.waitUntil(lambda: not window.ops.busy and bool(made))
    window.menus.backups_action.trigger()
    dialog = window.findChild(BackupsDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 1 and dialog.selected_backup() is not None)
    assert dialog.selected_backup() == made[0]
    dialog.restore_button.click()
    box = dialog.findChild(QMessageBox, "confirmRestore")
    assert box is not None and made[0].name in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "Restored" in window.statusBar().currentMessage(), timeout=20000)
    qtbot.waitUntil(lambda: window.database is not None and not window.ops.busy)
    assert count_devices(window.database) == 0  # as it was when the backup was taken


def test_a_file_opened_at_head_is_checked_in_the_background(qtbot, window, tmp_path) -> None:
    path = tmp_path / "sound.db"
    open_database(path).database.close()
    opened(qtbot, window, path)
    qtbot.waitUntil(lambda: window.damage is not None, timeout=10000)
    assert window.damage == []


def test_damage_found_after_opening_is_reported_with_a_way_out(qtbot, window, tmp_path) -> None:
    path = damaged_below_the_schema(tmp_path / "damaged.db")
    opened(qtbot, window, path)  # the header and schema are fine: it opens
    qtbot.waitUntil(lambda: bool(window.damage), timeout=10000)
    box = window.failure_box
    assert box is not None and box.objectName() == "damageFound"
    assert "damaged.db" in box.text() and "File → Backups" in box.informativeText()
    assert "Show &Backups…" in [b.text() for b in box.buttons()]


def test_the_last_device_is_remembered_per_database(qtbot, window, tmp_path) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    for path in (first, second):
        made = open_database(path).database
        for name in ("One", "Two", "Three"):
            create_device(made, DeviceFields(name=f"{name} in {path.stem}"))
        made.close()
    opened(qtbot, window, first)
    devices = window.workspace.devices
    qtbot.waitUntil(lambda: devices.model.rowCount() == 3)
    devices.table.selectRow(2)  # "Two in a", by name
    qtbot.waitUntil(lambda: window.workspace.entry.heading.text() == "Reading for Two in a")
    opened(qtbot, window, second)
    qtbot.waitUntil(lambda: devices.model.rowCount() == 3)
    assert devices.selected_device_ids() == []  # b's ids name other devices: nothing picked
    devices.table.selectRow(0)  # "One in b"
    qtbot.waitUntil(lambda: window.workspace.entry.heading.text() == "Reading for One in b")
    opened(qtbot, window, first)
    qtbot.waitUntil(lambda: window.workspace.entry.heading.text() == "Reading for Two in a")
    opened(qtbot, window, second)
    qtbot.waitUntil(lambda: window.workspace.entry.heading.text() == "Reading for One in b")


def test_a_file_replaced_under_the_window_stops_it_writing(qtbot, window, tmp_path) -> None:
    """A sync tool puts another copy in the file's place: the next save is refused, its value
    is kept for the user, and the window offers to open what is there now."""
    import shutil

    from PySide6.QtCore import Qt

    from core.readings import count_readings

    path = tmp_path / "site.db"
    made = open_database(path).database
    create_device(made, DeviceFields(name="Gauge", default_unit="bar"))
    made.close()
    shutil.copyfile(path, tmp_path / "copy.db")
    opened(qtbot, window, path)
    workspace = window.ensure_workspace()
    qtbot.waitUntil(lambda: workspace.devices.model.rowCount() == 1)
    workspace.devices.table.selectRow(0)
    qtbot.waitUntil(lambda: workspace.entry.ready and not window.ops.busy)
    (tmp_path / "copy.db").replace(path)
    workspace.entry.focus_value()
    qtbot.keyClicks(workspace.entry.value, "4.2")
    qtbot.keyClick(workspace.entry.value, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.failure_box is not None)
    box = window.failure_box
    assert box.objectName() == "databaseReplaced" and "was replaced" in box.text()
    assert not window.menus.undo_action.isEnabled()
    assert workspace.entry.value.text() == "4.2"  # not lost: there to save again
    assert window.database is None
    again = next(b for b in box.buttons() if "Again" in b.text())
    again.click()
    qtbot.waitUntil(lambda: window.path == path and window.revision is not None, timeout=20000)
    qtbot.waitUntil(lambda: workspace.devices.model.rowCount() == 1)
    reader = open_database(path, write=False).database
    try:
        assert count_readings(reader) == 0  # the file there now got nothing
    finally:
        reader.close()


def test_a_stray_wal_is_set_aside_from_its_dialog(qtbot, window, tmp_path) -> None:
    from core import wal
    from tests.core.test_wal import foreign_wal

    path = tmp_path / "site.db"
    made = open_database(path).database
    create_device(made, DeviceFields(name="Gauge"))
    made.close()
    stray = foreign_wal(tmp_path, 8192)
    path.with_name("site.db-wal").write_bytes(stray.read_bytes())
    before = sha256(path)
    box = failure(qtbot, window, path)
    assert box.objectName() == "launchFailure-straywal"
    assert choices(box) == ["SET_ASIDE", "OPEN_OTHER", "QUIT"]
    assert sha256(path) == before and window.database is None
    next(b for b in box.buttons() if b.property("choice") == "SET_ASIDE").click()
    qtbot.waitUntil(lambda: window.database is not None, timeout=20000)
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("site.db-wal.set-aside-")]
    assert len(kept) == 1 and kept[0].read_bytes() == stray.read_bytes()
    assert not wal.wal_path(path).exists() or wal.summary(path) is None
    assert f"the stray file was kept as {kept[0]}" in window.statusBar().currentMessage()
    model = window.workspace.devices.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)


def test_what_start_up_built_is_left_out_of_later_collections(qtbot, window, tmp_path) -> None:
    """Once the first file is open, the objects start-up made (modules, the window, its
    panels, pyqtgraph, SQLAlchemy) are frozen out of the garbage collector: a full collection
    walked all of them and stalled the window for 40 ms or more, from whichever thread set it
    off (docs/PERFORMANCE.md, T9). A second file freezes nothing more."""
    gc.unfreeze()
    opened(qtbot, window, tmp_path / "a.db")
    frozen = gc.get_freeze_count()
    assert frozen > 10_000
    opened(qtbot, window, tmp_path / "b.db")  # frozen objects that are freed leave it
    assert gc.get_freeze_count() <= frozen

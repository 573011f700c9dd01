"""The backups' operations on a migrated file: list them, restore one, restore the newest."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from core.backup import make_backup
from core.db import SqliteDatabase
from core.devices import DeviceFields, create_device
from gui.operations.backups import (
    has_backup,
    list_backups,
    restore_backup,
    restore_newest_backup,
)
from tests.gui.operations.support import WatchedOps, succeeded


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    """What a restore's progress dialog would show over."""
    made = QWidget()
    qtbot.addWidget(made)
    return made


def device_count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM devices").fetchone()[0])


def test_backups_are_listed_newest_first(qtbot: QtBot, ops: WatchedOps, db: SqliteDatabase) -> None:
    assert succeeded(qtbot, ops, list_backups(ops, db.path)) == []
    assert succeeded(qtbot, ops, has_backup(ops, db.path)) is False
    made = [make_backup(db.path, reason) for reason in ("manual", "pre-upgrade")]
    listed = succeeded(qtbot, ops, list_backups(ops, db.path))
    assert [info.path for info in listed] == made[::-1]
    assert succeeded(qtbot, ops, has_backup(ops, db.path)) is True


def test_a_backup_is_restored_over_the_open_file(
    qtbot: QtBot, ops: WatchedOps, db: SqliteDatabase, window: QWidget
) -> None:
    backup = make_backup(db.path, "manual")
    create_device(db, DeviceFields(name="Added after the backup"))
    kept = succeeded(qtbot, ops, restore_backup(ops, db, db.path, backup, window))
    assert kept is not None and kept.exists()  # what it replaced, kept
    assert device_count(db.path) == 0 and device_count(kept) == 1


def test_the_newest_backup_is_restored(
    qtbot: QtBot, ops: WatchedOps, db: SqliteDatabase, window: QWidget
) -> None:
    make_backup(db.path, "manual")
    create_device(db, DeviceFields(name="In the newest backup"))
    make_backup(db.path, "manual")
    create_device(db, DeviceFields(name="After both"))
    db.close()
    succeeded(qtbot, ops, restore_newest_backup(ops, db.path, window))
    assert device_count(db.path) == 1

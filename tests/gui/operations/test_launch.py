"""Opening files as operations: the launch, the demo file, a stray WAL, the check, closing."""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from core.devices import count_devices
from core.errors import FieldLogError
from core.launch import Outcome, open_database
from core.schema import HEAD_REVISION
from gui.operations.launch import check_integrity, close_database, open_file, set_aside_wal
from tests.gui.operations.support import WatchedOps, finished, succeeded


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    """What a launch's progress dialog would show over."""
    made = QWidget()
    qtbot.addWidget(made)
    return made


def test_a_new_file_is_created_at_head_and_closed(
    qtbot: QtBot, ops: WatchedOps, window: QWidget, tmp_path: Path
) -> None:
    launched = succeeded(qtbot, ops, open_file(ops, tmp_path / "new.db", demo=False, parent=window))
    assert launched.outcome is Outcome.CREATED and launched.revision == HEAD_REVISION
    assert launched.database.open_lock is not None
    succeeded(qtbot, ops, close_database(ops, launched.database))
    assert launched.database.open_lock is None


def test_the_sample_file_is_filled_once(
    qtbot: QtBot, ops: WatchedOps, window: QWidget, tmp_path: Path
) -> None:
    launched = succeeded(qtbot, ops, open_file(ops, tmp_path / "demo.db", demo=True, parent=window))
    try:
        assert count_devices(launched.database, include_archived=True) > 0
    finally:
        launched.database.close()


def test_a_file_that_is_no_database_comes_back_to_failed(
    qtbot: QtBot, ops: WatchedOps, window: QWidget, tmp_path: Path
) -> None:
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"not SQLite at all" * 100)
    outcome = finished(qtbot, ops, open_file(ops, junk, demo=False, parent=window))
    assert isinstance(outcome.error, FieldLogError)
    assert junk.read_bytes() == b"not SQLite at all" * 100


def test_a_stray_wal_is_set_aside_and_none_is_refused(
    qtbot: QtBot, ops: WatchedOps, window: QWidget, tmp_path: Path
) -> None:
    from tests.core.test_wal import foreign_wal

    path = tmp_path / "site.db"
    open_database(path).database.close()
    refused = finished(qtbot, ops, set_aside_wal(ops, path, window))
    assert isinstance(refused.error, FieldLogError) and "no site.db-wal" in str(refused.error)
    stray = foreign_wal(tmp_path, 4096)
    path.with_name("site.db-wal").write_bytes(stray.read_bytes())
    moved = succeeded(qtbot, ops, set_aside_wal(ops, path, window))
    assert moved.read_bytes() == stray.read_bytes() and not path.with_name("site.db-wal").exists()


def test_the_integrity_check_finds_a_sound_file_sound(
    qtbot: QtBot, ops: WatchedOps, tmp_path: Path
) -> None:
    path = tmp_path / "sound.db"
    open_database(path).database.close()
    assert succeeded(qtbot, ops, check_integrity(ops, path, lambda: False)) == []

"""The imports' operations on a migrated database: read, dry run, import, history, undo."""

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.db import Database
from core.devices import DeviceFields, create_device
from core.errors import FieldLogError
from core.importing.formats import ImportOptions
from core.importing.report import ImportCancelled
from core.readings import count_readings
from gui.operations.imports import (
    ImportJob,
    dry_run,
    import_file,
    list_imports,
    read_file,
    undo_import,
)
from tests.gui.operations.support import WatchedOps, finished, succeeded

ROWS = (
    "serial,time,value,unit\n"
    "SN-1,2025-01-01T08:00:00+00:00,1.5,bar\n"
    "SN-1,2025-01-01T09:00:00+00:00,abc,bar\n"
    "SN-2,2025-01-01T10:00:00+00:00,2.5,bar\n"
)


@pytest.fixture
def csv_file(db: Database, tmp_path: Path) -> Path:
    create_device(db, DeviceFields("Gauge", serial_number="SN-1", default_unit="bar"))
    path = tmp_path / "readings.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def job(path: Path, cancelled: threading.Event | None = None) -> ImportJob:
    """An import of ``path`` that may make devices, as the wizard sets one up."""
    stop = cancelled or threading.Event()
    return ImportJob(path, ImportOptions(), True, lambda _done, _total: None, stop.is_set)


def test_a_file_is_read_with_its_channels(qtbot: QtBot, ops: WatchedOps, csv_file) -> None:
    parsed = succeeded(qtbot, ops, read_file(ops, csv_file, ImportOptions()))
    assert sorted(c.serial for c in parsed.channels) == ["SN-1", "SN-2"]


def test_a_file_that_cannot_be_read_says_why(qtbot: QtBot, ops: WatchedOps, tmp_path) -> None:
    junk = tmp_path / "photo.csv"
    junk.write_bytes(bytes(range(256)) * 20)
    outcome = finished(qtbot, ops, read_file(ops, junk, ImportOptions()))
    assert isinstance(outcome.error, FieldLogError) and "photo.csv" in str(outcome.error)


def test_the_dry_run_reports_what_the_import_writes(
    qtbot: QtBot, ops: WatchedOps, db, csv_file
) -> None:
    checked = succeeded(qtbot, ops, dry_run(ops, db, job(csv_file)))
    assert checked.dry_run and checked.accepted == 2 and checked.rejected_count == 1
    assert count_readings(db) == 0 and succeeded(qtbot, ops, list_imports(ops, db)) == []
    imported = succeeded(qtbot, ops, import_file(ops, db, job(csv_file)))
    assert not imported.dry_run and imported.accepted == 2 and count_readings(db) == 2
    assert imported.devices_created == checked.devices_created == ["SN-2"]
    (batch,) = succeeded(qtbot, ops, list_imports(ops, db))
    assert batch.id == imported.batch_id and batch.file_name == "readings.csv"


def test_an_import_is_undone_with_the_devices_it_made(
    qtbot: QtBot, ops: WatchedOps, db, csv_file
) -> None:
    imported = succeeded(qtbot, ops, import_file(ops, db, job(csv_file)))
    undone = succeeded(qtbot, ops, undo_import(ops, db, imported.batch_id))
    assert undone.readings_removed == 2 and undone.devices_removed == ["SN-2"]
    assert count_readings(db) == 0
    (batch,) = succeeded(qtbot, ops, list_imports(ops, db))
    assert batch.undone_at is not None


def test_a_cancelled_import_writes_nothing(qtbot: QtBot, ops: WatchedOps, db, csv_file) -> None:
    stop = threading.Event()
    stop.set()
    outcome = finished(qtbot, ops, import_file(ops, db, job(csv_file, cancelled=stop)))
    assert isinstance(outcome.error, ImportCancelled) and count_readings(db) == 0

"""Import batches: what each recorded, and undoing one."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.db import Database, SqliteDatabase
from core.devices import DeviceFields, create_device, get_device
from core.errors import NotFoundError
from core.importing.history import BatchUndoError, get_batch, list_batches, undo_batch
from core.importing.parsed import Rejected
from core.importing.service import import_parsed
from core.readings import NewReading, add_reading, correct_reading
from tests.core.importing.support import (
    RH,
    TEMP,
    Records,
    first_reading_id,
    parsed_file,
    reading_count,
    rows,
    samples,
)
from tests.databases import both_databases  # noqa: F401  (db: SQLite, then PostgreSQL)


def test_a_batch_records_the_file_and_its_counts(db: Database, tmp_path: Path) -> None:
    records: Records = [*samples(0, 4), Rejected(20, "bad")]
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], records, name="march.dat"),
                           create_devices=True)  # fmt: skip
    (batch,) = list_batches(db)
    assert batch.id == report.batch_id and batch.file_name == "march.dat"
    assert (batch.readings_added, batch.rejected, batch.devices_created) == (4, 1, 1)
    assert len(batch.file_hash) == 64 and batch.readings_now == 4 and batch.undone_at is None
    assert rows(db, "SELECT DISTINCT batch_id, source FROM readings") == [(batch.id, 1)]


def test_undo_removes_the_readings_and_the_devices_it_made(db: Database, tmp_path: Path) -> None:
    keep = create_device(db, DeviceFields("Logger 7 RH", default_unit="%"))
    report = import_parsed(db, parsed_file(tmp_path, [TEMP, RH], samples(0, 3) + samples(1, 3)),
                           create_devices=True)  # fmt: skip
    assert report.batch_id is not None
    undone = undo_batch(db, report.batch_id)
    assert (undone.readings_removed, undone.devices_removed) == (6, ["Logger 7 Temp"])
    assert reading_count(db) == 0 and get_device(db, keep.id).name == "Logger 7 RH"
    assert get_batch(db, report.batch_id).undone_at is not None
    with pytest.raises(BatchUndoError, match="already undone"):
        undo_batch(db, report.batch_id)
    again = import_parsed(db, parsed_file(tmp_path, [TEMP, RH], samples(0, 3) + samples(1, 3)),
                          create_devices=True)  # fmt: skip
    assert again.accepted == 6 and again.earlier_batches == []


def test_undo_keeps_a_made_device_that_got_other_readings(db: Database, tmp_path: Path) -> None:
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    device_id = report.matches[0].device_id
    assert device_id is not None and report.batch_id is not None
    add_reading(db, NewReading(device_id, 5.0, datetime(2026, 1, 1, tzinfo=UTC)))
    undone = undo_batch(db, report.batch_id)
    assert undone.devices_kept == ["Logger 7 Temp"] and reading_count(db) == 1


def test_undo_is_refused_when_a_correction_refers_to_the_batch(
    db: Database, tmp_path: Path
) -> None:
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    assert report.batch_id is not None
    first = first_reading_id(db)
    correct_reading(db, first, value=1.0, reason="typed wrong")
    with pytest.raises(BatchUndoError, match="1 of its readings have been corrected"):
        undo_batch(db, report.batch_id)
    assert reading_count(db) == 3


def test_a_batch_records_the_id_range_of_its_readings(db: Database, tmp_path: Path) -> None:
    device = create_device(db, DeviceFields("Logger 7 Temp", default_unit="°C"))
    add_reading(db, NewReading(device.id, 5.0, datetime(2024, 1, 1, tzinfo=UTC)))
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 5)))
    again = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 5)))
    assert again.accepted == 0 and again.batch_id is None  # nothing new: no batch at all
    assert rows(db, "SELECT id, first_reading_id, last_reading_id FROM import_batches") == [
        (report.batch_id, *rows(db, "SELECT min(id), max(id) FROM readings WHERE batch_id = ?",
                                report.batch_id)[0]),
    ]  # fmt: skip
    assert rows(db, "SELECT last_reading_id - first_reading_id FROM import_batches") == [(4,)]


def test_a_batch_an_older_build_imported_is_found_without_a_range(
    db: Database, tmp_path: Path
) -> None:
    """A 0005 build records no range: counting and undo look at every reading instead."""
    older = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 3)), create_devices=True)
    newer = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 4, value=30.0)[3:],
                                          content="another file"))  # fmt: skip
    assert older.batch_id is not None and newer.batch_id is not None
    with db.driver_write() as conn:
        conn.execute("UPDATE import_batches SET first_reading_id = NULL, last_reading_id = NULL "
                     "WHERE id = ?", (older.batch_id,))  # fmt: skip
    assert [get_batch(db, b).readings_now for b in (older.batch_id, newer.batch_id)] == [3, 1]
    assert undo_batch(db, older.batch_id).readings_removed == 3
    assert rows(db, "SELECT batch_id FROM readings") == [(newer.batch_id,)]


def test_an_undone_batchs_ids_taken_again_are_not_its_own(db: Database, tmp_path: Path) -> None:
    create_device(db, DeviceFields("Logger 7 Temp", default_unit="°C"))
    first = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 3)))
    assert first.batch_id is not None
    undo_batch(db, first.batch_id)
    second = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 3)))
    assert second.batch_id is not None and second.accepted == 3
    ranges = rows(db, "SELECT first_reading_id FROM import_batches ORDER BY id")
    assert ranges[1] == (first_reading_id(db),)
    # the same ids: SQLite gives the freed ones out again (PostgreSQL's sequence never does)
    assert (ranges[0] == ranges[1]) is (db.dialect == "sqlite")
    assert (get_batch(db, first.batch_id).readings_now,
            get_batch(db, second.batch_id).readings_now) == (0, 3)  # fmt: skip
    assert undo_batch(db, second.batch_id).readings_removed == 3


def test_undo_of_an_unknown_batch_is_a_clear_error(db: Database) -> None:
    with pytest.raises(NotFoundError, match="no import batch 42"):
        undo_batch(db, 42)


def test_the_foreign_keys_hold_after_an_import_and_an_undo(
    sqlite_db: SqliteDatabase, tmp_path: Path
) -> None:
    """The import switches SQLite's checks off for its transaction (PostgreSQL's stay on)."""
    db = sqlite_db
    report = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    assert report.batch_id is not None
    undo_batch(db, report.batch_id)
    with sqlite3.connect(db.path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_devices_an_import_makes_and_its_undo_removes_are_in_the_history(
    db: Database, tmp_path: Path
) -> None:
    from core.audit import Action, history
    from core.calibration import NewCalibration, record_calibration
    from core.devices import list_devices
    from core.models import CalibrationResult

    report = import_parsed(db, parsed_file(tmp_path, [TEMP, RH], samples(0, 3) + samples(1, 3),
                                           name="march.dat"), create_devices=True)  # fmt: skip
    assert report.batch_id is not None
    made = {d.name: d for d in list_devices(db)}
    temp, rh = made["Logger 7 Temp"], made["Logger 7 RH"]
    [created] = history(db, temp.uid)
    assert (created.action, created.reason) == (Action.CREATE, "made by importing march.dat")
    assert created.new["default_unit"] == "°C"
    with db.write() as conn:  # the readings of the RH channel go: the device is then unused
        conn.execute(delete_readings_of(rh.id))
    record_calibration(db, NewCalibration(rh.id, datetime(2026, 3, 1).date(),
                                          CalibrationResult.PASS))  # fmt: skip
    undone = undo_batch(db, report.batch_id)
    assert undone.devices_removed == ["Logger 7 Temp"]  # the calibrated one stays
    assert [c.action for c in history(db, temp.uid)] == [Action.DELETE, Action.CREATE]
    assert history(db, temp.uid)[0].reason == "undoing the import of march.dat"


def delete_readings_of(device_id: int) -> Any:
    from core.models import readings

    return readings.delete().where(readings.c.device_id == device_id)

"""The inventory's operations on a migrated database: add, edit, archive, delete, counts."""

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from core.devices import CalibrationCounts, DeviceFields, get_device
from core.errors import NotFoundError, ValidationError
from core.readings import NewReading, add_reading
from gui.operations.devices import (
    InventoryCounts,
    add_device,
    archive_devices,
    delete_device,
    edit_device,
    fetch_device,
    inventory_counts,
)
from tests.gui.operations.support import WatchedOps, finished, succeeded


def test_add_edit_and_fetch_a_device(qtbot: QtBot, ops: WatchedOps, db) -> None:
    made = succeeded(qtbot, ops, add_device(ops, db, DeviceFields(name="Pump", serial_number="P1")))
    edited = succeeded(qtbot, ops, edit_device(ops, db, made.id, DeviceFields(name="Pump 2")))
    assert edited.id == made.id and edited.name == "Pump 2" and edited.serial_number is None
    assert succeeded(qtbot, ops, fetch_device(ops, db, made.id)) == get_device(db, made.id)


def test_a_device_that_fails_its_checks_is_not_added(qtbot: QtBot, ops: WatchedOps, db) -> None:
    outcome = finished(qtbot, ops, add_device(ops, db, DeviceFields(name="  ")))
    assert isinstance(outcome.error, ValidationError)
    assert succeeded(qtbot, ops, inventory_counts(ops, db)).every_device == 0


def test_archiving_says_which_devices_changed(qtbot: QtBot, ops: WatchedOps, db) -> None:
    ids = [succeeded(qtbot, ops, add_device(ops, db, DeviceFields(name=n))).id for n in "ABC"]
    assert succeeded(qtbot, ops, archive_devices(ops, db, ids[:2], True)) == ids[:2]
    assert succeeded(qtbot, ops, archive_devices(ops, db, ids, True)) == ids[2:]
    assert succeeded(qtbot, ops, archive_devices(ops, db, ids[1:], False)) == ids[1:]
    assert [get_device(db, i).archived for i in ids] == [True, False, False]


def test_only_a_device_without_readings_is_deleted(qtbot: QtBot, ops: WatchedOps, db) -> None:
    empty = succeeded(qtbot, ops, add_device(ops, db, DeviceFields(name="Empty")))
    used = succeeded(qtbot, ops, add_device(ops, db, DeviceFields(name="Used")))
    add_reading(db, NewReading(used.id, 1.0, datetime(2026, 5, 1, tzinfo=UTC)))
    succeeded(qtbot, ops, delete_device(ops, db, empty.id))
    assert isinstance(finished(qtbot, ops, fetch_device(ops, db, empty.id)).error, NotFoundError)
    assert isinstance(finished(qtbot, ops, delete_device(ops, db, used.id)).error, ValidationError)


def test_the_inventory_is_counted(qtbot: QtBot, ops: WatchedOps, db) -> None:
    kept = succeeded(qtbot, ops, add_device(ops, db, DeviceFields(name="Kept")))
    gone = succeeded(qtbot, ops, add_device(ops, db, DeviceFields(name="Gone")))
    add_reading(db, NewReading(kept.id, 1.0, datetime(2026, 5, 1, tzinfo=UTC)))
    succeeded(qtbot, ops, archive_devices(ops, db, [gone.id], True))
    counts = succeeded(qtbot, ops, inventory_counts(ops, db))
    assert counts == InventoryCounts(1, 1, 2, CalibrationCounts(0, 0))

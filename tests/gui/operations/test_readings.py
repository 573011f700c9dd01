"""The readings' operations on a migrated database: save, correct, withdraw, and the reads."""

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from core.db import Database
from core.devices import DeviceFields, create_device
from core.errors import NotFoundError, ValidationError
from core.readings import LimitFlag, NewReading, list_readings
from gui.operations.readings import (
    correct_reading,
    device_context,
    fetch_reading,
    save_reading,
    withdraw_reading,
)
from tests.gui.operations.support import WatchedOps, finished, succeeded

NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)


@pytest.fixture
def gauge(db: Database) -> int:
    fields = DeviceFields(name="Gauge", default_unit="bar", low_limit=1.0, high_limit=5.0)
    return create_device(db, fields).id


def test_a_reading_is_saved_with_its_flag(qtbot: QtBot, ops: WatchedOps, db, gauge) -> None:
    saved = succeeded(qtbot, ops, save_reading(ops, db, NewReading(gauge, 5.6, NOW)))
    assert saved.value == 5.6 and saved.flag is LimitFlag.ABOVE
    assert [r.id for r in list_readings(db, gauge)] == [saved.id]


def test_a_refused_reading_comes_back_to_failed(qtbot: QtBot, ops: WatchedOps, db, gauge) -> None:
    ahead = NOW + timedelta(days=30)  # not a time a reading can have been taken
    outcome = finished(qtbot, ops, save_reading(ops, db, NewReading(gauge, 1.0, ahead)))
    assert isinstance(outcome.error, ValidationError) and list_readings(db, gauge) == []


def test_a_correction_and_its_withdrawal(qtbot: QtBot, ops: WatchedOps, db, gauge) -> None:
    original = succeeded(qtbot, ops, save_reading(ops, db, NewReading(gauge, 2.0, NOW)))
    correcting = correct_reading(ops, db, original.id, value=2.5, note="typo", operator="Ana",
                                 decimals=1, reason="typo")  # fmt: skip
    fixed = succeeded(qtbot, ops, correcting)
    assert fixed.value == 2.5 and fixed.operator == "Ana"
    assert [r.value for r in list_readings(db, gauge)] == [2.5]
    succeeded(qtbot, ops, withdraw_reading(ops, db, fixed.id))
    assert [r.value for r in list_readings(db, gauge)] == [2.0]  # the original is current again


def test_a_reading_is_fetched_as_it_is_now(qtbot: QtBot, ops: WatchedOps, db, gauge) -> None:
    saved = succeeded(qtbot, ops, save_reading(ops, db, NewReading(gauge, 3.0, NOW)))
    assert succeeded(qtbot, ops, fetch_reading(ops, db, saved.id)) == saved
    missing = finished(qtbot, ops, fetch_reading(ops, db, saved.id + 1))
    assert isinstance(missing.error, NotFoundError)


def test_the_entry_panels_context_is_the_device_and_its_last_reading(
    qtbot: QtBot, ops: WatchedOps, db, gauge
) -> None:
    empty = succeeded(qtbot, ops, device_context(ops, db, gauge))
    assert empty.device.name == "Gauge" and empty.previous is None
    for hours in (2, 1):
        succeeded(
            qtbot,
            ops,
            save_reading(ops, db, NewReading(gauge, hours, NOW - timedelta(hours=hours))),
        )
    context = succeeded(qtbot, ops, device_context(ops, db, gauge))
    assert context.previous is not None and context.previous.value == 1

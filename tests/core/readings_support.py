"""Readings at known times, for the tests of what reads them back."""

from datetime import UTC, datetime, timedelta

from core.db import Database
from core.devices import DeviceRecord
from core.readings import NewReading, add_reading

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def add_at(db: Database, device: DeviceRecord, value: float, hours: float, **kw: object) -> int:
    """Add a reading ``hours`` after ``T0``; its id."""
    moment = T0 + timedelta(hours=hours)
    return add_reading(db, NewReading(device.id, value, moment, **kw)).id  # type: ignore[arg-type]

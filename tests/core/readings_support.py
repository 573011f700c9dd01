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


def add_minutely(db: Database, device_id: int, count: int, newest: datetime) -> None:
    """``count`` readings of ``device_id`` in V a minute apart, the newest at ``newest``, valued 0,
    1, 2, … from the newest back: enough for several pages, written in one statement."""
    start = int(newest.timestamp() * 1000)
    rows = [(device_id, start - i * 60_000, float(i), "V", 0, start) for i in range(count)]
    with db.driver_write() as conn:
        conn.executemany(
            "INSERT INTO readings (device_id, recorded_at, value, unit, source, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

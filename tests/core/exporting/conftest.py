"""The devices and readings every export test starts from."""

from datetime import date, timedelta

import pytest

from core.db import Database
from core.devices import DeviceFields, DeviceRecord, create_device
from core.models import ReadingSource
from core.timeutil import to_epoch_ms
from tests.core.exporting.support import T0, add, insert_rows


@pytest.fixture
def boiler(db: Database) -> DeviceRecord:
    fields = DeviceFields(name="Boiler", serial_number="SN-1", device_type="Thermometer",
                          location="Plant room", default_unit="°C", low_limit=10.0,
                          high_limit=80.0, calibration_due=date(2026, 6, 30))  # fmt: skip
    return create_device(db, fields)


@pytest.fixture
def meter(db: Database) -> DeviceRecord:
    fields = DeviceFields(name="=Conductivity", serial_number="+42", default_unit="µS/cm",
                          high_limit=500.0)  # fmt: skip
    return create_device(db, fields)


@pytest.fixture
def two_devices(db: Database, boiler: DeviceRecord, meter: DeviceRecord) -> Database:
    add(db, boiler, 0.1 + 0.2, T0, operator="Anna Müller", note="=SUM(A1:A9)")
    add(db, boiler, 95.5, T0 + timedelta(hours=1), operator="-Bob", source=ReadingSource.IMPORT)
    add(db, meter, 612.0, T0 + timedelta(minutes=30), operator="@Chloé", note="+1 spare")
    return db


@pytest.fixture
def big(db: Database, boiler: DeviceRecord) -> Database:
    start = to_epoch_ms(T0)
    rows = [(boiler.id, start + i * 1000, 20.0 + (i % 997) / 10, "°C", 1, start)
            for i in range(200_000)]  # fmt: skip
    insert_rows(db, rows)
    return db

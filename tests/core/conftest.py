"""Fixtures the core tests share."""

import pytest

from core.db import Database
from core.devices import DeviceFields, DeviceRecord, create_device


@pytest.fixture
def gauge(db: Database) -> DeviceRecord:
    fields = DeviceFields(
        name="Gauge", serial_number="G-1", default_unit="bar", low_limit=2.0, high_limit=4.0
    )
    return create_device(db, fields)

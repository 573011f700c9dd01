"""Devices, readings and a way to run an export, for the export tests."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from core.db import Database
from core.devices import DeviceRecord
from core.exporting import ExportFormat, ExportRequest, export
from core.readings import NewReading, add_reading

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
HEADER = "device,serial,time,local time,UTC time,value,unit,limit,operator,note,source\r\n"


def add(db: Database, device: DeviceRecord, value: float, moment: datetime, **kw: object) -> int:
    return add_reading(db, NewReading(device.id, value, moment, **kw)).id  # type: ignore[arg-type]


def run(db: Database, path: Path, fmt: ExportFormat = ExportFormat.CSV, **kw: object) -> int:
    request = ExportRequest(**kw)  # type: ignore[arg-type]
    return export(db, path, fmt, request, local_zone=UTC).readings


def insert_rows(db: Database, rows: list[tuple[int, int, float, str, int, int]]) -> None:
    with db.driver_write() as conn:
        conn.executemany(
            "INSERT INTO readings (device_id, recorded_at, value, unit, source, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

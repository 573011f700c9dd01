"""An export imports back exactly: FieldLog's own CSV and workbook, through the real importer."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.db import Database
from core.devices import DeviceFields, create_device
from core.exporting import ExportFormat, export
from core.importing.formats import detect_format, open_import
from core.importing.service import import_parsed
from core.readings import NewReading, add_reading, list_readings
from tests.core.exporting.support import BERLIN


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.XLSX])
def test_the_time_columns_read_back_exactly_across_the_autumn_fold(
    db: Database, tmp_path: Path, fmt: ExportFormat
) -> None:
    """The export writes each time several ways (ISO 8601, local wall-clock, UTC); the import
    reads the exact one, even for the hour that repeats when the clocks go back."""
    device = create_device(db, DeviceFields("Pump", serial_number="P-1", default_unit="bar"))
    start = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    moments = [start + timedelta(minutes=20 * n, milliseconds=n) for n in range(8)]
    for n, moment in enumerate(moments):
        add_reading(db, NewReading(device.id, float(n), moment))
    path = tmp_path / f"fold.{fmt}"
    export(db, path, fmt, local_zone=BERLIN)
    assert detect_format(path) == fmt.value
    parsed = open_import(path)
    report = import_parsed(db, parsed)
    assert (report.accepted, report.duplicates, report.rejected) == (0, 8, [])
    assert [m.how for m in report.matches] == ["serial"]
    times = [r.recorded_at for r in list_readings(db, device.id, newest_first=False)]
    assert times == moments

"""Exporting readings as an operation: the file is written, or, cancelled, nothing is."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.db import Database
from core.devices import DeviceFields, create_device
from core.exporting import ExportCancelled, ExportFormat, ExportRequest
from core.readings import NewReading, add_reading
from gui.operations.exports import export_readings
from tests.gui.operations.support import WatchedOps, finished, succeeded

START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def pump(db: Database) -> int:
    device = create_device(db, DeviceFields("Pump", default_unit="bar"))
    for day in range(5):
        add_reading(db, NewReading(device.id, 1.0 + day, START + timedelta(days=day)))
    return device.id


def test_the_readings_are_written_with_progress(
    qtbot: QtBot, ops: WatchedOps, db, pump, tmp_path: Path
) -> None:
    target, steps = tmp_path / "out.csv", []
    exporting = export_readings(ops, db, target, ExportFormat.CSV, ExportRequest([pump]),
                                progress=lambda done, _total: steps.append(done))  # fmt: skip
    summary = succeeded(qtbot, ops, exporting)
    assert summary.readings == 5 and summary.path == target
    assert len(target.read_text(encoding="utf-8").splitlines()) == 6 and steps


def test_a_cancelled_export_leaves_no_file(
    qtbot: QtBot, ops: WatchedOps, db, pump, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.xlsx"
    exporting = export_readings(ops, db, target, ExportFormat.XLSX, ExportRequest(),
                                cancelled=lambda: True)  # fmt: skip
    outcome = finished(qtbot, ops, exporting)
    assert isinstance(outcome.error, ExportCancelled)
    assert list(folder.iterdir()) == []  # not even the file beside the target

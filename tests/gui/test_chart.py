"""The chart and the readings table show what the database holds, and export it."""

import csv
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device
from core.launch import LaunchResult
from core.readings import NewReading, add_reading, correct_reading, series
from gui.chart import ChartPanel
from gui.ops import Ops
from gui.readings_panel import Columns, ReadingsPanel
from tests.core.launch_support import REPO_ROOT

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def devices(launched: LaunchResult) -> list[int]:
    db = launched.database
    gauge = create_device(db, DeviceFields(name="Gauge", default_unit="bar", low_limit=2.0,
                                           high_limit=4.0))  # fmt: skip
    probe = create_device(db, DeviceFields(name="Probe", default_unit="°C"))
    for hours, value in enumerate([3.0, 3.5, 5.2, 2.8, 1.1, 3.3]):
        add_reading(db, NewReading(gauge.id, value, NOW - timedelta(hours=10 - hours)))
    for hours in range(4):
        add_reading(db, NewReading(probe.id, 20.0 + hours, NOW - timedelta(hours=hours)))
    return [gauge.id, probe.id]


@pytest.fixture
def chart(qtbot: QtBot, ops: Ops, launched: LaunchResult) -> ChartPanel:
    panel = ChartPanel(ops)
    qtbot.addWidget(panel)
    panel.resize(900, 450)
    panel.show()
    panel.set_database(launched.database)
    return panel


def loaded(qtbot: QtBot, chart: ChartPanel, ids: list[int]) -> None:
    chart.show_devices(ids)
    qtbot.waitUntil(lambda: [s.device_id for s in chart.series] == ids)


def items_named(chart: ChartPanel, name: str) -> list[Any]:
    return [i for i in chart._items if i.objectName() == name]


def test_the_chart_shows_the_saved_readings(qtbot, chart, devices, launched) -> None:
    loaded(qtbot, chart, devices[:1])
    expected = series(launched.database, devices[0])
    (shown,) = chart.series
    assert np.array_equal(shown.values, expected.values)
    assert np.array_equal(shown.times_s, expected.times_s)
    curve = chart._items[0]
    x, y = curve.getOriginalDataset()
    assert np.array_equal(y, expected.values) and np.array_equal(x, expected.times_s)


def test_limit_bands_are_drawn_and_inside_the_view(qtbot, chart, devices) -> None:
    loaded(qtbot, chart, devices[:1])
    (band,) = items_named(chart, "limitBand")
    assert tuple(band.getRegion()) == (2.0, 4.0)
    _, (y_low, y_high) = chart.plot.getViewBox().viewRange()
    assert y_low <= 1.1 and y_high >= 5.2


def test_out_of_limit_points_are_marked(qtbot, chart, devices) -> None:
    loaded(qtbot, chart, devices[:1])
    (marks,) = items_named(chart, "outOfLimit")
    assert sorted(marks.getData()[1]) == [1.1, 5.2]


def test_several_devices_get_an_axis_per_unit(qtbot, chart, devices) -> None:
    loaded(qtbot, chart, devices)
    assert chart.units() == ["bar", "°C"]
    assert chart.point_count() == 10


def test_presets_set_the_visible_range(qtbot, chart, devices) -> None:
    loaded(qtbot, chart, devices[:1])
    chart.preset_buttons["24 h"].click()
    start, end = chart.visible_range_s()
    assert abs((end - start) - 86_400) < 1 and abs(end - NOW.timestamp()) < 120


def test_exports_write_a_png_and_the_visible_rows(qtbot, chart, devices, tmp_path) -> None:
    loaded(qtbot, chart, devices[:1])
    start, end = (NOW - timedelta(hours=h, minutes=30) for h in (8, 5))
    chart.plot.setXRange(start.timestamp(), end.timestamp(), padding=0)
    out = tmp_path / "out"
    out.mkdir()
    png = out / "chart.png"
    chart.export_png(png)
    assert not QImage(str(png)).isNull() and QImage(str(png)).width() > 100
    written = chart.export_visible_csv(out / "visible.csv")
    with (out / "visible.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert written == len(rows) == 3
    assert [float(r["value"]) for r in rows] == [5.2, 2.8, 1.1]
    assert [r["limit"] for r in rows] == ["outside", "", "outside"]
    assert rows[0]["time_utc"].endswith("+00:00")
    assert datetime.fromisoformat(rows[0]["time_local"]).utcoffset() is not None
    assert sorted(p.name for p in out.iterdir()) == ["chart.png", "visible.csv"]  # no temp left


def test_the_readings_table_shows_flags_and_corrections(qtbot, ops, launched, devices) -> None:
    db = launched.database
    first = series(db, devices[0])
    panel = ReadingsPanel(ops)
    qtbot.addWidget(panel)
    panel.set_database(db)
    panel.show_devices(devices[:1])
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(first.values))
    rows = [panel.model.reading(r) for r in range(panel.model.rowCount())]
    newest = rows[0]
    correction = correct_reading(db, newest.id, value=3.4)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(first.values) + 1)
    model = panel.model
    texts = [model.data(model.index(r, Columns.HISTORY)) for r in range(model.rowCount())]
    assert f"corrected by #{correction.id}" in texts and f"corrects #{newest.id}" in texts
    limits = [model.data(model.index(r, Columns.LIMIT)) for r in range(model.rowCount())]
    assert limits.count("▲ high") == 1 and limits.count("▼ low") == 1


@pytest.mark.slow
def test_self_test_exits_0_and_writes_a_png(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = subprocess.run(
        [sys.executable, "-m", "gui", "--self-test", "--screenshot", str(shot)],
        cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
             "PYTHONPATH": str(REPO_ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "self-test: OK" in done.stdout
    assert shot.stat().st_size > 10_000 and not QImage(str(shot)).isNull()

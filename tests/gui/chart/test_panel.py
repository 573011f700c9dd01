"""The chart panel shows what the database holds, says when there is nothing to show, and
draws many devices a few at a time."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage, QPainter
from pytestqt.qtbot import QtBot

import gui.operations.readings as reading_operations
from core.db import Database
from core.devices import DeviceFields, create_device
from core.readings import NewReading, add_reading, correct_reading, list_readings
from gui.chart.panel import NO_DEVICE, NO_READINGS, NONE_IN_RANGE, ChartPanel
from tests.core.launch_support import REPO_ROOT
from tests.gui.chart.chart_support import GAUGE_VALUES, NOW, bands, loaded, long_series, y_range


def test_the_chart_shows_the_saved_readings(
    qtbot: QtBot, chart: ChartPanel, devices: list[int], db: Database
) -> None:
    loaded(qtbot, chart, devices[:1])
    saved = list_readings(db, devices[0], newest_first=False, limit=None)
    x, y = chart.traces[0].curve.getData()  # a short series is drawn whole
    assert x.tolist() == [r.recorded_at.timestamp() for r in saved]
    assert y.tolist() == [r.value for r in saved]
    assert x.dtype == np.float64
    assert chart.point_count() == len(GAUGE_VALUES)
    assert not chart.message.isVisible() and chart.plot_widget.isVisible()


def test_a_corrected_reading_is_replaced_in_the_series(
    qtbot: QtBot, chart: ChartPanel, devices: list[int], db: Database
) -> None:
    loaded(qtbot, chart, devices[:1])
    (wrong,) = (r for r in list_readings(db, devices[0]) if r.value == 5.2)
    correct_reading(db, wrong.id, value=3.9, reason="typed wrong")
    chart.refresh()
    qtbot.waitUntil(lambda: 3.9 in chart.series[0].values)
    assert 5.2 not in chart.series[0].values and chart.point_count() == len(GAUGE_VALUES)


def test_the_visible_range_is_signalled_once_it_settles(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    loaded(qtbot, chart, devices[:1])
    with qtbot.waitSignal(chart.range_changed, timeout=2000) as signal:
        chart.time_range.preset_buttons["24 h"].click()
    start_ms, end_ms = signal.args[0]
    start, end = chart.visible_range_s()
    assert start_ms == int(start * 1000) and end_ms == int(end * 1000) + 1


def test_empty_states_say_what_to_do(
    qtbot: QtBot, chart: ChartPanel, devices: list[int], db: Database
) -> None:
    assert chart.message.text() == NO_DEVICE and not chart.plot_widget.isVisible()
    quiet = create_device(db, DeviceFields(name="Quiet", default_unit="bar"))
    loaded(qtbot, chart, [quiet.id])
    assert chart.message.isVisible() and chart.message.text() == NO_READINGS
    old = create_device(db, DeviceFields(name="Old", default_unit="bar"))
    add_reading(db, NewReading(old.id, 1.0, NOW - timedelta(days=3)))
    loaded(qtbot, chart, [old.id])
    chart.time_range.preset_buttons["24 h"].click()
    qtbot.waitUntil(lambda: chart.message.text() == NONE_IN_RANGE and chart.message.isVisible())
    assert chart.plot_widget.isVisible()  # still there: another preset brings the data back
    chart.time_range.preset_buttons["7 d"].click()
    qtbot.waitUntil(lambda: not chart.message.isVisible())
    chart.show_devices([])
    assert chart.message.text() == NO_DEVICE and not chart.plot_widget.isVisible()


def test_many_devices_are_drawn_a_few_at_a_time_and_a_new_choice_starts_over(
    qtbot: QtBot, chart: ChartPanel
) -> None:
    """Drawing 40 long series happens over several event-loop turns (the window answers in
    between); until the last is in, the plot is hidden and the chart says how far it is, then
    it shows every one. Choosing others meanwhile draws only the new choice."""
    many = [long_series(n) for n in range(40)]

    def drawing() -> bool:  # read anew each time (mypy would narrow the property)
        return chart.drawing

    chart.set_series_data(many)
    assert drawing() and chart.message.text() == "Drawing 40 devices…"
    assert not chart.plot_widget.isVisible()
    qtbot.waitUntil(lambda: len(chart.traces) > 0)
    assert drawing() and len(chart.traces) < 40
    assert chart.message.isVisible() and chart.message.text().startswith("Drawing ")
    assert f"{len(chart.traces)} of 40 devices" in chart.message.text()
    assert not chart.plot_widget.isVisible()  # a part of the chart is never shown as all of it
    chart.set_series_data(many[3:6])  # few: drawn in the turn that asks
    assert [s.device_id for s in chart.series] == [3, 4, 5] and not drawing()
    assert chart.plot_widget.isVisible()
    chart.set_series_data(many)
    qtbot.waitUntil(lambda: not drawing(), timeout=10_000)
    assert [s.device_id for s in chart.series] == list(range(40))
    assert not chart.message.isVisible() and chart.plot_widget.isVisible()
    assert chart.units() == ["V", "A", "bar", "°C"]  # every axis, each with its limits
    assert all(bands(chart, axis.view).limits for axis in chart.axes)
    low, high = y_range(chart)
    assert low <= -0.5 and high >= 0.5  # the values fitted once all were in


def test_the_first_paint_of_many_devices_finds_every_axis_drawn(
    qtbot: QtBot, chart: ChartPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drawn out of sight, the axes' ticks and labels are ready (and the plot laid out for
    them) before the chart is shown: its first paint computes no axis again (T9)."""
    computed: list[str] = []
    real = pg.AxisItem.generateDrawSpecs

    def counting(axis: pg.AxisItem, painter: QPainter) -> object:
        computed.append(axis.orientation)
        return real(axis, painter)

    chart.set_series_data([long_series(n) for n in range(40)])
    qtbot.waitUntil(lambda: not chart.drawing, timeout=10_000)
    monkeypatch.setattr(pg.AxisItem, "generateDrawSpecs", counting)
    chart.plot_widget.grab()  # the first paint
    assert computed == []
    assert len(list(chart.axes)) == 4


@pytest.mark.slow
def test_self_test_exits_0_and_writes_a_png(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = subprocess.run(
        [sys.executable, "-m", "gui", "--self-test", "--screenshot", str(shot)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO_ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "self-test: OK" in done.stdout
    assert shot.stat().st_size > 10_000 and not QImage(str(shot)).isNull()


def test_a_failed_load_says_so_unless_a_newer_load_was_asked_for(
    qtbot: QtBot, chart: ChartPanel, devices: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load that fails shows why; one that fails after the devices changed says nothing
    over the newer chart."""

    def broken(_db: Database, _ids: list[int]) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(reading_operations, "chart_series", broken)
    chart.show_devices(devices[:1])
    qtbot.waitUntil(lambda: not chart._ops.busy)
    assert chart.message.text() == "Could not load the readings: disk gone"
    chart.show_devices(devices[:1])
    chart.show_devices([])  # before the load's failure comes back
    qtbot.waitUntil(lambda: not chart._ops.busy)
    assert chart.message.text() == NO_DEVICE

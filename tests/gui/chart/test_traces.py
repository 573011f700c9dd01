"""Each device's curve: its colour, downsampling and clipping, pens for the screen."""

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from core.chart_data import ChartSeries
from gui.chart.curve import DRAWN_WHOLE
from gui.chart.panel import ChartPanel
from gui.chart.traces import COLORS, device_colors
from tests.gui.chart.chart_support import bands, loaded


def test_a_device_keeps_its_colour_whatever_else_is_selected(qtbot, chart, devices) -> None:
    loaded(qtbot, chart, devices)
    first = {i: chart.color_of(i) for i in devices}
    loaded(qtbot, chart, devices[1:])
    assert {i: chart.color_of(i) for i in devices[1:]} == {i: first[i] for i in devices[1:]}
    assert len(set(COLORS)) >= 12
    twelve = device_colors(list(range(100, 112)))
    assert len(set(twelve.values())) == 12  # twelve devices at once: twelve colours
    assert device_colors([5, 17]) == {5: COLORS[5], 17: COLORS[6]}  # 17 would clash with 5


def test_a_million_points_are_downsampled_and_clipped(qtbot: QtBot, chart: ChartPanel) -> None:
    """A few points a pixel are drawn, cut to the time in view and reaching both its edges;
    each keeps its bucket's highest and lowest value (peak), so that no spike is lost."""
    times = 1.7e9 + np.arange(1_000_000, dtype=np.float64) * 30
    values = np.sin(np.arange(1_000_000) / 500.0)
    values[404_321] = 7.0
    chart.set_series_data(
        [ChartSeries(1, "Logger", None, "V", None, None, times, values, np.arange(1_000_000))]
    )
    curve = chart.traces[0].curve
    qtbot.waitUntil(lambda: 0 < len(curve.getData()[0]) < 30_000)
    assert curve.getData()[1].max() == 7.0 and curve.getData()[1].min() == values.min()
    chart.plot.setXRange(times[400_000], times[410_000], padding=0)
    qtbot.waitUntil(lambda: len(curve.getData()[0]) < 30_000)
    x, y = curve.getData()
    assert x[0] < times[400_000] and times[410_000] < x[-1]
    assert times[300_000] < x[0] and x[-1] < times[500_000]
    assert y.max() == 7.0 and y.min() == pytest.approx(values[400_000:410_001].min(), abs=1e-3)
    assert chart.point_count() == 1_000_000


def test_a_short_series_is_drawn_whole_and_a_gap_breaks_the_line(qtbot, chart) -> None:
    """Up to ``DRAWN_WHOLE`` points are never cut (a zoom then costs nothing); a value that is
    not a number leaves a gap rather than joining its neighbours."""
    times = 1.7e9 + np.arange(DRAWN_WHOLE, dtype=np.float64) * 60
    values = np.cos(np.arange(DRAWN_WHOLE) / 40.0)
    values[10] = np.nan
    chart.set_series_data(
        [ChartSeries(1, "Logger", None, "V", None, None, times, values, np.arange(DRAWN_WHOLE))]
    )
    curve = chart.traces[0].curve
    chart.plot.setXRange(times[100], times[200], padding=0)
    x, _ = curve.getData()
    assert len(x) == DRAWN_WHOLE
    path = curve._path
    points = [path.elementAt(i) for i in range(path.elementCount())]
    assert all(np.isfinite([p.x, p.y]).all() for p in points)
    assert [i for i, p in enumerate(points) if p.isMoveTo()] == [0, 11]  # on again after it


def test_pens_scale_with_the_screens_device_pixel_ratio(qtbot, chart, devices, monkeypatch) -> None:
    """A cosmetic pen's width is in device pixels: on a 2× screen an unscaled line is half as
    thick as the text beside it. (The offscreen screen is 1×, so the ratio is stood in for.)"""
    loaded(qtbot, chart, devices[:1])
    assert chart.traces[0].curve.pen.widthF() == 1.0
    monkeypatch.setattr(chart, "devicePixelRatioF", lambda: 2.0)
    loaded(qtbot, chart, devices[1:2])
    loaded(qtbot, chart, devices[:1])
    trace = chart.traces[0]
    assert trace.curve.pen.widthF() == 2.0
    assert trace.markers._pen.widthF() == 14.0
    assert bands(chart, trace.view)._scale == 2.0

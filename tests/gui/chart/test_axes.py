"""One value axis per unit, each fitting what is visible."""

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from core.chart_data import ChartSeries
from core.db import Database
from core.devices import DeviceFields, create_device
from core.readings import NewReading, add_reading
from gui.chart.panel import ChartPanel
from tests.gui.chart.chart_support import NOW, bands, loaded, wheel, y_range


def test_several_devices_get_one_axis_per_unit(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    loaded(qtbot, chart, devices)
    assert chart.units() == ["bar", "°C"]
    gauge, probe, spare = chart.traces
    assert gauge.view is spare.view is chart.plot.getViewBox() and probe.view is not gauge.view
    extra = [
        axis
        for axis in _layout_items(chart)
        if getattr(axis, "orientation", "") == "right" and axis.isVisible()
    ]
    assert [axis.labelText for axis in extra] == ["°C"]
    qtbot.waitUntil(lambda: y_range(chart, 1)[0] <= 20.0 and y_range(chart, 1)[1] >= 23.0)
    assert chart.legend.entries() == ["Gauge (bar)", "Probe (°C)", "Spare (bar)"]
    assert chart.legend.isVisible() and not chart.legend.geometry().intersects(
        chart.plot_widget.geometry()
    )  # above the plot: it never covers the data or a tooltip
    assert [lim.name for lim in bands(chart, gauge.view).limits] == ["Gauge"]  # Spare has none
    loaded(qtbot, chart, devices[:1])
    assert chart.units() == ["bar"]
    assert not [item for item in _layout_items(chart) if item in extra]


def _layout_items(chart: ChartPanel) -> list[Any]:
    layout = chart.plot.layout
    return [layout.itemAt(i) for i in range(layout.count())]


def test_the_wheel_zooms_time_and_values_follow_what_is_visible(
    qtbot: QtBot, chart: ChartPanel, db: Database
) -> None:
    """Two devices in two units: zoomed in or out, every curve's visible points are in view,
    with the limit band, and the value axis is no wider than they need."""
    ids = []
    for name, unit, scale, limits in (("Wave", "bar", 1.0, (-0.5, 0.5)), ("Tide", "m", 40.0, None)):
        fields = DeviceFields(name=name, default_unit=unit, low_limit=limits and limits[0],
                              high_limit=limits and limits[1])  # fmt: skip
        device = create_device(db, fields)
        for n in range(200):
            value = scale * float(np.sin(n / 9.0))
            add_reading(db, NewReading(device.id, value, NOW - timedelta(minutes=5 * (200 - n))))
        ids.append(device.id)
    loaded(qtbot, chart, ids)
    qtbot.waitUntil(lambda: chart.traces[0].view.width() > 100)
    for notches, out in ((4, False), (8, True)):
        for _ in range(notches):
            wheel(chart, out=out)
        qtbot.wait(30)
        start, end = chart.visible_range_s()
        for trace in chart.traces:
            low, high = trace.view.viewRange()[1]
            one = trace.series
            shown = list(one.values[one.visible(start, end)])
            shown += [v for v in (one.low, one.high) if v is not None]
            assert low <= min(shown) and max(shown) <= high
            assert high - low <= 1.5 * (max(shown) - min(shown))


def test_a_time_range_set_anywhere_refits_the_values_before_the_paint(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    """A range set in code (as T4 and the presets do) is fitted at once, in the same turn,
    with pyqtgraph's margin: no auto-range is left to run at paint time, where it re-ran for
    two or three paints."""
    loaded(qtbot, chart, devices)
    gauge = chart.traces[0]
    assert not any(axis.view.autoRangeEnabled()[1] for axis in chart.axes)
    first = gauge.series.times_s[0]
    chart.plot.setXRange(first - 60, gauge.series.times_s[2] + 60, padding=0)
    low, high = y_range(chart)  # no wait: fitted before this line
    shown = [*gauge.series.values[:3], 2.0, 4.0]  # and its limits (the spare's is later)
    margin = (max(shown) - min(shown)) * gauge.view.suggestPadding(1)
    assert (low, high) == pytest.approx((min(shown) - margin, max(shown) + margin))


def test_the_plot_is_laid_out_for_the_labels_before_its_first_paint(
    qtbot: QtBot, chart: ChartPanel
) -> None:
    """An axis learns how wide its labels are when it draws them; the chart has each draw
    them, and lays the plot out for them, in the turn that shows the data or zooms, so that
    one that needs more room does not cost a second layout and paint of the whole chart."""
    times = 1.7e9 + np.arange(100, dtype=np.float64) * 60
    wide = 100_000 + np.sin(np.arange(100) / 9.0) / 1000
    chart.set_series_data([ChartSeries(1, "Small", None, "V", None, None, times,
                                       np.sin(np.arange(100) / 9.0), np.arange(100)),
                           ChartSeries(2, "Big", None, "Pa", None, None, times, wide,
                                       np.arange(100))])  # fmt: skip
    axis = next(a for a in chart.axes if a.unit == "Pa").axis
    assert axis.geometry().width() == axis.maximumWidth() > 60  # laid out for "100000.0005"
    wheel(chart)  # the labels keep their width: each axis drew them for the new range
    assert all(a.axis.picture is not None for a in chart.axes)
    assert axis.geometry().width() == axis.maximumWidth()

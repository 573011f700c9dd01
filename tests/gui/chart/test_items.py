"""The chart's own items: out-of-limit markers, limit bands kept in sight, grid lines."""

from datetime import timedelta

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QTransform
from pytestqt.qtbot import QtBot

from core.chart_data import ChartSeries
from core.db import Database
from core.devices import DeviceFields, create_device
from core.readings import LimitFlag, NewReading, add_reading, list_readings
from gui.chart.items import LimitBands, Limits, _distinct_bands, _distinct_lines, _major_ticks
from gui.chart.panel import ChartPanel
from gui.ops import Ops
from tests.gui.chart.chart_support import NOW, bands, loaded, y_range


def test_limits_are_drawn_and_kept_in_the_auto_range(
    qtbot: QtBot, chart: ChartPanel, db: Database
) -> None:
    calm = create_device(
        db, DeviceFields(name="Calm", default_unit="bar", low_limit=1.0, high_limit=9.0)
    )
    for hours, value in enumerate([4.0, 4.5, 5.0]):
        add_reading(db, NewReading(calm.id, value, NOW - timedelta(hours=hours + 1)))
    loaded(qtbot, chart, [calm.id])
    (limits,) = bands(chart, chart.traces[0].view).limits
    assert (limits.low, limits.high, limits.unit) == (1.0, 9.0, "bar")
    qtbot.waitUntil(lambda: y_range(chart)[0] <= 1.0 and y_range(chart)[1] >= 9.0)


def test_only_the_out_of_limit_points_are_marked(
    qtbot: QtBot, chart: ChartPanel, devices: list[int], db: Database
) -> None:
    loaded(qtbot, chart, devices[:1])
    flagged = [r for r in list_readings(db, devices[0]) if r.flag is not LimitFlag.WITHIN]
    markers = chart.traces[0].markers
    assert markers.flagged_count == len(flagged) == 2
    qtbot.waitUntil(lambda: len(markers.getData()[1]) == 2)
    assert sorted(markers.getData()[1]) == sorted(r.value for r in flagged)


def test_crowded_markers_are_thinned_but_none_is_lost_from_view(
    qtbot: QtBot, ops: Ops, chart: ChartPanel
) -> None:
    times = 1.7e9 + np.arange(200_000, dtype=np.float64) * 60
    values = np.where(np.arange(200_000) % 10 == 0, 9.0, 3.0)
    chart.set_series_data(
        [ChartSeries(1, "Logger", None, "bar", 2.0, 4.0, times, values, np.arange(200_000))]
    )
    markers = chart.traces[0].markers
    assert markers.flagged_count == 20_000
    qtbot.waitUntil(lambda: 0 < len(markers.getData()[0]) <= chart.plot_widget.width())
    start = times[100_000]
    chart.plot.setXRange(start, start + 3600, padding=0)
    qtbot.waitUntil(lambda: len(markers.getData()[0]) == 7)  # one every 10 minutes, ends too


def test_the_chart_has_grid_lines_at_the_major_ticks(qtbot, chart, devices) -> None:
    loaded(qtbot, chart, devices[:1])
    qtbot.waitUntil(lambda: chart.traces[0].view.width() > 100)
    assert chart.grid.getViewBox() is chart.plot.getViewBox()
    (start, end), (low, high) = chart.plot.getViewBox().viewRange()
    box = chart.plot.getViewBox()
    times, values = chart.grid._ticks
    assert values == _major_ticks(chart.plot.getAxis("left"), low, high, box.height())
    assert times == _major_ticks(chart.plot.getAxis("bottom"), start, end, box.width())
    assert len(times) >= 2 and all(start <= t <= end for t in times)
    left = chart.plot.getAxis("left")
    values = _major_ticks(left, low, high, chart.plot.getViewBox().height())
    assert len(values) >= 2 and all(low <= v <= high for v in values)
    assert set(values) <= {float(v) for _s, level in left.tickValues(low, high, 300) for v in level}
    assert _major_ticks(left, low, high, 0) == []


def test_equal_limits_of_several_devices_are_one_line(chart) -> None:
    blue, red = QColor("#1f77b4"), QColor("#e53935")
    same = [Limits("A", "bar", 1.0, 5.0, blue), Limits("B", "bar", 1.0, 5.0, red),
            Limits("C", "bar", None, 6.0, red)]  # fmt: skip
    assert list(_distinct_lines(same)) == [("low", 1.0), ("high", 5.0), ("high", 6.0)]
    assert _distinct_lines(same)[("low", 1.0)].color == blue  # the first device's colour
    assert [(b.low, b.high) for b in _distinct_bands(same)] == [(1.0, 5.0)]


def test_a_band_is_tinted_on_every_row_between_its_limits_and_nowhere_else(chart) -> None:
    """The band is filled in strips (Qt threads a tall fill): no row is left out between two
    strips, none beyond the limits is tinted, and its colour is the device's, faint."""
    band = LimitBands()
    band.set_limits([Limits("A", "bar", 2.0, 4.0, QColor("#1f77b4"))], labelled=False)
    image = QImage(200, 300, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setTransform(QTransform(1, 0, 0, -50, 0, 300))  # value v at row 300 - 50 v
    band._paint_band(painter, QRectF(0, 0, 200, 6), band.limits[0])
    painter.end()
    tinted = [y for y in range(300) if image.pixelColor(100, y) != QColor("white")]
    assert tinted == list(range(100, 200))  # the values 4 down to 2, no gap
    assert all(image.pixelColor(x, 150) == image.pixelColor(100, 150) for x in range(200))
    assert image.pixelColor(100, 150).blue() > image.pixelColor(100, 150).red()

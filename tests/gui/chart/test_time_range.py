"""The time range: local time, presets relative to now, the zoom, Reset zoom."""

import time
from datetime import UTC, datetime

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from core.chart_data import ChartSeries
from core.readings import NewReading, add_reading
from gui.chart.panel import ChartPanel
from tests.gui.chart.chart_support import loaded, wheel, y_range


def test_the_time_axis_shows_local_time(qtbot: QtBot, chart: ChartPanel, kolkata: None) -> None:
    axis = chart.plot.getAxis("bottom")
    start = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
    chart.set_series_data(
        [
            ChartSeries(
                1,
                "Logger",
                None,
                "V",
                None,
                None,
                np.array([start, start + 6 * 3600]),
                np.array([1.0, 2.0]),
                np.array([1, 2]),
            )
        ]
    )
    chart.grab()
    (_, days), (hour_spacing, hours) = axis.tickValues(start, start + 6 * 3600, 800)
    assert [(v + 5.5 * 3600) % 86_400 for v in days] == [0]  # midnight in India, not in UTC
    strings = axis.tickStrings(hours, 1.0, hour_spacing)
    assert strings == [datetime.fromtimestamp(v).strftime("%H:%M") for v in hours]
    assert strings[0] != datetime.fromtimestamp(hours[0], UTC).strftime("%H:%M")


def test_presets_set_the_range_relative_to_now(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    loaded(qtbot, chart, devices[:1])
    for label, seconds in (("24 h", 86_400), ("7 d", 7 * 86_400), ("1 y", 365 * 86_400)):
        chart.time_range.preset_buttons[label].click()
        start, end = chart.visible_range_s()
        assert abs((end - start) - seconds) < 1 and abs(end - time.time()) < 60
    chart.time_range.preset_buttons["All"].click()
    start, end = chart.visible_range_s()
    first, last = chart.series[0].times_s[[0, -1]]
    assert start < first and last < end and end - start < 86_400


def test_a_preset_stays_when_devices_change_and_a_zoom_stays_on_refresh(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    loaded(qtbot, chart, devices[:1])
    chart.time_range.preset_buttons["7 d"].click()
    loaded(qtbot, chart, devices[1:2])
    assert chart.time_range.preset() == "7 d" and chart.time_range.preset_buttons["7 d"].isChecked()
    start, end = chart.visible_range_s()
    assert abs((end - start) - 7 * 86_400) < 1
    wheel(chart)
    assert (
        chart.time_range.preset() is None and chart.time_range.preset_group.checkedButton() is None
    )
    zoomed = chart.visible_range_s()
    assert zoomed[1] - zoomed[0] < 7 * 86_400
    chart.refresh()
    qtbot.wait(50)
    qtbot.waitUntil(lambda: not chart._ops.busy)
    assert chart.visible_range_s() == pytest.approx(zoomed)


def test_reset_zoom_returns_to_the_preset(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    loaded(qtbot, chart, devices[:1])
    chart.time_range.preset_buttons["7 d"].click()
    week = chart.visible_range_s()
    assert not chart.time_range.reset_button.isEnabled()
    wheel(chart)
    assert chart.time_range.preset() is None and chart.time_range.reset_button.isEnabled()
    chart.time_range.reset_button.click()
    assert chart.time_range.preset() == "7 d" and chart.visible_range_s() == pytest.approx(
        week, abs=5
    )
    wheel(chart)
    chart.reset_action.trigger()  # Ctrl+0
    assert chart.time_range.preset() == "7 d"


def test_a_new_reading_is_brought_into_view(qtbot, chart, devices, db) -> None:
    """An out-of-limit value saved now is on the chart, whatever range the user zoomed to."""
    loaded(qtbot, chart, devices[:1])
    wheel(chart)  # zoomed in on the middle of the readings: "now" is off to the right
    assert chart.visible_range_s()[1] < datetime.now(UTC).timestamp()
    made = add_reading(db, NewReading(devices[0], 40.0, datetime.now(UTC)))
    chart.refresh(reveal=made.recorded_at.timestamp())
    qtbot.waitUntil(lambda: 40.0 in chart.series[0].values)
    qtbot.wait(20)
    start, end = chart.visible_range_s()
    assert start <= made.recorded_at.timestamp() <= end
    low, high = y_range(chart)
    assert low <= 40.0 <= high

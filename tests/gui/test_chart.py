"""The chart shows what the database holds, keeps limits in sight, follows presets, exports."""

import csv
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.chart_data import ChartSeries
from core.db import Database
from core.devices import DeviceFields, create_device
from core.readings import LimitFlag, NewReading, add_reading, correct_reading, list_readings
from gui.chart import NO_DEVICE, NO_READINGS, NONE_IN_RANGE, ChartPanel
from gui.ops import Ops
from tests.core.launch_support import REPO_ROOT

NOW = datetime.now(UTC).replace(microsecond=0)
GAUGE_VALUES = [3.0, 3.5, 5.2, 2.8, 1.1, 3.3]  # hourly, the last one an hour ago


@pytest.fixture
def devices(db: Database) -> list[int]:
    """A gauge in bar with limits (two readings outside), a probe in °C, a second bar gauge."""
    gauge = create_device(
        db, DeviceFields(name="Gauge", default_unit="bar", low_limit=2.0, high_limit=4.0)
    )
    probe = create_device(db, DeviceFields(name="Probe", default_unit="°C"))
    spare = create_device(db, DeviceFields(name="Spare", default_unit="bar"))
    for hours, value in enumerate(GAUGE_VALUES):
        moment = NOW - timedelta(hours=len(GAUGE_VALUES) - hours)
        add_reading(db, NewReading(gauge.id, value, moment, operator="Ana", note=f"round {hours}"))
    for hours in range(4):
        add_reading(db, NewReading(probe.id, 20.0 + hours, NOW - timedelta(hours=hours + 1)))
    add_reading(db, NewReading(spare.id, 3.2, NOW - timedelta(hours=2)))
    return [gauge.id, probe.id, spare.id]


@pytest.fixture
def chart(qtbot: QtBot, ops: Ops, db: Database) -> ChartPanel:
    panel = ChartPanel(ops)
    qtbot.addWidget(panel)
    panel.resize(900, 450)
    panel.show()
    panel.set_database(db)
    return panel


def loaded(qtbot: QtBot, chart: ChartPanel, ids: list[int]) -> None:
    chart.show_devices(ids)
    qtbot.waitUntil(lambda: [s.device_id for s in chart.series] == ids)


def y_range(chart: ChartPanel, trace: int = 0) -> tuple[float, float]:
    _, (low, high) = chart.traces[trace].view.viewRange()
    return low, high


def test_the_chart_shows_the_saved_readings(
    qtbot: QtBot, chart: ChartPanel, devices: list[int], db: Database
) -> None:
    loaded(qtbot, chart, devices[:1])
    saved = list_readings(db, devices[0], newest_first=False, limit=None)
    x, y = chart.traces[0].curve.getOriginalDataset()
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
    correct_reading(db, wrong.id, value=3.9)
    chart.refresh()
    qtbot.waitUntil(lambda: 3.9 in chart.series[0].values)
    assert 5.2 not in chart.series[0].values and chart.point_count() == len(GAUGE_VALUES)


def test_limits_are_drawn_and_kept_in_the_auto_range(
    qtbot: QtBot, chart: ChartPanel, db: Database
) -> None:
    calm = create_device(
        db, DeviceFields(name="Calm", default_unit="bar", low_limit=1.0, high_limit=9.0)
    )
    for hours, value in enumerate([4.0, 4.5, 5.0]):
        add_reading(db, NewReading(calm.id, value, NOW - timedelta(hours=hours + 1)))
    loaded(qtbot, chart, [calm.id])
    (limits,) = _bands(chart, chart.traces[0].view).limits
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
    assert chart.legend_entries() == ["Gauge (bar)", "Probe (°C)", "Spare (bar)"]
    assert chart.legend.isVisible() and not chart.legend.geometry().intersects(
        chart.plot_widget.geometry()
    )  # above the plot: it never covers the data or a tooltip
    assert [lim.name for lim in _bands(chart, gauge.view).limits] == ["Gauge"]  # Spare has none
    loaded(qtbot, chart, devices[:1])
    assert chart.units() == ["bar"]
    assert not [item for item in _layout_items(chart) if item in extra]


def _bands(chart: ChartPanel, view: Any) -> Any:
    from gui.chart_items import LimitBands

    (found,) = [item for item in view.addedItems if isinstance(item, LimitBands)]
    return found


def _layout_items(chart: ChartPanel) -> list[Any]:
    layout = chart.plot.layout
    return [layout.itemAt(i) for i in range(layout.count())]


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
        chart.preset_buttons[label].click()
        start, end = chart.visible_range_s()
        assert abs((end - start) - seconds) < 1 and abs(end - time.time()) < 60
    chart.preset_buttons["All"].click()
    start, end = chart.visible_range_s()
    first, last = chart.series[0].times_s[[0, -1]]
    assert start < first and last < end and end - start < 86_400


def test_a_preset_stays_when_devices_change_and_a_zoom_stays_on_refresh(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    loaded(qtbot, chart, devices[:1])
    chart.preset_buttons["7 d"].click()
    loaded(qtbot, chart, devices[1:2])
    assert chart.preset() == "7 d" and chart.preset_buttons["7 d"].isChecked()
    start, end = chart.visible_range_s()
    assert abs((end - start) - 7 * 86_400) < 1
    _wheel(chart)
    assert chart.preset() is None and chart.preset_group.checkedButton() is None
    zoomed = chart.visible_range_s()
    assert zoomed[1] - zoomed[0] < 7 * 86_400
    chart.refresh()
    qtbot.wait(50)
    qtbot.waitUntil(lambda: not chart._ops.busy)
    assert chart.visible_range_s() == pytest.approx(zoomed)


def _wheel(chart: ChartPanel, *, out: bool = False) -> None:
    """Turn the mouse wheel over the middle of the plot, as a user zooming in (or out)."""
    viewport = chart.plot_widget.viewport()
    middle = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(
        middle,
        viewport.mapToGlobal(middle),
        QPoint(),
        QPoint(0, -120 if out else 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def test_the_visible_range_is_signalled_once_it_settles(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    loaded(qtbot, chart, devices[:1])
    with qtbot.waitSignal(chart.range_changed, timeout=2000) as signal:
        chart.preset_buttons["24 h"].click()
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
    chart.preset_buttons["24 h"].click()
    qtbot.waitUntil(lambda: chart.message.text() == NONE_IN_RANGE and chart.message.isVisible())
    assert chart.plot_widget.isVisible()  # still there: another preset brings the data back
    chart.preset_buttons["7 d"].click()
    qtbot.waitUntil(lambda: not chart.message.isVisible())
    chart.show_devices([])
    assert chart.message.text() == NO_DEVICE and not chart.plot_widget.isVisible()


def test_hovering_shows_the_point_then_its_operator_and_note(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    loaded(qtbot, chart, devices[:1])
    qtbot.waitUntil(lambda: chart.traces[0].view.width() > 100)
    one = chart.series[0]
    view = chart.traces[0].view
    at = view.mapViewToScene(QPointF(one.times_s[2], one.values[2]))
    chart.plot.scene().sigMouseMoved.emit(at)
    shown = chart.hover_text()
    local = datetime.fromtimestamp(one.times_s[2], UTC).astimezone()
    assert "Gauge" in shown and "5.2 bar" in shown and "▲ above 4" in shown
    assert local.isoformat(sep=" ", timespec="seconds") in shown
    qtbot.waitUntil(lambda: "by Ana" in chart.hover_text() and "round 2" in chart.hover_text())
    chart.plot.scene().sigMouseMoved.emit(QPointF(at.x(), at.y() + 200))
    assert chart.hover_text() == ""


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (None, None, ["9 bar", "-9 bar"]),
        (0.0, None, ["9 bar", "-9 bar  ▼ below 0"]),
        (None, 5.0, ["9 bar  ▲ above 5", "-9 bar"]),
        (0.0, 5.0, ["9 bar  ▲ above 5", "-9 bar  ▼ below 0"]),
    ],
)
def test_hovering_works_with_any_limits_a_device_has(qtbot, chart, db, low, high,
                                                     expected) -> None:  # fmt: skip
    """Devices made by an import have no limits; some have only one."""
    gauge = create_device(db, DeviceFields(name="G", default_unit="bar", low_limit=low,
                                           high_limit=high))  # fmt: skip
    for hours, value in ((3, 9.0), (2, 1.0), (1, -9.0)):
        add_reading(db, NewReading(gauge.id, value, NOW - timedelta(hours=hours)))
    loaded(qtbot, chart, [gauge.id])
    qtbot.waitUntil(lambda: chart.traces[0].view.width() > 100)
    one, view = chart.series[0], chart.traces[0].view
    shown = []
    for index in (0, 2):
        at = view.mapViewToScene(QPointF(one.times_s[index], one.values[index]))
        chart.plot.scene().sigMouseMoved.emit(at)
        shown.append(chart.hover_text().splitlines()[2])
    assert shown == expected


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
            _wheel(chart, out=out)
        qtbot.wait(30)
        start, end = chart.visible_range_s()
        for trace in chart.traces:
            low, high = trace.view.viewRange()[1]
            one = trace.series
            shown = list(one.values[one.visible(start, end)])
            shown += [v for v in (one.low, one.high) if v is not None]
            assert low <= min(shown) and max(shown) <= high
            assert high - low <= 1.5 * (max(shown) - min(shown))


def test_reset_zoom_returns_to_the_preset(
    qtbot: QtBot, chart: ChartPanel, devices: list[int]
) -> None:
    loaded(qtbot, chart, devices[:1])
    chart.preset_buttons["7 d"].click()
    week = chart.visible_range_s()
    assert not chart.reset_button.isEnabled()
    _wheel(chart)
    assert chart.preset() is None and chart.reset_button.isEnabled()
    chart.reset_button.click()
    assert chart.preset() == "7 d" and chart.visible_range_s() == pytest.approx(week, abs=5)
    _wheel(chart)
    chart.reset_action.trigger()  # Ctrl+0
    assert chart.preset() == "7 d"


def test_a_new_reading_is_brought_into_view(qtbot, chart, devices, db) -> None:
    """An out-of-limit value saved now is on the chart, whatever range the user zoomed to."""
    loaded(qtbot, chart, devices[:1])
    _wheel(chart)  # zoomed in on the middle of the readings: "now" is off to the right
    assert chart.visible_range_s()[1] < datetime.now(UTC).timestamp()
    made = add_reading(db, NewReading(devices[0], 40.0, datetime.now(UTC)))
    chart.refresh(reveal=made.recorded_at.timestamp())
    qtbot.waitUntil(lambda: 40.0 in chart.series[0].values)
    qtbot.wait(20)
    start, end = chart.visible_range_s()
    assert start <= made.recorded_at.timestamp() <= end
    low, high = y_range(chart)
    assert low <= 40.0 <= high


def test_a_million_points_are_downsampled_and_clipped(qtbot: QtBot, chart: ChartPanel) -> None:
    times = 1.7e9 + np.arange(1_000_000, dtype=np.float64) * 30
    values = np.sin(np.arange(1_000_000) / 500.0)
    chart.set_series_data(
        [ChartSeries(1, "Logger", None, "V", None, None, times, values, np.arange(1_000_000))]
    )
    curve = chart.traces[0].curve
    assert curve.opts["autoDownsample"] and curve.opts["clipToView"]
    assert curve.opts["downsampleMethod"] == "peak"
    chart.plot.setXRange(times[400_000], times[410_000], padding=0)
    qtbot.waitUntil(lambda: len(curve.getData()[0]) < 30_000)
    assert chart.point_count() == 1_000_000


def test_export_png_writes_a_chart_image(
    qtbot: QtBot, chart: ChartPanel, devices: list[int], tmp_path: Path
) -> None:
    loaded(qtbot, chart, devices)
    folder = tmp_path / "export"
    folder.mkdir()
    path = folder / "chart.png"
    chart.export_png(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(path))
    assert not image.isNull() and image.width() == chart.plot_widget.width()
    assert [p.name for p in folder.iterdir()] == ["chart.png"]


def test_export_csv_writes_exactly_the_visible_points(
    qtbot: QtBot, chart: ChartPanel, devices: list[int], tmp_path: Path
) -> None:
    loaded(qtbot, chart, devices[:1])
    start, end = (NOW - timedelta(hours=h, minutes=30) for h in (5, 2))
    chart.plot.setXRange(start.timestamp(), end.timestamp(), padding=0)
    folder = tmp_path / "export"
    folder.mkdir()
    path = folder / "visible.csv"
    with qtbot.waitSignal(chart.exported) as done:
        chart.export_visible_csv(path)
    assert done.args[0].readings == 3
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [float(r["value"]) for r in rows] == GAUGE_VALUES[1:4]
    assert [r["limit"] for r in rows] == ["", "above", ""]
    assert {r["device"] for r in rows} == {"Gauge"} and {r["unit"] for r in rows} == {"bar"}
    assert [r["operator"] for r in rows] == ["Ana"] * 3
    first = datetime.fromisoformat(rows[0]["time"])
    assert first.utcoffset() is not None and first == NOW - timedelta(hours=5)
    assert [p.name for p in folder.iterdir()] == ["visible.csv"]  # no temporary left


def test_the_chart_csv_is_formula_safe_and_imports_back(qtbot, chart, db, tmp_path) -> None:
    """One writer for every export: the chart's CSV is File → Export's, so it re-imports."""
    from core.importing.formats import ImportOptions, open_import
    from core.importing.service import import_parsed
    from core.launch import open_database
    from core.readings import count_readings

    hostile = '=HYPERLINK("http://example.invalid","x")'
    made = create_device(db, DeviceFields(name=hostile, default_unit="bar"))
    for hours, value in ((3, 1.5), (2, 2.5), (1, 3.5)):
        add_reading(db, NewReading(made.id, value, NOW - timedelta(hours=hours)))
    loaded(qtbot, chart, [made.id])
    path = tmp_path / "chart.csv"
    with qtbot.waitSignal(chart.exported):
        chart.export_visible_csv(path)
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and "\n=HYPERLINK" not in text
    other = open_database(tmp_path / "other.db").database
    try:
        report = import_parsed(other, open_import(path, ImportOptions()), create_devices=True)
        assert report.accepted == 3 and report.devices_created == [hostile]
        assert count_readings(other) == 3
        again = import_parsed(other, open_import(path, ImportOptions()), create_devices=True)
        assert again.accepted == 0 and count_readings(other) == 3
    finally:
        other.close()


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


def test_a_device_keeps_its_colour_whatever_else_is_selected(qtbot, chart, devices) -> None:
    from gui.chart import COLORS, device_colors

    loaded(qtbot, chart, devices)
    first = {i: chart.color_of(i) for i in devices}
    loaded(qtbot, chart, devices[1:])
    assert {i: chart.color_of(i) for i in devices[1:]} == {i: first[i] for i in devices[1:]}
    assert len(set(COLORS)) >= 12
    twelve = device_colors(list(range(100, 112)))
    assert len(set(twelve.values())) == 12  # twelve devices at once: twelve colours
    assert device_colors([5, 17]) == {5: COLORS[5], 17: COLORS[6]}  # 17 would clash with 5


def test_the_chart_has_grid_lines_at_the_major_ticks(qtbot, chart, devices) -> None:
    from gui.chart_items import _major_ticks

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


def test_many_devices_are_drawn_a_few_at_a_time_and_a_new_choice_starts_over(
    qtbot: QtBot, chart: ChartPanel
) -> None:
    """Drawing 40 long series happens over several event-loop turns (the window answers in
    between); choosing others meanwhile draws only the new choice."""
    many = [_long_series(n) for n in range(40)]

    def drawing() -> bool:  # read anew each time (mypy would narrow the property)
        return chart.drawing

    chart.set_series_data(many)
    assert drawing() and chart.message.text() == "Drawing 40 devices…"
    qtbot.waitUntil(lambda: len(chart.traces) > 0)
    assert drawing() and len(chart.traces) < 40
    assert chart.message.isVisible() and chart.message.text().startswith("Drawing ")
    chart.set_series_data(many[3:6])  # few: drawn in the turn that asks
    assert [s.device_id for s in chart.series] == [3, 4, 5] and not drawing()
    chart.set_series_data(many)
    qtbot.waitUntil(lambda: not drawing(), timeout=10_000)
    assert [s.device_id for s in chart.series] == list(range(40))
    assert not chart.message.isVisible()


def _long_series(number: int) -> ChartSeries:
    times = 1.7e9 + np.arange(50_000, dtype=np.float64) * 60
    values = np.sin(np.arange(50_000) / (50.0 + number))
    unit = ("V", "A", "bar", "°C")[number % 4]
    return ChartSeries(number, f"D{number}", None, unit, -0.5, 0.5, times, values,
                       np.arange(50_000))  # fmt: skip


def test_a_crowded_chart_gets_a_one_line_legend_and_unlabelled_limits(qtbot, chart) -> None:
    many = [_long_series(n) for n in range(14)]
    chart.set_series_data(many)
    qtbot.waitUntil(lambda: not chart.drawing, timeout=10_000)
    assert chart.legend.text().startswith("14 devices in 4 units")
    assert chart.legend.toolTip().count("<br>") == 13 and "D13 (A)" in chart.legend.toolTip()
    assert not any(axis.bands._labelled for axis in chart._axes)
    chart.set_series_data(many[:2])
    qtbot.waitUntil(lambda: not chart.drawing)
    assert "D0 (V)" in chart.legend.text() and chart.legend.toolTip() == ""
    assert all(axis.bands._labelled for axis in chart._axes)


def test_equal_limits_of_several_devices_are_one_line(chart) -> None:
    from gui.chart_items import Limits, _distinct_bands, _distinct_lines

    blue, red = QColor("#1f77b4"), QColor("#e53935")
    same = [Limits("A", "bar", 1.0, 5.0, blue), Limits("B", "bar", 1.0, 5.0, red),
            Limits("C", "bar", None, 6.0, red)]  # fmt: skip
    assert list(_distinct_lines(same)) == [("low", 1.0), ("high", 5.0), ("high", 6.0)]
    assert _distinct_lines(same)[("low", 1.0)].color == blue  # the first device's colour
    assert [(b.low, b.high) for b in _distinct_bands(same)] == [(1.0, 5.0)]


def test_pens_scale_with_the_screens_device_pixel_ratio(qtbot, chart, devices, monkeypatch) -> None:
    """A cosmetic pen's width is in device pixels: on a 2× screen an unscaled line is half as
    thick as the text beside it. (The offscreen screen is 1×, so the ratio is stood in for.)"""
    loaded(qtbot, chart, devices[:1])
    assert chart.traces[0].curve.opts["pen"].widthF() == 1.0
    monkeypatch.setattr(chart, "devicePixelRatioF", lambda: 2.0)
    loaded(qtbot, chart, devices[1:2])
    loaded(qtbot, chart, devices[:1])
    trace = chart.traces[0]
    assert trace.curve.opts["pen"].widthF() == 2.0
    assert trace.markers._pen.widthF() == 14.0
    assert _bands(chart, trace.view)._scale == 2.0

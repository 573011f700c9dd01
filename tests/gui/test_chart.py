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
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.chart_data import ChartSeries
from core.db import Database
from core.devices import DeviceFields, create_device
from core.readings import LimitFlag, NewReading, add_reading, correct_reading, list_readings
from core.readings import series as core_series
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
    expected = core_series(db, devices[0])
    x, y = chart.traces[0].curve.getOriginalDataset()
    assert np.array_equal(x, expected.times_s) and np.array_equal(y, expected.values)
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
    names = [item.objectName() for item in chart.traces[0].limit_items]
    assert sorted(names) == ["limitBand", "limitLine", "limitLine"]
    (band,) = (i for i in chart.traces[0].limit_items if i.objectName() == "limitBand")
    assert tuple(band.getRegion()) == (1.0, 9.0)
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
    assert [label.text for _sample, label in chart.legend.items] == [
        "Gauge (bar)",
        "Probe (°C)",
        "Spare (bar)",
    ]
    loaded(qtbot, chart, devices[:1])
    assert chart.units() == ["bar"]
    assert not [item for item in _layout_items(chart) if item in extra]


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


def _wheel(chart: ChartPanel) -> None:
    """Turn the mouse wheel over the middle of the plot, as a user zooming in."""
    viewport = chart.plot_widget.viewport()
    middle = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(
        middle,
        viewport.mapToGlobal(middle),
        QPoint(),
        QPoint(0, 120),
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
    assert chart.export_visible_csv(path) == 3
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [float(r["value"]) for r in rows] == GAUGE_VALUES[1:4]
    assert [r["limit"] for r in rows] == ["within", "above", "within"]
    assert {r["device"] for r in rows} == {"Gauge"} and {r["unit"] for r in rows} == {"bar"}
    first = datetime.fromisoformat(rows[0]["time_utc"])
    assert rows[0]["time_utc"].endswith("+00:00") and first == NOW - timedelta(hours=5)
    local = datetime.fromisoformat(rows[0]["time_local"])
    assert local.utcoffset() == first.astimezone().utcoffset() and local == first
    assert [p.name for p in folder.iterdir()] == ["visible.csv"]  # no temporary left


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

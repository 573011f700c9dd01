"""The reading chart: one curve per device, one y-axis per unit, limit bands and flags.

Long series stay smooth with peak downsampling, clip-to-view and float64 x values in seconds
(PERFORMANCE.md, T4). Only this module imports pyqtgraph, and the window imports it after its
first paint: pyqtgraph costs most of a second to import.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.chart_data import ChartSeries, chart_series, write_atomically, write_visible_csv
from core.db import Database
from core.readings import ReadingRecord, get_reading
from gui.ops import Ops

log = logging.getLogger("fieldlog.gui.chart")

DAY = 86_400.0
PRESETS: dict[str, float | None] = {"24 h": DAY, "7 d": 7 * DAY, "30 d": 30 * DAY,
                                    "1 y": 365 * DAY, "All": None}  # fmt: skip
COLORS = ("#1e88e5", "#43a047", "#8e24aa", "#fb8c00", "#00897b", "#6d4c41", "#3949ab")
FLAG_COLOR = "#e53935"
RANGE_SIGNAL_DELAY_MS = 150
DETAILS_DELAY_MS = 150
HOVER_RADIUS_PX = 12.0
MARKER_SPACING_PX = 4.0
MARKER_SIZE_PX = 7
Floats = npt.NDArray[np.float64]
NO_DEVICE = "Select a device to see its readings"
NO_READINGS = "No readings yet"
NONE_IN_RANGE = "No readings in this range"


def local_time(seconds: float) -> str:
    """Local time with its UTC offset, e.g. 2026-03-01 13:00:00+01:00."""
    moment = datetime.fromtimestamp(seconds, UTC).astimezone()
    return moment.isoformat(sep=" ", timespec="seconds")


class FlagMarkers(pg.GraphicsObject):  # type: ignore[misc]
    """Red dots on the out-of-limit points, at most one per few pixels of the visible range.

    A million readings can have thousands of flagged ones; one dot per column of a few pixels
    (one for high, one for low) looks the same. The dots are one ``drawPoints`` with a round
    cosmetic pen: a ScatterPlotItem costs more per update than the whole curve (T4).
    """

    def __init__(self, one: ChartSeries) -> None:
        super().__init__()
        self.setObjectName("outOfLimit")
        self._pen = QPen(QColor(FLAG_COLOR), MARKER_SIZE_PX)
        self._pen.setCosmetic(True)
        self._pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._shown: tuple[Floats, Floats] = (np.empty(0), np.empty(0))
        self._polygon = QPolygonF()
        self._rect = QRectF()
        self.set_series(one)

    def set_series(self, one: ChartSeries) -> None:
        flagged = one.flagged_index
        self._times, self._values = one.times_s[flagged], one.values[flagged]
        self._high = one.flags[flagged] > 0
        self.viewRangeChanged()

    @property
    def flagged_count(self) -> int:
        """How many points are out of limits (more than are drawn when they crowd)."""
        return len(self._times)

    def getData(self) -> tuple[Floats, Floats]:
        """The points drawn now (as pyqtgraph's items call it)."""
        return self._shown

    def viewRangeChanged(self) -> None:
        x, y = self._thinned()
        self.prepareGeometryChange()
        self._shown = (x, y)
        self._polygon = QPolygonF(
            [QPointF(a, b) for a, b in zip(x.tolist(), y.tolist(), strict=True)]
        )
        self._rect = QRectF(x.min(), y.min(), np.ptp(x), np.ptp(y)) if len(x) else QRectF()
        self.update()

    def _thinned(self) -> tuple[Floats, Floats]:
        view = self.getViewBox()
        if view is None or view.width() <= 0:
            return self._times, self._values
        (start, end), _ = view.viewRange()
        first = int(np.searchsorted(self._times, start, side="left"))
        last = int(np.searchsorted(self._times, end, side="right"))
        pixel = (end - start) / view.width() * MARKER_SPACING_PX
        column = ((self._times[first:last] - start) / pixel).astype(np.int64)
        _, keep = np.unique(column * 2 + self._high[first:last], return_index=True)
        return self._times[first:last][keep], self._values[first:last][keep]

    def boundingRect(self) -> QRectF:
        if not len(self._shown[0]):
            return QRectF()
        along_x, along_y = self.pixelVectors()
        if along_x is None:
            return QRectF(self._rect)
        margin_x = abs(along_x.x()) * MARKER_SIZE_PX
        margin_y = abs(along_y.y()) * MARKER_SIZE_PX
        return self._rect.adjusted(-margin_x, -margin_y, margin_x, margin_y)

    def paint(self, painter: QPainter, *_args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(self._pen)
        painter.drawPoints(self._polygon)


@dataclass
class Trace:
    """What one device's series is drawn with."""

    series: ChartSeries
    view: pg.ViewBox
    curve: pg.PlotDataItem
    markers: FlagMarkers
    limit_items: list[Any] = field(default_factory=list)

    def set_series(self, one: ChartSeries) -> None:
        self.series = one
        self.curve.setData(one.times_s, one.values)
        self.markers.set_series(one)


@dataclass
class UnitAxis:
    unit: str
    view: pg.ViewBox
    axis: pg.AxisItem
    extra: bool  # a right-hand axis with its own view, linked in x to the main one


class ChartPanel(QWidget):
    """The selected devices' readings over time, with range presets and export."""

    range_changed = Signal(object)  # (start_ms, end_ms) of the visible time range

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._db: Database | None = None
        self._device_ids: list[int] = []
        self._generation = 0
        self._traces: list[Trace] = []
        self._axes: list[UnitAxis] = []
        self._preset: str | None = "All"  # None: a range the user zoomed or panned to
        self._emitted: tuple[int, int] | None = None
        self._hovered: tuple[Trace, int] | None = None  # the point under the mouse
        self._details: dict[int, str] = {}  # reading id -> operator and note, once fetched
        self._build()

    # --- layout ------------------------------------------------------------------------

    def _build(self) -> None:
        self.plot_widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot_widget.setObjectName("chart")
        self.plot_widget.installEventFilter(self)
        self.plot = self.plot_widget.getPlotItem()
        self._setup_plot()
        self.message = QLabel(NO_DEVICE)
        self.message.setObjectName("chartMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        stack = QGridLayout()
        stack.addWidget(self.plot_widget, 0, 0)
        stack.addWidget(self.message, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._toolbar())
        layout.addLayout(stack, 1)
        self._timers()
        self._show_message(NO_DEVICE)

    def _setup_plot(self) -> None:
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.getViewBox().setAutoVisible(y=True)
        zone = datetime.now().astimezone().tzname()
        self.plot.setLabel("bottom", f"Local time ({zone})")
        text = self.palette().color(QPalette.ColorRole.Text)
        base = self.palette().color(QPalette.ColorRole.Base)
        base.setAlpha(210)
        self.legend = self.plot.addLegend(offset=(10, 10), labelTextSize="9pt",
                                          labelTextColor=text, brush=pg.mkBrush(base),
                                          pen=pg.mkPen(text.lighter(250)))  # fmt: skip
        self._apply_palette()
        self._hover_text = pg.TextItem(
            anchor=(0, 1),
            border=pg.mkPen("#888"),
            fill=pg.mkBrush(255, 255, 255, 230),
            color="#222",
        )
        self._hover_dot = pg.ScatterPlotItem(size=11, pen=pg.mkPen("#222", width=1.5), brush=None)
        for item in (self._hover_text, self._hover_dot):
            item.setZValue(100)
            item.hide()
            self.plot.getViewBox().addItem(item, ignoreBounds=True)
        main = self.plot.getViewBox()
        main.sigResized.connect(self._on_resized)
        main.sigXRangeChanged.connect(self._on_x_range_changed)
        main.sigRangeChangedManually.connect(self._on_manual_range)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.preset_group = QButtonGroup(self)
        self.preset_buttons: dict[str, QPushButton] = {}
        for label in PRESETS:
            button = QPushButton(label)
            button.setCheckable(True)
            button.setObjectName(f"preset {label}")
            button.setToolTip(f"Show {'everything' if label == 'All' else 'the last ' + label}")
            button.clicked.connect(lambda _checked=False, name=label: self.set_preset(name))
            self.preset_group.addButton(button)
            self.preset_buttons[label] = button
            bar.addWidget(button)
        self.preset_buttons["All"].setChecked(True)
        bar.addStretch(1)
        for text, slot in (("Export PNG…", self._ask_png), ("Export CSV…", self._ask_csv)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        return bar

    def _timers(self) -> None:
        self._range_timer = QTimer(self, singleShot=True, interval=RANGE_SIGNAL_DELAY_MS)
        self._range_timer.timeout.connect(self._on_range_settled)
        self._details_timer = QTimer(self, singleShot=True, interval=DETAILS_DELAY_MS)
        self._details_timer.timeout.connect(self._fetch_details)

    def _apply_palette(self) -> None:
        """Follow the system's light or dark palette."""
        self.plot_widget.setBackground(self.palette().color(QPalette.ColorRole.Base))
        for name in ("left", "bottom"):
            self._style_axis(self.plot.getAxis(name))

    def _style_axis(self, axis: pg.AxisItem) -> None:
        text = self.palette().color(QPalette.ColorRole.Text)
        axis.setPen(text)
        axis.setTextPen(text)

    # --- data ----------------------------------------------------------------------------

    def set_database(self, db: Database | None) -> None:
        self._db = db
        self._emitted = None
        self.show_devices([])

    def show_devices(self, device_ids: list[int]) -> None:
        """Load these devices' readings; the range preset stays as it is."""
        self._device_ids = list(device_ids)
        self.refresh()

    def refresh(self) -> None:
        """Load the readings again (after one was saved, corrected or undone)."""
        self._details.clear()  # an undone reading's id can be given to the next one
        self._generation += 1
        db, ids, generation = self._db, list(self._device_ids), self._generation
        if db is None or not ids:
            self.set_series_data([])
            return
        self._ops.run(lambda: chart_series(db, ids),
                      done=lambda series: self._on_loaded(generation, series),
                      failed=self._on_load_failed, label="Loading the chart")  # fmt: skip

    def _on_loaded(self, generation: int, series: list[ChartSeries]) -> None:
        if generation == self._generation:
            self.set_series_data(series)

    def _on_load_failed(self, exc: BaseException) -> None:
        log.error("could not load the chart", exc_info=exc)
        self._show_message(f"Could not load the readings: {exc}")

    def set_series_data(self, series: list[ChartSeries]) -> None:
        """Draw ``series``: the database path and the benchmark (T4) both come here.

        The same devices, units and limits update the curves in place; anything else rebuilds.
        """
        self._hide_hover()
        if _shape(series) == _shape(self.series):
            for trace, one in zip(self._traces, series, strict=True):
                trace.set_series(one)
        else:
            self._rebuild(series)
        if series and self._preset is not None:
            self.set_preset(self._preset)
        self._update_message()

    @property
    def series(self) -> list[ChartSeries]:
        return [trace.series for trace in self._traces]

    @property
    def traces(self) -> list[Trace]:
        return list(self._traces)

    def point_count(self) -> int:
        return sum(len(one.values) for one in self.series)

    def units(self) -> list[str]:
        return [axis.unit for axis in self._axes]

    # --- drawing -------------------------------------------------------------------------

    def _rebuild(self, series: list[ChartSeries]) -> None:
        self._clear()
        for number, one in enumerate(series):
            color = COLORS[number % len(COLORS)]
            view = self._axis_for(one.unit, color).view
            trace = Trace(one, view, self._curve(view, one, color), FlagMarkers(one))
            view.addItem(trace.markers, ignoreBounds=True)
            trace.limit_items = _limit_items(one, color, number)
            for item in trace.limit_items:
                view.addItem(item)
            self.legend.addItem(trace.curve, f"{one.name} ({one.unit})" if one.unit else one.name)
            self._traces.append(trace)
        self._sync_views()

    def _curve(self, view: pg.ViewBox, one: ChartSeries, color: str) -> pg.PlotDataItem:
        curve = pg.PlotDataItem(pen=pg.mkPen(color, width=1), autoDownsample=True,
                                downsampleMethod="peak", clipToView=True)  # fmt: skip
        curve.setObjectName("readings")
        view.addItem(curve)  # before the data, so that the first frame is clipped to the view
        curve.setData(one.times_s, one.values)
        return curve

    def _clear(self) -> None:
        self.legend.clear()
        for trace in self._traces:
            for item in (trace.curve, trace.markers, *trace.limit_items):
                trace.view.removeItem(item)
        self._traces = []
        for extra in (a for a in self._axes if a.extra):
            extra.view.setXLink(None)
            self.plot.layout.removeItem(extra.axis)
            self.plot.scene().removeItem(extra.axis)
            self.plot.scene().removeItem(extra.view)
        self._axes = []
        self.plot.getAxis("left").setLabel("")

    def _axis_for(self, unit: str, color: str) -> UnitAxis:
        found = next((a for a in self._axes if a.unit == unit), None)
        if found is not None:
            return found
        if self._axes:
            made = self._extra_axis(unit)
        else:
            made = UnitAxis(unit, self.plot.getViewBox(), self.plot.getAxis("left"), extra=False)
        made.axis.setLabel(unit or "value", color=color)
        self._axes.append(made)
        return made

    def _extra_axis(self, unit: str) -> UnitAxis:
        view = pg.ViewBox(enableMenu=False)
        view.setAutoVisible(y=True)
        view.setZValue(-100)  # under the plot: the legend stays on top, the mouse acts on the main

        axis = pg.AxisItem("right")
        self._style_axis(axis)
        column = 2 + sum(1 for a in self._axes if a.extra)
        self.plot.layout.addItem(axis, 2, column + 1)
        self.plot.scene().addItem(view)
        axis.linkToView(view)
        view.setXLink(self.plot.getViewBox())
        view.sigRangeChangedManually.connect(self._on_manual_range)
        return UnitAxis(unit, view, axis, extra=True)

    def _on_resized(self) -> None:
        self._sync_views()
        for trace in self._traces:
            trace.markers.viewRangeChanged()

    def _sync_views(self) -> None:
        main = self.plot.getViewBox()
        for extra in (a for a in self._axes if a.extra):
            extra.view.setGeometry(main.sceneBoundingRect())
            extra.view.linkedViewChanged(main, extra.view.XAxis)

    def _show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(text is not None)
        self.plot_widget.setVisible(bool(self._traces))

    def _update_message(self) -> None:
        if not self._traces:
            self._show_message(NO_DEVICE)
        elif not self.point_count():
            self._show_message(NO_READINGS)
        else:
            start, end = self.visible_range_s()
            parts = [t.series.visible(start, end) for t in self._traces]
            self._show_message(None if any(p.stop > p.start for p in parts) else NONE_IN_RANGE)

    # --- range ---------------------------------------------------------------------------

    def set_preset(self, label: str) -> None:
        """Show the last day, week, month or year up to now, or everything ("All")."""
        self._preset = label
        self.preset_buttons[label].setChecked(True)
        seconds = PRESETS[label]
        if seconds is None:
            start, end = _data_span(self.series)
        else:
            end = time.time()
            start = end - seconds
        self.plot.setXRange(start, end, padding=0)
        for axis in self._axes:
            axis.view.enableAutoRange(y=True)

    def preset(self) -> str | None:
        """The active preset, or None after the user zoomed or panned."""
        return self._preset

    def visible_range_s(self) -> tuple[float, float]:
        (start, end), _ = self.plot.getViewBox().viewRange()
        return float(start), float(end)

    def visible_range_ms(self) -> tuple[int, int]:
        """The visible range as [start_ms, end_ms), the form ``range_changed`` gives."""
        start, end = self.visible_range_s()
        return int(np.floor(start * 1000)), int(np.floor(end * 1000)) + 1

    def _on_manual_range(self, *_args: object) -> None:
        self._preset = None
        self.preset_group.setExclusive(False)
        for button in self.preset_buttons.values():
            button.setChecked(False)
        self.preset_group.setExclusive(True)

    def _on_x_range_changed(self, *_args: object) -> None:
        self._range_timer.start()

    def _on_range_settled(self) -> None:
        if not self._traces:
            return
        self._update_message()
        span = self.visible_range_ms()
        if span != self._emitted:
            self._emitted = span
            self.range_changed.emit(span)

    # --- hover ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.plot_widget and event.type() == QEvent.Type.Leave:
            self._hide_hover()
        return super().eventFilter(watched, event)

    def _on_mouse_moved(self, position: QPointF) -> None:
        hit = self._nearest(position)
        if hit is None:
            self._hide_hover()
        else:
            self._show_hover(*hit)

    def _nearest(self, position: QPointF) -> tuple[Trace, int] | None:
        """The point nearest the mouse, within a few pixels, over every curve."""
        found = [(d, t, i) for t in self._traces for d, i in [_nearest_point(t, position)]]
        near = [f for f in found if f[0] <= HOVER_RADIUS_PX**2]
        if not near:
            return None
        _distance, trace, index = min(near, key=lambda f: f[0])
        return trace, index

    def _show_hover(self, trace: Trace, index: int) -> None:
        one = trace.series
        main = self.plot.getViewBox()
        at = main.mapSceneToView(trace.view.mapViewToScene(
            QPointF(one.times_s[index], one.values[index])))  # fmt: skip
        self._hover_dot.setData([at.x()], [at.y()])
        self._hovered = (trace, index)
        self._hover_text.setText(self._describe(one, index))
        (x0, x1), (y0, y1) = main.viewRange()  # the label opens towards the middle
        self._hover_text.setAnchor((int(at.x() > (x0 + x1) / 2), int(at.y() <= (y0 + y1) / 2)))
        self._hover_text.setPos(at)
        self._hover_text.show()
        self._hover_dot.show()
        if int(one.ids[index]) not in self._details:
            self._details_timer.start()

    def _describe(self, one: ChartSeries, index: int) -> str:
        flag = int(one.flags[index])
        limit = {1: f"  ▲ above {one.high:g}", -1: f"  ▼ below {one.low:g}"}.get(flag, "")
        lines = [one.name, local_time(float(one.times_s[index])),
                 f"{one.values[index]:g} {one.unit}{limit}"]  # fmt: skip
        details = self._details.get(int(one.ids[index]))
        return "\n".join(lines + ([details] if details else []))

    def hover_text(self) -> str:
        return str(self._hover_text.toPlainText()) if self._hover_text.isVisible() else ""

    def _hide_hover(self) -> None:
        self._hovered = None
        self._details_timer.stop()
        self._hover_text.hide()
        self._hover_dot.hide()

    def _fetch_details(self) -> None:
        """Ask for the hovered reading's operator and note: one row, not a million notes."""
        db, hovered = self._db, self._hovered
        if db is not None and hovered is not None:
            reading_id = int(hovered[0].series.ids[hovered[1]])
            self._ops.run(lambda: get_reading(db, reading_id), done=self._on_details,
                          failed=lambda _exc: None, label="Reading details")  # fmt: skip

    def _on_details(self, reading: ReadingRecord) -> None:
        parts = [f"by {reading.operator}" if reading.operator else "", reading.note or ""]
        self._details[reading.id] = "\n".join(p for p in parts if p) or "(no operator or note)"
        hovered = self._hovered
        if hovered is not None and int(hovered[0].series.ids[hovered[1]]) == reading.id:
            self._show_hover(*hovered)

    # --- export --------------------------------------------------------------------------

    def export_png(self, path: Path) -> None:
        """The chart as it is on screen, as a PNG image."""
        self._hide_hover()
        image = self.plot_widget.grab()
        write_atomically(path, lambda tmp: image.save(str(tmp), "PNG"))

    def export_visible_csv(self, path: Path) -> int:
        """The points inside the visible time range, one row each; returns how many."""
        return write_visible_csv(path, self.series, *self.visible_range_s())

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export chart", "chart.png", "PNG (*.png)")
        if path:
            self._export(lambda: self.export_png(Path(path)))

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export visible readings", "readings.csv",
                                              "CSV (*.csv)")  # fmt: skip
        if path:
            self._export(lambda: self.export_visible_csv(Path(path)))

    def _export(self, work: Callable[[], object]) -> None:
        try:
            work()
        except OSError as exc:
            QMessageBox.warning(self, "Export", f"Could not export: {exc}")


def _shape(series: list[ChartSeries]) -> list[tuple[object, ...]]:
    """What decides which items the chart is built of (the data itself does not)."""
    return [(s.device_id, s.name, s.unit, s.low, s.high) for s in series]


def _limit_items(one: ChartSeries, color: str, number: int) -> list[Any]:
    """Dashed lines at the limits and a faint band between them. Lines and band count in the
    auto-range, so the limits stay in sight even when every reading is well inside them."""
    items: list[Any] = []
    dashed = pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine)
    where = {"position": 0.97 - 0.14 * (number % 6), "color": color, "anchors": [(1, 1), (1, 1)]}
    for name, value in (("low", one.low), ("high", one.high)):
        if value is not None:
            line = pg.InfiniteLine(value, angle=0, pen=dashed, movable=False,
                                   label=f"{name} {value:g} {one.unit}".strip(),
                                   labelOpts=where)  # fmt: skip
            line.setObjectName("limitLine")
            items.append(line)
    if one.low is not None and one.high is not None:
        tint = QColor(color)
        tint.setAlpha(22)
        band = pg.LinearRegionItem((one.low, one.high), orientation="horizontal", movable=False,
                                   brush=pg.mkBrush(tint), pen=pg.mkPen(None))  # fmt: skip
        band.setObjectName("limitBand")
        band.setZValue(-10)
        items.append(band)
    return items


def _data_span(series: list[ChartSeries]) -> tuple[float, float]:
    """Every reading's time, with a little room at both ends."""
    filled = [one.times_s for one in series if len(one.times_s)]
    if not filled:
        now = time.time()
        return now - DAY, now
    start, end = min(t[0] for t in filled), max(t[-1] for t in filled)
    room = max((end - start) * 0.02, 3600.0)
    return float(start - room), float(end + room)


def _nearest_point(trace: Trace, position: QPointF) -> tuple[float, int]:
    """(squared distance in pixels, index) of the point of ``trace`` nearest ``position``."""
    one, view = trace.series, trace.view
    pixel_x, pixel_y = view.viewPixelSize()
    at = view.mapSceneToView(position)
    reach = HOVER_RADIUS_PX * pixel_x
    first, last = np.searchsorted(one.times_s, (at.x() - reach, at.x() + reach))
    if first == last or not view.sceneBoundingRect().contains(position):
        return np.inf, -1
    dx = (one.times_s[first:last] - at.x()) / pixel_x
    dy = (one.values[first:last] - at.y()) / pixel_y
    squared = dx * dx + dy * dy
    best = int(np.argmin(squared))
    return float(squared[best]), int(first + best)

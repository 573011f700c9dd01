"""The reading chart: one curve per device, one y-axis per unit, limit bands and flags.

Long series stay smooth with peak downsampling, clip-to-view and float64 x values in seconds
(T4). Many devices are drawn a few per event-loop turn, so that selecting all of them never
freezes the window (T9). Each device keeps its colour whatever else is selected. Only this module
and ``gui.chart_items`` import pyqtgraph, and the window imports them after its first paint:
pyqtgraph costs most of a second to import.
"""

import html
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette, QWheelEvent
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

from core.chart_data import ChartSeries, chart_series
from core.db import Database
from core.exporting import ExportFormat, ExportRequest, export
from core.files import write_atomically
from core.readings import ReadingRecord, get_reading
from core.validation import value_text
from gui.chart_items import FlagMarkers, GridLines, LimitBands, Limits
from gui.messages import explain
from gui.ops import Ops

log = logging.getLogger("fieldlog.gui.chart")

DAY = 86_400.0
PRESETS: dict[str, float | None] = {"24 h": DAY, "7 d": 7 * DAY, "30 d": 30 * DAY,
                                    "1 y": 365 * DAY, "All": None}  # fmt: skip
# Twelve colours that stay apart on a light and a dark background (none is the markers' red).
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
          "#bcbd22", "#7f7f7f", "#3949ab", "#00897b", "#6d4c41")  # fmt: skip
RANGE_SIGNAL_DELAY_MS = 150
DETAILS_DELAY_MS = 150
DRAW_SLICE_S = 0.012  # drawing stops for a paint after this long, and goes on
DRAW_PAUSE_MS = 10  # after that paint, so that it is not in the same event-loop turn
DRAWN_AT_ONCE = 4  # this many devices are drawn in the turn that asks (a frame's worth)
HOVER_RADIUS_PX = 12.0
WHEEL_STEP = 1.02  # zoom factor per degree of wheel, as pyqtgraph's ViewBox
WHEEL_FRAME_MS = 16
GRID_ALPHA = 0.12
LABELLED_AXES = 2  # with more value axes, the limit labels of each would overlap
LEGEND_ENTRIES = 12  # more devices than this get a one-line legend (names in its tooltip)
NO_DEVICE = "Select a device to see its readings"
NO_READINGS = "No readings yet"
NONE_IN_RANGE = "No readings in this range"


def local_time(seconds: float) -> str:
    """Local time with its UTC offset, e.g. 2026-03-01 13:00:00+01:00."""
    moment = datetime.fromtimestamp(seconds, UTC).astimezone()
    return moment.isoformat(sep=" ", timespec="seconds")


def device_colors(device_ids: list[int], known: dict[int, str] | None = None) -> dict[int, str]:
    """A colour per device that stays the device's whatever else is shown: its own slot in
    ``COLORS`` (by id) unless a device before it took that slot, then the next free one.
    ``known`` keeps the colours of devices already on the chart."""
    chosen = {i: c for i, c in (known or {}).items() if i in device_ids}
    for device_id in device_ids:
        if device_id not in chosen:
            taken = set(chosen.values())
            slots = (COLORS[(device_id + n) % len(COLORS)] for n in range(len(COLORS)))
            chosen[device_id] = next((c for c in slots if c not in taken),
                                     COLORS[device_id % len(COLORS)])  # fmt: skip
    return chosen


@dataclass
class Trace:
    """What one device's series is drawn with."""

    series: ChartSeries
    view: pg.ViewBox
    curve: pg.PlotDataItem
    markers: FlagMarkers
    color: str

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
    bands: LimitBands  # the limits of the devices on this axis


class ChartPanel(QWidget):
    """The selected devices' readings over time, with range presets and export."""

    range_changed = Signal(object)  # (start_ms, end_ms) of the visible time range
    exported = Signal(object)  # the ExportSummary of Export CSV…

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._db: Database | None = None
        self._device_ids: list[int] = []
        self._generation = 0
        self._traces: list[Trace] = []
        self._axes: list[UnitAxis] = []
        self._target: list[ChartSeries] = []  # what is to be drawn; ``_traces`` so far
        self._axes_made = False  # for ``_target``
        self._colors: dict[int, str] = {}
        self._preset: str | None = "All"  # None: a range the user zoomed or panned to
        self._last_preset = "All"  # what Reset zoom goes back to
        self._reveal: float | None = None  # a time to bring into view once loaded
        self._emitted: tuple[int, int] | None = None
        self._hovered: tuple[Trace, int] | None = None  # the point under the mouse
        self._details: dict[int, str] = {}  # reading id -> operator and note, once fetched
        self._typed: dict[int, str] = {}  # reading id -> value as typed, once fetched
        self._build()

    # --- layout ------------------------------------------------------------------------

    def _build(self) -> None:
        self.plot_widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot_widget.setObjectName("chart")
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # F6 reaches it
        self.plot_widget.installEventFilter(self)
        self.plot_widget.viewport().installEventFilter(self)
        self.plot = self.plot_widget.getPlotItem()
        self._setup_plot()
        self.legend = QLabel()
        self.legend.setObjectName("chartLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
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
        layout.addWidget(self.legend)
        layout.addLayout(stack, 1)
        self._timers()
        self._show_message(NO_DEVICE)

    def _setup_plot(self) -> None:
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self._values_follow_time(self.plot.getViewBox())
        zone = datetime.now().astimezone().tzname()
        self.plot.setLabel("bottom", f"Local time ({zone})")
        self._apply_palette()
        grid = self.palette().color(QPalette.ColorRole.Text)
        grid.setAlphaF(GRID_ALPHA)
        self.grid = GridLines(self.plot.getAxis("bottom"), self.plot.getAxis("left"), grid)
        self.plot.getViewBox().addItem(self.grid, ignoreBounds=True)
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

    @staticmethod
    def _values_follow_time(view: pg.ViewBox) -> None:
        """The wheel and a drag act on time only; each value axis fits what is visible (and
        the limit lines, which count in the auto-range)."""
        view.setMouseEnabled(x=True, y=False)
        view.setAutoVisible(y=True)
        view.enableAutoRange(y=True)

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
        self.reset_action = QAction("&Reset Zoom", self)
        self.reset_action.setShortcut(QKeySequence("Ctrl+0"))
        self.reset_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.reset_action.triggered.connect(self.reset_zoom)
        self.addAction(self.reset_action)
        self.reset_button = QPushButton("Reset zoom")
        self.reset_button.setObjectName("resetZoom")
        self.reset_button.setToolTip("Back to the range before you zoomed or panned (Ctrl+0)")
        self.reset_button.clicked.connect(self.reset_zoom)
        self.reset_button.setEnabled(False)
        bar.addWidget(self.reset_button)
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
        self._draw_timer = QTimer(self, singleShot=True, interval=DRAW_PAUSE_MS)
        self._wheel_timer = QTimer(self, singleShot=True, interval=WHEEL_FRAME_MS)
        self._wheel_timer.timeout.connect(self._apply_wheel)
        self._wheel_delta = 0
        self._wheel_at = QPointF()
        self._draw_timer.timeout.connect(self._draw_some)

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

    def refresh(self, reveal: float | None = None) -> None:
        """Load the readings again (after one was saved, corrected or undone); ``reveal``, a
        time in seconds (a reading just saved), is brought into view if it is not in it."""
        self._details.clear()  # an undone reading's id can be given to the next one
        self._typed.clear()
        self._generation += 1
        if reveal is not None:
            self._reveal = reveal
        db, ids, generation = self._db, list(self._device_ids), self._generation
        if db is None or not ids:
            self.set_series_data([])
            return
        self._ops.run(lambda: chart_series(db, ids),
                      done=lambda series: self._on_loaded(generation, series),
                      failed=self._on_load_failed, label="Loading the chart",
                      latest_only=f"chart-{id(self)}")  # fmt: skip

    def _on_loaded(self, generation: int, series: list[ChartSeries]) -> None:
        if generation == self._generation:
            self.set_series_data(series)
            reveal, self._reveal = self._reveal, None
            if reveal is not None:
                self._bring_into_view(reveal)

    def _bring_into_view(self, moment: float) -> None:
        start, end = self.visible_range_s()
        if not start <= moment <= end:
            width = end - start
            self.plot.setXRange(moment - 0.9 * width, moment + 0.1 * width, padding=0)
            self._on_manual_range()

    def _on_load_failed(self, exc: BaseException) -> None:
        log.error("could not load the chart", exc_info=exc)
        self._show_message(f"Could not load the readings: {exc}")

    def set_series_data(self, series: list[ChartSeries]) -> None:
        """Draw ``series``: the database path and the benchmark (T4) both come here.

        The same devices, units and limits update the curves in place; anything else rebuilds.
        """
        self._hide_hover()
        if not self.drawing and _shape(series) == _shape(self.series):
            for trace, one in zip(self._traces, series, strict=True):
                trace.set_series(one)
            self._after_drawing()
        else:
            self._rebuild(series)

    @property
    def drawing(self) -> bool:
        """True while series are still being drawn, a few per event-loop turn."""
        return len(self._traces) < len(self._target)

    def _after_drawing(self) -> None:
        if self._traces and self._preset is not None:
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
        """Draw ``series`` from scratch, a few per event-loop turn (a new call starts over).
        Clearing the old curves, making the axes and drawing are turns of their own when there
        are many: each costs tens of milliseconds with dozens of devices."""
        self._clear()
        self._target = list(series)
        self._colors = device_colors([one.device_id for one in series], self._colors)
        self._show_legend()  # whole at once: a legend that grows would resize the plot each turn
        self._axes_made = False
        if len(series) <= DRAWN_AT_ONCE:
            self._draw_some()
        else:
            self._show_message(f"Drawing {len(series)} devices…")
            self._draw_timer.start()

    def _make_axes(self) -> None:
        """Every value axis before any curve (an axis added later would resize the plot), and
        the time range (curves are cut to it as they are added)."""
        for one in self._target:
            self._axis_for(one.unit, self._colors[one.device_id])
        if self._target and self._preset is not None:
            self.set_preset(self._preset)
        self._axes_made = True

    def _draw_some(self) -> None:
        """Add traces for about ``DRAW_SLICE_S``, then let the window paint and answer."""
        if not self._axes_made:
            self._make_axes()
            if len(self._target) > DRAWN_AT_ONCE:
                self._draw_timer.start()
                return
        deadline = time.perf_counter() + DRAW_SLICE_S
        few = len(self._target) <= DRAWN_AT_ONCE
        first = True
        while self.drawing and (first or few or time.perf_counter() < deadline):
            self._add_trace(self._target[len(self._traces)])
            first = False
        self._sync_views()
        self._show_limits()
        if self.drawing:
            self._show_message(f"Drawing {len(self._traces)} of {len(self._target)} devices…")
            self._draw_timer.start()
        else:
            self._after_drawing()

    def _add_trace(self, one: ChartSeries) -> None:
        color = self._colors[one.device_id]
        view = self._axis_for(one.unit, color).view
        markers = FlagMarkers(one, self.pixel_ratio())
        trace = Trace(one, view, self._curve(view, one, color), markers, color)
        view.addItem(trace.markers, ignoreBounds=True)
        self._traces.append(trace)

    def _show_limits(self) -> None:
        labelled = len(self._axes) <= LABELLED_AXES and len(self._target) <= LEGEND_ENTRIES
        for axis in self._axes:
            limits = [_limits(t) for t in self._traces if t.view is axis.view]
            axis.bands.set_limits(limits, labelled=labelled)

    def _show_legend(self) -> None:
        """Above the plot, never over the data or a tooltip. Beyond a dozen devices a list of
        names would take the plot's room: one line says how many, the tooltip names them."""
        entries = [_legend_entry(one, self._colors[one.device_id]) for one in self._target]
        units = len({one.unit for one in self._target})
        if len(entries) > LEGEND_ENTRIES:
            self.legend.setText(f"{len(entries)} devices in {units} units — point here for "
                                "the list, or at a curve for its device")  # fmt: skip
            self.legend.setToolTip("<br>".join(entries))
        else:
            self.legend.setText("&nbsp;&nbsp; ".join(entries))
            self.legend.setToolTip("")
        self.legend.setVisible(bool(entries))

    def legend_entries(self) -> list[str]:
        return [_label(one) for one in self._target]

    def color_of(self, device_id: int) -> str:
        return self._colors[device_id]

    def _curve(self, view: pg.ViewBox, one: ChartSeries, color: str) -> pg.PlotDataItem:
        curve = pg.PlotDataItem(pen=pg.mkPen(color, width=self.pixel_ratio()), autoDownsample=True,
                                downsampleMethod="peak", clipToView=True)  # fmt: skip
        curve.setObjectName("readings")
        view.addItem(curve)  # before the data, so that the first frame is clipped to the view
        curve.setData(one.times_s, one.values)
        return curve

    def _clear(self) -> None:
        self._draw_timer.stop()
        self._target = []
        for trace in self._traces:
            for item in (trace.curve, trace.markers):
                trace.view.removeItem(item)
        self._traces = []
        for axis in self._axes:
            axis.view.removeItem(axis.bands)
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
            main = self.plot.getViewBox()
            made = UnitAxis(unit, main, self.plot.getAxis("left"), False, self._bands())
        made.view.addItem(made.bands)
        made.axis.setLabel(unit or "value", color=color)
        self._axes.append(made)
        return made

    def _extra_axis(self, unit: str) -> UnitAxis:
        view = pg.ViewBox(enableMenu=False)
        self._values_follow_time(view)
        view.setZValue(-100)  # under the plot: the legend stays on top, the mouse acts on the main

        axis = pg.AxisItem("right")
        self._style_axis(axis)
        column = 2 + sum(1 for a in self._axes if a.extra)
        self.plot.layout.addItem(axis, 2, column + 1)
        self.plot.scene().addItem(view)
        axis.linkToView(view)
        view.setXLink(self.plot.getViewBox())
        view.sigRangeChangedManually.connect(self._on_manual_range)
        return UnitAxis(unit, view, axis, True, self._bands())

    def _bands(self) -> LimitBands:
        return LimitBands(self.pixel_ratio())

    def pixel_ratio(self) -> float:
        """Device pixels per pixel of the screen the chart is on: lines and dots are drawn
        that much wider, so that they look the same on a high-DPI screen (pyqtgraph's pens
        are cosmetic, that is, in device pixels)."""
        return max(1.0, self.devicePixelRatioF())

    def _on_resized(self) -> None:
        self._sync_views()
        self.grid.viewRangeChanged()
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
        self._preset = self._last_preset = label
        self.preset_buttons[label].setChecked(True)
        self.reset_button.setEnabled(False)
        seconds = PRESETS[label]
        if seconds is None:
            start, end = _data_span(self._target or self.series)
        else:
            end = time.time()
            start = end - seconds
        self.plot.setXRange(start, end, padding=0)
        for axis in self._axes:
            axis.view.enableAutoRange(y=True)

    def reset_zoom(self) -> None:
        """Back to the preset the user zoomed or panned away from."""
        self.set_preset(self._last_preset)

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
        self.reset_button.setEnabled(True)
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
        if watched is self.plot_widget.viewport() and isinstance(event, QWheelEvent):
            self._on_wheel(event)
            return True
        return super().eventFilter(watched, event)

    def _on_wheel(self, event: QWheelEvent) -> None:
        """Zoom time about the mouse: the first notch at once, the notches that follow within
        a frame together (each zoom redraws every curve, and a wheel sends dozens a second)."""
        self._wheel_delta += event.angleDelta().y()
        self._wheel_at = event.position()
        event.accept()
        if not self._wheel_timer.isActive():
            self._apply_wheel()

    def _apply_wheel(self) -> None:
        if not self._wheel_delta or not self._traces:
            self._wheel_delta = 0
            return
        view = self.plot.getViewBox()
        scale = WHEEL_STEP ** (-self._wheel_delta / 8)  # pyqtgraph's own factor per degree
        centre = view.mapSceneToView(self.plot_widget.mapToScene(self._wheel_at.toPoint()))
        self._wheel_delta = 0
        view.scaleBy(x=scale, center=centre)
        view.sigRangeChangedManually.emit([True, False])
        self._wheel_timer.start()

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
        limit = _limit_text(one, int(one.flags[index]))
        lines = [one.name, local_time(float(one.times_s[index])),
                 f"{self._value_text(one, index)} {one.unit}{limit}"]  # fmt: skip
        details = self._details.get(int(one.ids[index]))
        return "\n".join(lines + ([details] if details else []))

    def _value_text(self, one: ChartSeries, index: int) -> str:
        """As it was typed once the reading's details have come, else its exact text."""
        typed = self._typed.get(int(one.ids[index]))
        return typed if typed is not None else value_text(float(one.values[index]))

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
        self._typed[reading.id] = reading.text
        hovered = self._hovered
        if hovered is not None and int(hovered[0].series.ids[hovered[1]]) == reading.id:
            self._show_hover(*hovered)

    # --- export --------------------------------------------------------------------------

    def export_png(self, path: Path) -> None:
        """The chart as it is on screen, as a PNG image."""
        self._hide_hover()
        image = self.plot_widget.grab()
        write_atomically(path, lambda tmp: image.save(str(tmp), "PNG"))

    def export_visible_csv(self, path: Path) -> None:
        """The shown devices' readings in the visible time range, written by the same exporter
        as File → Export (columns, formula-safe text, and a file that imports back);
        ``exported`` says when it is done."""
        db = self._db
        if db is None or not self._device_ids:
            return
        request = ExportRequest(list(self._device_ids), *self.visible_range_ms())
        self._ops.run(lambda: export(db, path, ExportFormat.CSV, request),
                      done=self.exported.emit, failed=self._on_export_failed,
                      label="Exporting the visible readings")  # fmt: skip

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export chart", "chart.png", "PNG (*.png)")
        if path:
            try:
                self.export_png(Path(path))
            except OSError as exc:
                self._on_export_failed(exc)

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export visible readings", "readings.csv",
                                              "CSV (*.csv)")  # fmt: skip
        if path:
            self.export_visible_csv(Path(path))

    def _on_export_failed(self, exc: BaseException) -> None:
        QMessageBox.warning(self, "Export", explain(exc, "Could not export"))


def _shape(series: list[ChartSeries]) -> list[tuple[object, ...]]:
    """What decides which items the chart is built of (the data itself does not)."""
    return [(s.device_id, s.name, s.unit, s.low, s.high) for s in series]


def _limit_text(one: ChartSeries, flag: int) -> str:
    """What the tooltip says of a point's limit: only the limit it broke (a device may have
    one limit, or none)."""
    if flag > 0 and one.high is not None:
        return f"  ▲ above {one.high:g}"
    if flag < 0 and one.low is not None:
        return f"  ▼ below {one.low:g}"
    return ""


def _limits(trace: Trace) -> Limits:
    one = trace.series
    return Limits(one.name, one.unit, one.low, one.high, QColor(trace.color))


def _label(one: ChartSeries) -> str:
    return f"{one.name} ({one.unit})" if one.unit else one.name


def _legend_entry(one: ChartSeries, color: str) -> str:
    return f'<span style="color:{color}">■</span>&nbsp;{html.escape(_label(one))}'


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

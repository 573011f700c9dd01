"""The chart panel: the selected devices' readings over time, with range presets and export.

The panel loads the series (``core.chart_data``) through an op and draws them: one trace per
device (``traces.py``), one value axis per unit (``axes.py``), the legend above the plot
(``legend.py``). Many devices are drawn a few per event-loop turn, out of sight until all are
in, so that selecting all of them never freezes the window (T9). The time range
(``time_range.py``), the label of the point under the mouse (``hover.py``) and the toolbar's
exports (``export.py``) are pieces of their own.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette, QWheelEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from core.chart_data import ChartSeries
from core.db import Database
from core.exporting import ExportRequest
from gui.chart.axes import ValueAxes, style_axis
from gui.chart.export import ask_csv_path, ask_png_path, export_csv, save_png, warn_export_failed
from gui.chart.hover import Hover
from gui.chart.items import GridLines
from gui.chart.legend import LEGEND_ENTRIES, Legend
from gui.chart.time_range import TimeRange, visible_ms, visible_s
from gui.chart.traces import Trace, device_colors, draw_trace, layout_of, pixel_ratio
from gui.operations.readings import series
from gui.ops import Ops
from gui.overlay import message_over
from gui.stale import Requests

log = logging.getLogger("fieldlog.gui.chart")

RANGE_SIGNAL_DELAY_MS = 150
DRAW_SLICE_S = 0.006  # drawing out of sight stops after this long, for the window to answer
DRAW_PAUSE_MS = 10  # between two turns of drawing, for input and paints to come in between
DRAWN_AT_ONCE = 4  # this many devices are drawn in the turn that asks (a frame's worth)
GRID_ALPHA = 0.12
NO_DEVICE = "Select a device to see its readings"
NO_READINGS = "No readings yet"
NONE_IN_RANGE = "No readings in this range"


class ChartPanel(QWidget):
    """The selected devices' readings over time, with range presets and export."""

    range_changed = Signal(object)  # (start_ms, end_ms) of the visible time range
    exported = Signal(object)  # the ExportSummary of Export CSV…

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._db: Database | None = None
        self._device_ids: list[int] = []
        self._requests = Requests()  # each load of the series
        self._traces: list[Trace] = []
        self._target: list[ChartSeries] = []  # what is to be drawn; ``_traces`` so far
        self._steps: list[Callable[[], None]] = []  # after the curves, one a turn (_rebuild)
        self._follows = True  # the views and curves follow the plot's resizes as they come
        self._colors: dict[int, str] = {}
        self._reveal: float | None = None  # a time to bring into view once loaded
        self._emitted: tuple[int, int] | None = None
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
        self.legend = Legend()
        self.message, stack = message_over(self.plot_widget, NO_DEVICE, "chartMessage")
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.addLayout(self._toolbar())
        self._column.addWidget(self.legend)
        self._column.addLayout(stack, 1)
        self._timers()
        self._show_message(NO_DEVICE)

    def _setup_plot(self) -> None:
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.time_range = TimeRange(self.plot_widget, shown=lambda: self._target or self.series,
                                    drawn=lambda: bool(self._traces),
                                    settled=lambda: self.axes.draw_labels(),
                                    parent=self)  # fmt: skip
        self.axes = ValueAxes(self.plot, self, on_manual_range=self.time_range.mark_manual,
                              traces=lambda: self._traces)  # fmt: skip
        zone = datetime.now().astimezone().tzname()
        self.plot.setLabel("bottom", f"Local time ({zone})")
        self._apply_palette()
        grid = self.palette().color(QPalette.ColorRole.Text)
        grid.setAlphaF(GRID_ALPHA)
        self.grid = GridLines(self.plot.getAxis("bottom"), self.plot.getAxis("left"), grid)
        self.plot.getViewBox().addItem(self.grid, ignoreBounds=True)
        self.hover = Hover(self.plot, self._ops, traces=lambda: self._traces,
                           database=lambda: self._db, parent=self)  # fmt: skip
        main = self.plot.getViewBox()
        main.sigResized.connect(self._on_resized)
        main.sigXRangeChanged.connect(self._on_x_range_changed)

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        for button in self.time_range.buttons():
            bar.addWidget(button)
        self.reset_action = QAction("&Reset Zoom", self)
        self.reset_action.setShortcut(QKeySequence("Ctrl+0"))
        self.reset_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.reset_action.triggered.connect(self.time_range.reset_zoom)
        self.addAction(self.reset_action)
        bar.addStretch(1)
        for text, slot in (("Export PNG…", self._ask_png), ("Export CSV…", self._ask_csv)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        return bar

    def _timers(self) -> None:
        self._range_timer = QTimer(self, singleShot=True, interval=RANGE_SIGNAL_DELAY_MS)
        self._range_timer.timeout.connect(self._on_range_settled)
        self._draw_timer = QTimer(self, singleShot=True, interval=DRAW_PAUSE_MS)
        self._draw_timer.timeout.connect(self._draw_some)

    def _apply_palette(self) -> None:
        """Follow the system's light or dark palette."""
        self.plot_widget.setBackground(self.palette().color(QPalette.ColorRole.Base))
        for name in ("left", "bottom"):
            style_axis(self.plot.getAxis(name), self)

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
        self.hover.forget_details()
        request = self._requests.new()  # what older loads bring back is dropped
        if reveal is not None:
            self._reveal = reveal
        db, ids = self._db, list(self._device_ids)
        if db is None or not ids:
            self.set_series_data([])
            return
        load = series(self._ops, db, ids).for_request(request).latest_only(f"chart-{id(self)}")
        load.done(self._on_loaded).failed(self._on_load_failed).run()

    def _on_loaded(self, series: list[ChartSeries]) -> None:
        self.set_series_data(series)
        reveal, self._reveal = self._reveal, None
        if reveal is not None:
            self.time_range.bring_into_view(reveal)

    def _on_load_failed(self, exc: BaseException) -> None:
        log.error("could not load the chart", exc_info=exc)
        self._show_message(f"Could not load the readings: {exc}")

    def set_series_data(self, series: list[ChartSeries]) -> None:
        """Draw ``series``: the database path and the benchmark (T4) both come here.

        The same devices, units and limits update the curves in place; anything else rebuilds.
        """
        self.hover.hide()
        if not self.drawing and layout_of(series) == layout_of(self.series):
            for trace, one in zip(self._traces, series, strict=True):
                trace.set_series(one)
            if self._traces:
                self.time_range.keep_preset()
                self.axes.fit_values()  # the data changed, if the time range did not
                self.axes.draw_labels()
            self._update_message()
        else:
            self._rebuild(series)

    @property
    def drawing(self) -> bool:
        """True while series are still being drawn, a few per event-loop turn, out of sight."""
        return len(self._traces) < len(self._target) or bool(self._steps)

    @property
    def series(self) -> list[ChartSeries]:
        return [trace.series for trace in self._traces]

    @property
    def traces(self) -> list[Trace]:
        return list(self._traces)

    def point_count(self) -> int:
        return sum(len(one.values) for one in self.series)

    def units(self) -> list[str]:
        return self.axes.units()

    def color_of(self, device_id: int) -> str:
        return self._colors[device_id]

    # --- drawing -------------------------------------------------------------------------

    def _rebuild(self, series: list[ChartSeries]) -> None:
        """Draw ``series`` from scratch (a new call starts over). Many devices are drawn out of
        sight: their curves a few per event-loop turn, then a turn to fit them, one to lay the
        plot out for them and one to show it, while the chart says how far it is. Showing each
        few as they came cost a layout and a paint of the whole chart a turn, and each of the
        last three steps costs a paint's worth with dozens of devices (T9, PERFORMANCE.md)."""
        self._clear()
        self._target = list(series)
        self._colors = device_colors([one.device_id for one in series], self._colors)
        # Whole at once: a legend that grows would resize the plot each turn.
        self.legend.show_series(self._target, self._colors)
        # The plot (empty now) in its place and laid out for the legend before it is hidden: a
        # hidden widget is resized only when shown, and the last turn would pay for it.
        self.plot_widget.setVisible(True)
        self._column.activate()
        self._steps = [self._fit, self._follow, self._lay_out, self._draw_axes,
                       self._update_message]  # fmt: skip
        if len(series) <= DRAWN_AT_ONCE:
            self._add_traces(deadline=None)
            while self._steps:
                self._steps.pop(0)()
        else:
            self._follows = False  # until the plot is laid out for every curve
            self._show_message(f"Drawing {len(series)} devices…")
            self._draw_timer.start()

    def _draw_some(self) -> None:
        """One turn of drawing out of sight: curves (and the value axes they need) for about
        ``DRAW_SLICE_S``, or the next of the steps after them."""
        if len(self._traces) < len(self._target):
            self._add_traces(deadline=time.perf_counter() + DRAW_SLICE_S)
            self._show_message(f"Drawing {len(self._traces)} of {len(self._target)} devices…")
        else:
            self._steps.pop(0)()
        if self.drawing:
            self._draw_timer.start()

    def _add_traces(self, deadline: float | None) -> None:
        """The next traces of ``_target``, until ``deadline`` (at least one; None: all)."""
        if not self._traces and self._target:
            self.time_range.keep_preset()  # first: curves are cut to the time range as added
        while len(self._traces) < len(self._target):
            self._add_trace(self._target[len(self._traces)])
            if deadline is not None and time.perf_counter() >= deadline:
                break

    def _fit(self) -> None:
        """The limits, the time range and the value ranges, for every curve drawn."""
        self.axes.show_limits(self._traces, crowded=len(self._target) > LEGEND_ENTRIES)
        if self._traces:
            self.time_range.keep_preset()
        self.axes.sync_views()
        self.axes.fit_values()

    def _follow(self) -> None:
        """The views and curves follow the plot's geometry: resizes were let pass while the
        axes were added."""
        self._follows = True
        self._follow_view()

    def _lay_out(self) -> None:
        """The axes draw their labels and the plot is laid out for them. A layout resizes
        the axes and the views, which clears what each axis drew, so this comes after
        ``_follow`` and before ``_draw_axes``."""
        self.axes.draw_labels()

    def _draw_axes(self) -> None:
        """The axes draw their labels again for the plot as laid out, so that the first paint
        of the chart finds them drawn (with dozens of devices a turn of its own, T9)."""
        self.axes.draw_labels()

    def _add_trace(self, one: ChartSeries) -> None:
        color = self._colors[one.device_id]
        view = self.axes.axis_for(one.unit, color).view
        self._traces.append(draw_trace(view, one, color, pixel_ratio(self)))

    def _clear(self) -> None:
        self._draw_timer.stop()
        self._steps = []
        self._follows = True
        self._target = []
        for trace in self._traces:
            trace.remove()
        self._traces = []
        self.axes.clear()

    def _on_resized(self) -> None:
        if self._follows:
            self._follow_view()

    def _follow_view(self) -> None:
        """The extra views, the value ranges (their margin depends on the height), the grid,
        and each curve's cut and markers (they depend on the width) follow the main view."""
        self.axes.sync_views()
        self.axes.fit_values()
        self.grid.viewRangeChanged()
        for trace in self._traces:
            trace.curve.viewRangeChanged()
            trace.markers.viewRangeChanged()

    def _show_message(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(text is not None)
        self.plot_widget.setVisible(bool(self._traces) and not self.drawing)

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

    def visible_range_s(self) -> tuple[float, float]:
        return visible_s(self.plot.getViewBox())

    def visible_range_ms(self) -> tuple[int, int]:
        """The visible range as [start_ms, end_ms), the form ``range_changed`` gives."""
        return visible_ms(self.plot.getViewBox())

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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.plot_widget and event.type() == QEvent.Type.Leave:
            self.hover.hide()
        if watched is self.plot_widget.viewport() and isinstance(event, QWheelEvent):
            self.time_range.zoom_by_wheel(event)
            return True
        return super().eventFilter(watched, event)

    # --- export --------------------------------------------------------------------------

    def export_png(self, path: Path) -> None:
        """The chart as it is on screen, as a PNG image."""
        self.hover.hide()
        save_png(self.plot_widget, path)

    def export_visible_csv(self, path: Path) -> None:
        """The shown devices' readings in the visible time range, as File → Export writes them;
        ``exported`` says when it is done."""
        db = self._db
        if db is None or not self._device_ids:
            return
        request = ExportRequest(list(self._device_ids), *self.visible_range_ms())
        export_csv(self._ops, db, request, path, done=self.exported.emit,
                   failed=self._on_export_failed)  # fmt: skip

    def _ask_png(self) -> None:
        path = ask_png_path(self)
        if path is not None:
            try:
                self.export_png(path)
            except OSError as exc:
                self._on_export_failed(exc)

    def _ask_csv(self) -> None:
        path = ask_csv_path(self)
        if path is not None:
            self.export_visible_csv(path)

    def _on_export_failed(self, exc: BaseException) -> None:
        warn_export_failed(self, exc)

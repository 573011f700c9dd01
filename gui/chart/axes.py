"""The chart's value axes: one per unit, each with the limit bands of the devices on it.

The first unit gets the plot's own left axis and view; every other unit a right-hand axis with
a view of its own, linked in time to the main one. The wheel and a drag act on time only, and
each value axis fits what is visible.

The fit is done here (``ValueAxes.fit_values``), once per change of time range or data, not by
pyqtgraph's auto-range: that one runs when a view is about to paint, and setting a view's range
moves the view's items, which asks for another auto-range, so one zoom with 36 devices in 7
units took three paints (T9, docs/PERFORMANCE.md). For the same reason the axes draw their
labels, and the plot is laid out for them, before the paint (``ValueAxes.draw_labels``).
"""

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtGui import QPainter, QPalette, QPicture
from PySide6.QtWidgets import QWidget

from gui.chart.items import LimitBands
from gui.chart.traces import Trace, pixel_ratio

LABELLED_AXES = 2  # with more value axes, the limit labels of each would overlap


def values_follow_time(view: pg.ViewBox) -> None:
    """The wheel and a drag act on time only; the value range is ``ValueAxes.fit_values``'s
    (pyqtgraph's own auto-range is off)."""
    view.setMouseEnabled(x=True, y=False)
    view.disableAutoRange()


def value_span(spans: list[tuple[float, float] | None]) -> tuple[float, float] | None:
    """The range that holds every span given (None: none is, or none is finite)."""
    found = [s for s in spans if s is not None and math.isfinite(s[0]) and math.isfinite(s[1])]
    if not found:
        return None
    return min(low for low, _ in found), max(high for _, high in found)


def style_axis(axis: pg.AxisItem, widget: QWidget) -> None:
    """Draw ``axis`` in ``widget``'s text colour (the system's light or dark palette). Its
    room for labels grows when they need it and does not shrink back while the user zooms:
    each change of an axis's width lays the plot out again and redraws every curve (T9)."""
    text = widget.palette().color(QPalette.ColorRole.Text)
    axis.setPen(text)
    axis.setTextPen(text)
    axis.setStyle(autoReduceTextSpace=False)


@dataclass
class UnitAxis:
    unit: str
    view: pg.ViewBox
    axis: pg.AxisItem
    extra: bool  # a right-hand axis with its own view, linked in x to the main one
    bands: LimitBands  # the limits of the devices on this axis


class ValueAxes:
    """The value axes of ``plot``, made as units come and removed all at once.

    ``widget`` is the panel: the axes take its palette and the device-pixel ratio of its
    screen. ``on_manual_range`` is told when the user moves an extra view, as the main one.
    ``traces`` gives the curves drawn, whose visible readings each axis fits.
    """

    def __init__(self, plot: pg.PlotItem, widget: QWidget, on_manual_range: Callable[..., None],
                 traces: Callable[[], list[Trace]]) -> None:  # fmt: skip
        self._plot = plot
        self._widget = widget
        self._on_manual_range = on_manual_range
        self._traces = traces
        self._axes: list[UnitAxis] = []
        main = plot.getViewBox()
        values_follow_time(main)
        # Every change of time (wheel, drag, preset, a zoom set in code) refits the values in
        # the same event-loop turn, before the paint, so that each change is painted once.
        main.sigXRangeChanged.connect(self.fit_values)

    def __iter__(self) -> Iterator[UnitAxis]:
        return iter(list(self._axes))

    def units(self) -> list[str]:
        return [axis.unit for axis in self._axes]

    def axis_for(self, unit: str, color: str) -> UnitAxis:
        """The axis of ``unit``, made (and labelled in ``color``) if it is the first of it."""
        found = next((a for a in self._axes if a.unit == unit), None)
        if found is not None:
            return found
        if self._axes:
            made = self._extra_axis(unit)
        else:
            main = self._plot.getViewBox()
            made = UnitAxis(unit, main, self._plot.getAxis("left"), False, self._bands())
        made.view.addItem(made.bands)
        made.axis.setLabel(unit or "value", color=color)
        self._axes.append(made)
        return made

    def _extra_axis(self, unit: str) -> UnitAxis:
        view = pg.ViewBox(enableMenu=False)
        values_follow_time(view)
        view.setZValue(-100)  # under the plot: the legend stays on top, the mouse acts on the main

        axis = pg.AxisItem("right")
        style_axis(axis, self._widget)
        column = 2 + sum(1 for a in self._axes if a.extra)
        self._plot.layout.addItem(axis, 2, column + 1)
        self._plot.scene().addItem(view)
        axis.linkToView(view)
        view.setXLink(self._plot.getViewBox())
        view.sigRangeChangedManually.connect(self._on_manual_range)
        return UnitAxis(unit, view, axis, True, self._bands())

    def _bands(self) -> LimitBands:
        return LimitBands(pixel_ratio(self._widget))

    def show_limits(self, traces: list[Trace], *, crowded: bool) -> None:
        """Each axis's bands show the limits of its traces, labelled unless the chart is
        ``crowded`` or has too many axes for the labels to stay apart."""
        labelled = len(self._axes) <= LABELLED_AXES and not crowded
        for axis in self._axes:
            limits = [t.limits() for t in traces if t.view is axis.view]
            axis.bands.set_limits(limits, labelled=labelled)

    def fit_values(self, *_args: object) -> None:
        """Each value axis fits the readings of its devices in the visible time range and
        their limits, with the margin pyqtgraph's auto-range gives (``suggestPadding``); an
        axis with nothing in view keeps its range."""
        (start, end), _ = self._plot.getViewBox().viewRange()
        traces = self._traces()
        for axis in self._axes:
            spans = [t.value_span(start, end) for t in traces if t.view is axis.view]
            span = value_span([*spans, axis.bands.dataBounds(1)])
            if span is not None:
                low, high = span
                margin = (high - low) * axis.view.suggestPadding(1)
                axis.view.setYRange(low - margin, high + margin, padding=0)

    def draw_labels(self) -> None:
        """Each axis, the time axis too, draws its ticks and labels for its range now, and the
        plot is laid out at once if one needs more room. pyqtgraph's axis does both when it
        paints, and one that grows then re-lays out the plot and paints it all a second time:
        after most zooms and every redraw with many devices (T9). An axis keeps what it drew
        for its paint, unless it was resized meanwhile (a layout clears it)."""
        axes = [axis.axis for axis in self._axes] + [self._plot.getAxis("bottom")]
        picture = QPicture()
        painter = QPainter(picture)
        sizes = [(axis.maximumWidth(), axis.maximumHeight()) for axis in axes]
        for axis in axes:
            axis.paint(painter, None, None)
        painter.end()
        if sizes != [(axis.maximumWidth(), axis.maximumHeight()) for axis in axes]:
            self._plot.layout.activate()
        for value_axis in self._axes:
            value_axis.view.updateMatrix()

    def sync_views(self) -> None:
        """The extra views take the main one's place (they are not in the plot's layout)."""
        main = self._plot.getViewBox()
        for extra in (a for a in self._axes if a.extra):
            extra.view.setGeometry(main.sceneBoundingRect())
            extra.view.linkedViewChanged(main, extra.view.XAxis)

    def clear(self) -> None:
        """Remove every axis but the plot's own, which loses its label and bands."""
        for axis in self._axes:
            axis.view.removeItem(axis.bands)
        for extra in (a for a in self._axes if a.extra):
            extra.view.setXLink(None)
            self._plot.layout.removeItem(extra.axis)
            self._plot.scene().removeItem(extra.axis)
            self._plot.scene().removeItem(extra.view)
        self._axes = []
        self._plot.getAxis("left").setLabel("")

"""What the chart draws besides its curves: out-of-limit markers and the limit bands.

Each is one graphics item that paints many things in one go, because the chart may show dozens
of devices and pyqtgraph's per-item costs (geometry, bounds, scene bookkeeping) add up: 36
devices drawn with a pair of ``InfiniteLine`` and a ``LinearRegionItem`` each took 110 ms to
build and made every paint slower (T9).
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen, QPolygonF

from core.chart_data import ChartSeries

FLAG_COLOR = "#e53935"
MARKER_SPACING_PX = 4.0
MARKER_SIZE_PX = 7
BAND_ALPHA = 22
LABEL_MARGIN_PX = 4.0
MAX_LABELS = 6  # more limit lines than this on one axis are drawn without their labels
FILL_STRIP_PX = 64  # rows filled at once (Qt's raster engine threads a fill of 96 or more)
Floats = npt.NDArray[np.float64]


class FlagMarkers(pg.GraphicsObject):  # type: ignore[misc]
    """Red dots on the out-of-limit points, at most one per few pixels of the visible range.

    A million readings can have thousands of flagged ones; one dot per column of a few pixels
    (one for high, one for low) looks the same. The dots are one ``drawPoints`` with a round
    cosmetic pen: a ScatterPlotItem costs more per update than the whole curve (T4).
    """

    def __init__(self, one: ChartSeries, scale: float = 1.0) -> None:
        """``scale``: the screen's device-pixel ratio (a cosmetic pen's width is in device
        pixels, so an unscaled dot is half as big on a high-DPI screen)."""
        super().__init__()
        self.setObjectName("outOfLimit")
        self._size = MARKER_SIZE_PX * scale
        self._pen = QPen(QColor(FLAG_COLOR), self._size)
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
        self._thinned_for: tuple[object, ...] | None = None
        self.viewRangeChanged()

    @property
    def flagged_count(self) -> int:
        """How many points are out of limits (more than are drawn when they crowd)."""
        return len(self._times)

    def getData(self) -> tuple[Floats, Floats]:
        """The points drawn now (as pyqtgraph's items call it)."""
        return self._shown

    def viewRangeChanged(self) -> None:
        """Thin again when the time range or the width changed (not for a value zoom: the
        value axes follow every change of what is visible)."""
        view = self.getViewBox()
        seen = (tuple(view.viewRange()[0]), view.width()) if view is not None else None
        if seen is not None and seen == self._thinned_for:
            return
        self._thinned_for = seen
        x, y = self._thinned()
        self.prepareGeometryChange()
        self._shown = (x, y)
        # Filled from the arrays in one go: a QPointF a point cost a millisecond per 2,000.
        self._polygon = pg.functions.arrayToQPolygonF(x, y) if len(x) else QPolygonF()
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
        margin_x = abs(along_x.x()) * self._size
        margin_y = abs(along_y.y()) * self._size
        return self._rect.adjusted(-margin_x, -margin_y, margin_x, margin_y)

    def paint(self, painter: QPainter, *_args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(self._pen)
        painter.drawPoints(self._polygon)


@dataclass(frozen=True)
class Limits:
    """One device's limits as a band draws them."""

    name: str
    unit: str
    low: float | None
    high: float | None
    color: QColor

    def values(self) -> list[float]:
        return [v for v in (self.low, self.high) if v is not None]


class LimitBands(pg.GraphicsObject):  # type: ignore[misc]
    """The limits of every device on one value axis: a dashed line at each limit, labelled at
    the right edge, and a faint band between a low and a high limit.

    The limits count in the value axis's auto-range (``dataBounds``), so they stay in sight
    even when every reading is well inside them; they span the whole time axis.
    """

    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.setObjectName("limitBands")
        self._scale = scale  # the device-pixel ratio, as for FlagMarkers
        self.setZValue(-10)
        self._limits: list[Limits] = []
        self._labelled = True

    @property
    def limits(self) -> list[Limits]:
        return list(self._limits)

    def set_limits(self, limits: list[Limits], *, labelled: bool = True) -> None:
        """Draw ``limits``; ``labelled`` False leaves the lines unlabelled (a crowded chart,
        where the hover says which limit a point broke)."""
        self.prepareGeometryChange()
        self._limits = [one for one in limits if one.values()]
        self._labelled = labelled
        self.informViewBoundsChanged()
        self.update()

    def dataBounds(
        self, axis: int, frac: float = 1.0, orthoRange: object = None
    ) -> tuple[float, float] | None:
        """The limits for the value axis; nothing for time (the band has no extent there)."""
        values = [v for one in self._limits for v in one.values()]
        if axis == 0 or not values:
            return None
        return min(values), max(values)

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:
        view = self.viewRect()
        bounds = self.dataBounds(1)
        if view is None or bounds is None:
            return QRectF()
        low, high = bounds
        return QRectF(view.left(), low, view.width(), high - low).united(view)

    def paint(self, painter: QPainter, *_args: object) -> None:
        view = self.viewRect()
        if view is None:
            return
        for one in _distinct_bands(self._limits):
            self._paint_band(painter, view, one)
        lines = _distinct_lines(self._limits)
        labelled = self._labelled and len(lines) <= MAX_LABELS
        for (name, value), one in lines.items():
            self._paint_line(painter, view, one, name, value, labelled=labelled)

    def _paint_band(self, painter: QPainter, view: QRectF, one: Limits) -> None:
        """The band's visible part, filled in whole screen pixels and in strips of
        ``FILL_STRIP_PX`` rows: a rectangle filled in data coordinates goes through the
        antialiased path filler, and Qt hands a fill taller than about 96 rows to its thread
        pool and waits for it; either cost a millisecond or more a band, on a busy machine,
        where the inline fill of a strip costs microseconds (T9, docs/PERFORMANCE.md)."""
        assert one.low is not None and one.high is not None
        tint = QColor(one.color)
        tint.setAlpha(BAND_ALPHA)
        band = QRectF(view.left(), one.low, view.width(), one.high - one.low).intersected(view)
        if band.isEmpty():
            return
        pixels = painter.transform().mapRect(band).toRect()
        painter.save()
        painter.resetTransform()
        for top in range(pixels.top(), pixels.bottom() + 1, FILL_STRIP_PX):
            height = min(FILL_STRIP_PX, pixels.bottom() + 1 - top)
            painter.fillRect(QRect(pixels.left(), top, pixels.width(), height), tint)
        painter.restore()

    def _paint_line(self, painter: QPainter, view: QRectF, one: Limits, name: str, value: float,
                    *, labelled: bool) -> None:  # fmt: skip
        pen = QPen(one.color, self._scale, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.drawLine(QPointF(view.left(), value), QPointF(view.right(), value))
        if labelled:
            self._label(painter, view, value, f"{name} {value:g} {one.unit}".strip(), name)

    def _label(self, painter: QPainter, view: QRectF, value: float, text: str, name: str) -> None:
        """The text at the right edge, unscaled (in screen pixels): below a high line, above a
        low one, so that it stays inside the band, which the value axis always shows."""
        at = painter.transform().map(QPointF(view.right(), value))
        painter.save()
        painter.resetTransform()
        metrics = painter.fontMetrics()
        x = at.x() - LABEL_MARGIN_PX - metrics.horizontalAdvance(text)
        below = name == "high"
        y = at.y() + metrics.ascent() + LABEL_MARGIN_PX if below else at.y() - LABEL_MARGIN_PX
        painter.setPen(QPen(painter.pen().color()))
        painter.drawText(QPointF(x, y), text)
        painter.restore()


def _distinct_bands(limits: list[Limits]) -> list[Limits]:
    """One band per distinct (low, high): ten gauges with the same limits tint it once."""
    seen: dict[tuple[float, float], Limits] = {}
    for one in limits:
        if one.low is not None and one.high is not None:
            seen.setdefault((one.low, one.high), one)
    return list(seen.values())


def _distinct_lines(limits: list[Limits]) -> dict[tuple[str, float], Limits]:
    """One dashed line (and label) per distinct limit, in the colour of its first device."""
    seen: dict[tuple[str, float], Limits] = {}
    for one in limits:
        for name, value in (("low", one.low), ("high", one.high)):
            if value is not None:
                seen.setdefault((name, value), one)
    return seen


class GridLines(pg.GraphicsObject):  # type: ignore[misc]
    """Faint lines at the time and value axes' major ticks, behind the curves.

    pyqtgraph's own grid (``showGrid``) made a frame of T4 two to three times slower: each axis
    then spans the plot and is repainted with it, and the value axis's ticks change with every
    auto-range. This item asks the axes for their ticks when the range changes and draws a few
    dozen lines.
    """

    def __init__(self, bottom: pg.AxisItem, left: pg.AxisItem, color: QColor) -> None:
        super().__init__()
        self.setObjectName("gridLines")
        self.setZValue(-20)
        self._axes = (bottom, left)
        # The date axis measures its labels with the metrics of its last paint; until then,
        # these (its own font's) let it give its ticks.
        bottom.fontMetrics = QFontMetrics(bottom.font())
        self._pen = QPen(color, 1)
        self._pen.setCosmetic(True)
        self._ticks: tuple[list[float], list[float]] = ([], [])
        self._asked: tuple[tuple[float, ...], ...] = ((), ())  # the ranges and lengths of them
        self._span = QRectF()

    def viewRangeChanged(self) -> None:
        """Ask the axes for their ticks here, never while painting, and each axis only when
        its own range or length changed (the date axis's ticks cost milliseconds, and the
        value range changes on every zoom)."""
        box = self.getViewBox()
        if box is None:
            return
        (x0, x1), (y0, y1) = box.viewRange()
        bottom, left = self._axes
        asked = ((x0, x1, box.width()), (y0, y1, box.height()))
        xs, ys = self._ticks
        if asked[0] != self._asked[0]:
            xs = _major_ticks(bottom, x0, x1, box.width())
        if asked[1] != self._asked[1]:
            ys = _major_ticks(left, y0, y1, box.height())
        self._asked, self._ticks = asked, (xs, ys)
        self._span = QRectF(x0, y0, x1 - x0, y1 - y0)
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._span)

    def paint(self, painter: QPainter, *_args: object) -> None:
        span = self._span
        painter.setPen(self._pen)
        xs, ys = self._ticks
        for x in xs:
            painter.drawLine(QPointF(x, span.top()), QPointF(x, span.bottom()))
        for y in ys:
            painter.drawLine(QPointF(span.left(), y), QPointF(span.right(), y))


def _major_ticks(axis: pg.AxisItem, low: float, high: float, pixels: float) -> list[float]:
    """The values of the axis's biggest tick level within [low, high] (its next level when
    the biggest has fewer than 3 there; none if the axis has no room yet)."""
    low, high = min(low, high), max(low, high)
    if pixels <= 0 or high <= low:
        return []
    levels = axis.tickValues(low, high, pixels)
    if not levels:
        return []
    _spacing, values = levels[1] if len(levels[0][1]) < 3 and len(levels) > 1 else levels[0]
    return [float(v) for v in values if low <= v <= high]

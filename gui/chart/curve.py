"""One device's readings as a line: one graphics item, cut to the time in view when it is long.

pyqtgraph's ``PlotDataItem`` did this before, but with dozens of devices its per-item costs
made a zoom the slowest thing the window does: each change of range re-ran its clipping and its
range limiting for every curve and recomputed every bounding rectangle, in Python, and a
zoom with 36 devices cost twice what this item does (T9, docs/PERFORMANCE.md). What a user sees
is the same:

- A series of up to ``DRAWN_WHOLE`` points is drawn whole: re-cutting it on every zoom costs
  more than drawing it.
- A longer one is cut to the time in view (with one point beyond each edge, so that the line
  reaches them) and, with more than ``POINTS_PER_PIXEL`` points to a pixel, peak-downsampled:
  each bucket of points keeps its highest and lowest value, so no spike is lost (T4).
- Values far outside the value range (a million view heights) are clamped, as pyqtgraph's
  ``dynamicRangeLimit`` does: Qt mis-draws coordinates that large.
"""

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPainterPath, QPen

DRAWN_WHOLE = 2_000
POINTS_PER_PIXEL = 5  # pyqtgraph's autoDownsampleFactor
RANGE_LIMIT = 1e6  # view heights beyond which values are clamped
Floats = npt.NDArray[np.float64]


class Curve(pg.GraphicsObject):  # type: ignore[misc]
    """A line through (``times``, ``values``), in ``pen`` (cosmetic: its width is in pixels)."""

    def __init__(self, pen: QPen) -> None:
        super().__init__()
        self.setObjectName("readings")
        self._pen = QPen(pen)
        self._times: Floats = np.empty(0)
        self._values: Floats = np.empty(0)
        self._span = QRectF()  # every value's extent, for the range limit
        self._finite = True
        self._shown: tuple[Floats, Floats] = (np.empty(0), np.empty(0))
        self._path = QPainterPath()
        self._rect = QRectF()
        self._margin: tuple[float, float] | None = None  # the pen's half width, in data units
        self._drawn_for: tuple[object, ...] | None = None

    @property
    def pen(self) -> QPen:
        return QPen(self._pen)

    def set_data(self, times: Floats, values: Floats) -> None:
        """Draw these points (``times`` sorted, in seconds)."""
        self._times, self._values = times, values
        self._finite = bool(np.isfinite(values).all())
        self._span = _extent(times, values) if len(times) else QRectF()
        self._drawn_for = None
        self.viewRangeChanged()

    def getData(self) -> tuple[Floats, Floats]:
        """The points drawn now (as pyqtgraph's items call it): cut and downsampled."""
        return self._shown

    def viewRangeChanged(self) -> None:
        """Cut and downsample again when the time range or the width changed, or the values
        in sight changed enough for the range limit to matter (pyqtgraph calls this on every
        change of the view's range; the panel calls it when the view is resized)."""
        key = self._drawing_key()
        if key == self._drawn_for:
            return
        self._drawn_for = key
        x, y = self._points()
        self.prepareGeometryChange()
        self._shown = (x, y)
        self._path = _path(x, y, finite=self._finite)
        self._rect = _extent(x, y) if len(x) else QRectF()
        self.update()

    def viewTransformChanged(self) -> None:
        super().viewTransformChanged()
        self.prepareGeometryChange()
        self._margin = None

    def _drawing_key(self) -> tuple[object, ...]:
        view = self.getViewBox()
        if view is None:
            return (None,)
        (start, end), (low, high) = view.viewRange()
        limited = self._limits(low, high)
        if len(self._times) <= DRAWN_WHOLE:
            return ("whole", limited)
        return (start, end, view.width(), limited)

    def _limits(self, low: float, high: float) -> tuple[float, float] | None:
        """The values beyond which points are clamped; None when every value is near enough."""
        height = high - low
        if height <= 0 or self._span.height() <= 2 * RANGE_LIMIT * height:
            return None
        return low - RANGE_LIMIT * height, high + RANGE_LIMIT * height

    def _points(self) -> tuple[Floats, Floats]:
        x, y = self._times, self._values
        view = self.getViewBox()
        if view is None or not len(x):
            return x, y
        (start, end), (low, high) = view.viewRange()
        if len(x) > DRAWN_WHOLE:
            x, y = _cut(x, y, start, end, view.width())
        limits = self._limits(low, high)
        if limits is not None:
            y = np.clip(y, *limits)
        return x, y

    def boundingRect(self) -> QRectF:
        if not len(self._shown[0]):
            return QRectF()
        if self._margin is None:
            along_x, along_y = self.pixelVectors()
            half = self._pen.widthF() / 2 + 1
            self._margin = (0.0, 0.0) if along_x is None else (
                abs(along_x.x()) * half, abs(along_y.y()) * half)  # fmt: skip
        margin_x, margin_y = self._margin
        return self._rect.adjusted(-margin_x, -margin_y, margin_x, margin_y)

    def paint(self, painter: QPainter, *_args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # as pyqtgraph's default
        painter.setPen(self._pen)
        painter.drawPath(self._path)


def _path(x: Floats, y: Floats, *, finite: bool) -> QPainterPath:
    """The line through the points; a value that is not a number breaks it (pyqtgraph's
    ``connect="finite"``), which only costs a check when there is one."""
    if not len(x):
        return QPainterPath()
    if finite:
        path: QPainterPath = pg.arrayToQPath(x, y, connect="all", finiteCheck=False)
    else:
        path = pg.arrayToQPath(x, y, connect="finite")
    return path


def _extent(x: Floats, y: Floats) -> QRectF:
    low, high = np.fmin.reduce(y), np.fmax.reduce(y)
    return QRectF(float(x[0]), float(low), float(x[-1] - x[0]), float(high - low))


def _cut(x: Floats, y: Floats, start: float, end: float, width: float) -> tuple[Floats, Floats]:
    """The points in [start, end] and a bucket beyond each edge (two on the right, which the
    last, partial bucket may not reach), peak-downsampled to about ``POINTS_PER_PIXEL`` points
    a pixel of ``width`` (pyqtgraph's clip-to-view and peak mode)."""
    inside = int(np.searchsorted(x, start)), int(np.searchsorted(x, end))
    step = int(max(1.0, (inside[1] - inside[0]) / (width * POINTS_PER_PIXEL))) if width > 0 else 1
    first, last = max(0, inside[0] - step), min(len(x), inside[1] + 2 * step)
    x, y = x[first:last], y[first:last]
    if step <= 1:
        return x, y
    buckets = len(x) // step
    middle = x[step // 2 : step // 2 + buckets * step : step]
    grouped = y[: buckets * step].reshape(buckets, step)
    peaks = np.empty((buckets, 2))
    peaks[:, 0] = grouped.max(axis=1)
    peaks[:, 1] = grouped.min(axis=1)
    return np.repeat(middle, 2), peaks.reshape(-1)

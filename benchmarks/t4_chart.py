"""T4: the chart's first frame and a zoom with N points, against a bare pg.PlotWidget.

Both sides get the same numpy arrays (no database) and do the same thing: show the whole series
(set the data, set the x range to all of it, y on auto-range, paint), then zoom to the middle
tenth and paint again. The baseline sets its x range explicitly rather than calling
``autoRange()``: with clip-to-view, ``autoRange()`` only sees the points clipped to the current
view, so after the first zoom it would stay zoomed in and paint a tenth of the work.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import data
from benchmarks.harness import Result, Sizes, interleaved, timed
from core.chart_data import ChartSeries

SIZE = (1000, 500)
Frame = Callable[[Any, Callable[[], object]], float]  # (widget, draw) -> seconds to paint
Side = Callable[[Frame], float]  # one side's first frame plus zoom, in seconds


def make_series(count: int) -> ChartSeries:
    """A logger's series: a daily swing and noise around 50, with rare excursions."""
    rng = np.random.default_rng(4)
    times = 1.7e9 + np.arange(count, dtype=np.float64) * 60.0
    values = 50 + 8 * np.sin(times / 86_400 * 2 * np.pi) + rng.normal(0, 2, count)
    values[rng.random(count) < 0.005] += 40
    ids = np.arange(1, count + 1, dtype=np.int64)
    return ChartSeries(1, "Bench", "B-1", "bar", 20.0, 80.0, times, values, ids)


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    from gui.ops import Ops

    app = data.qt_app()
    one = make_series(sizes.pick(100_000, 1_000_000))
    ops = Ops()
    ours, baseline, widgets = _sides(one, ops)

    def frame(widget: Any, draw: Callable[[], object]) -> float:
        def paint() -> None:
            draw()
            app.processEvents()
            widget.grab()

        return timed(paint)

    try:
        for side in (ours, baseline):
            side(frame)  # first use of each pays one-off costs
        mine, theirs = interleaved(lambda: ours(frame), lambda: baseline(frame), repeat)
    finally:
        for widget in widgets:
            widget.close()
        ops.shutdown()
    return Result("T4", f"chart first frame + zoom, {len(one.values):,} points", mine * 1000,
                  theirs * 1000, "ms", 1.3)  # fmt: skip


def _sides(one: ChartSeries, ops: Any) -> tuple[Side, Side, list[Any]]:
    """The app's chart panel and a bare PlotWidget, each as ``side(frame) -> seconds``."""
    import pyqtgraph as pg

    from gui.chart import ChartPanel

    panel = ChartPanel(ops)
    bare = pg.PlotWidget()
    for widget in (panel, bare):
        widget.resize(*SIZE)
        widget.show()
    bare.setDownsampling(auto=True, mode="peak")
    bare.setClipToView(True)
    curve = bare.plot()
    tenth = _tenth(one)

    def ours(frame: Frame) -> float:
        first = frame(panel, lambda: panel.set_series_data([one]))
        return first + frame(panel, lambda: panel.plot.setXRange(*tenth, padding=0))

    def show_bare() -> None:
        curve.setData(one.times_s, one.values)
        bare.setXRange(float(one.times_s[0]), float(one.times_s[-1]))
        bare.enableAutoRange(y=True)

    def baseline(frame: Frame) -> float:
        first = frame(bare, show_bare)
        return first + frame(bare, lambda: bare.setXRange(*tenth, padding=0))

    return ours, baseline, [panel, bare]


def _tenth(one: ChartSeries) -> tuple[float, float]:
    start, end = float(one.times_s[0]), float(one.times_s[-1])
    middle = (start + end) / 2
    return middle - (end - start) / 20, middle + (end - start) / 20

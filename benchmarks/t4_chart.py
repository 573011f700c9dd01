"""T4: the chart's first frame and a zoom with N points, against a bare pg.PlotWidget."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import data
from benchmarks.harness import Result, Sizes, interleaved, timed
from core.chart_data import ChartSeries


def make_series(count: int) -> ChartSeries:
    """A logger's series: a daily swing and noise around 50, with rare excursions."""
    rng = np.random.default_rng(4)
    times = 1.7e9 + np.arange(count, dtype=np.float64) * 60.0
    values = 50 + 8 * np.sin(times / 86_400 * 2 * np.pi) + rng.normal(0, 2, count)
    values[rng.random(count) < 0.005] += 40
    ids = np.arange(1, count + 1, dtype=np.int64)
    return ChartSeries(1, "Bench", "bar", 20.0, 80.0, times, values, ids)


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    import pyqtgraph as pg

    from gui.chart import ChartPanel
    from gui.ops import Ops

    app = data.qt_app()
    one = make_series(sizes.pick(100_000, 1_000_000))
    ops = Ops()
    panel = ChartPanel(ops)
    panel.resize(1000, 500)
    panel.show()
    bare = pg.PlotWidget()
    bare.resize(1000, 500)
    bare.show()
    bare.setDownsampling(auto=True, mode="peak")
    bare.setClipToView(True)
    curve = bare.plot()

    def frame(widget: Any, draw: Callable[[], object]) -> float:
        def paint() -> None:
            draw()
            app.processEvents()
            widget.grab()

        return timed(paint)

    def ours() -> float:
        first = frame(panel, lambda: panel.set_series_data([one]))
        zoom = frame(panel, lambda: panel.plot.setXRange(*_tenth(one), padding=0))
        return first + zoom

    def show_bare() -> None:
        curve.setData(one.times_s, one.values)
        bare.autoRange()

    def baseline() -> float:
        first = frame(bare, show_bare)
        zoom = frame(bare, lambda: bare.setXRange(*_tenth(one), padding=0))
        return first + zoom

    try:
        ours(), baseline()  # first use of each pays one-off costs
        mine, theirs = interleaved(ours, baseline, repeat)
    finally:
        panel.close()
        bare.close()
        ops.shutdown()
    return Result("T4", f"chart first frame + zoom, {len(one.values):,} points", mine * 1000,
                  theirs * 1000, "ms", 1.3)  # fmt: skip


def _tenth(one: ChartSeries) -> tuple[float, float]:
    start, end = float(one.times_s[0]), float(one.times_s[-1])
    middle = (start + end) / 2
    return middle - (end - start) / 20, middle + (end - start) / 20

"""The legend above the plot, and what a crowded chart does with it."""

from tests.gui.chart.chart_support import long_series


def test_a_crowded_chart_gets_a_one_line_legend_and_unlabelled_limits(qtbot, chart) -> None:
    many = [long_series(n) for n in range(14)]
    chart.set_series_data(many)
    qtbot.waitUntil(lambda: not chart.drawing, timeout=10_000)
    assert chart.legend.text().startswith("14 devices in 4 units")
    assert chart.legend.toolTip().count("<br>") == 13 and "D13 (A)" in chart.legend.toolTip()
    assert not any(axis.bands._labelled for axis in chart.axes)
    chart.set_series_data(many[:2])
    qtbot.waitUntil(lambda: not chart.drawing)
    assert "D0 (V)" in chart.legend.text() and chart.legend.toolTip() == ""
    assert all(axis.bands._labelled for axis in chart.axes)

"""The chart's legend: above the plot, so that it never covers the data or a tooltip."""

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from core.chart_data import ChartSeries
from gui.chart.traces import label

LEGEND_ENTRIES = 12  # more devices than this get a one-line legend (names in its tooltip)


class Legend(QLabel):
    """A coloured square and a name per device; beyond a dozen devices a list of names would
    take the plot's room, so one line says how many and the tooltip names them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartLegend")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self._labels: list[str] = []

    def show_series(self, series: list[ChartSeries], colors: dict[int, str]) -> None:
        """List ``series``, each in its device's colour."""
        self._labels = [label(one) for one in series]
        entries = [_entry(one, colors[one.device_id]) for one in series]
        units = len({one.unit for one in series})
        if len(entries) > LEGEND_ENTRIES:
            self.setText(f"{len(entries)} devices in {units} units — point here for "
                         "the list, or at a curve for its device")  # fmt: skip
            self.setToolTip("<br>".join(entries))
        else:
            self.setText("&nbsp;&nbsp; ".join(entries))
            self.setToolTip("")
        self.setVisible(bool(entries))

    def entries(self) -> list[str]:
        """The devices listed, as "name (unit)"."""
        return list(self._labels)


def _entry(one: ChartSeries, color: str) -> str:
    return f'<span style="color:{color}">■</span>&nbsp;{html.escape(label(one))}'

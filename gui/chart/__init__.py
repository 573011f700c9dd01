"""The reading chart: one curve per device, one value axis per unit, limit bands and flags.

The window uses ``ChartPanel``; the modules are the panel's pieces:

- ``panel.py``: the panel, which loads the series and draws them a few devices at a time;
- ``traces.py``: one device's curve and markers, and its colour;
- ``curve.py``: the item that draws a device's line, cut to the time in view when long;
- ``axes.py``: the value axes, one per unit, with their limit bands, fitted to what is visible;
- ``items.py``: the pyqtgraph items that draw the markers, limit bands and grid;
- ``legend.py``: the legend above the plot;
- ``time_range.py``: the range presets, Reset zoom and the wheel;
- ``hover.py``: the label of the point under the mouse;
- ``export.py``: Export PNG… and Export CSV….

Only this package imports pyqtgraph, and the window imports it after its first paint: pyqtgraph
costs most of a second to import.
"""

from gui.chart.panel import ChartPanel

__all__ = ["ChartPanel"]

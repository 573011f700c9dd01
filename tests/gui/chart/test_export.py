"""Export PNG and Export CSV: the chart as on screen, the visible readings as File → Export."""

import csv
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from core.devices import DeviceFields, create_device
from core.readings import NewReading, add_reading
from gui.chart.panel import ChartPanel
from tests.gui.chart.chart_support import GAUGE_VALUES, NOW, loaded


def test_export_png_writes_a_chart_image(
    qtbot: QtBot, chart: ChartPanel, devices: list[int], tmp_path: Path
) -> None:
    loaded(qtbot, chart, devices)
    folder = tmp_path / "export"
    folder.mkdir()
    path = folder / "chart.png"
    chart.export_png(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(path))
    assert not image.isNull() and image.width() == chart.plot_widget.width()
    assert [p.name for p in folder.iterdir()] == ["chart.png"]


def test_export_csv_writes_exactly_the_visible_points(
    qtbot: QtBot, chart: ChartPanel, devices: list[int], tmp_path: Path
) -> None:
    loaded(qtbot, chart, devices[:1])
    start, end = (NOW - timedelta(hours=h, minutes=30) for h in (5, 2))
    chart.plot.setXRange(start.timestamp(), end.timestamp(), padding=0)
    folder = tmp_path / "export"
    folder.mkdir()
    path = folder / "visible.csv"
    with qtbot.waitSignal(chart.exported) as done:
        chart.export_visible_csv(path)
    assert done.args[0].readings == 3
    with path.open(encoding="utf-8-sig", newline="") as handle:  # the BOM a spreadsheet wants
        rows = list(csv.DictReader(handle))
    assert [float(r["value"]) for r in rows] == GAUGE_VALUES[1:4]
    assert [r["limit"] for r in rows] == ["", "above", ""]
    assert {r["device"] for r in rows} == {"Gauge"} and {r["unit"] for r in rows} == {"bar"}
    assert [r["operator"] for r in rows] == ["Ana"] * 3
    first = datetime.fromisoformat(rows[0]["time"])
    assert first.utcoffset() is not None and first == NOW - timedelta(hours=5)
    # no temporary left; the devices beside, as every CSV export writes them
    assert sorted(p.name for p in folder.iterdir()) == ["visible.csv", "visible.devices.csv"]


def test_the_chart_csv_is_formula_safe_and_imports_back(qtbot, chart, db, tmp_path) -> None:
    """One writer for every export: the chart's CSV is File → Export's, so it re-imports."""
    from core.importing.formats import ImportOptions, open_import
    from core.importing.service import import_parsed
    from core.launch import open_database
    from core.readings import count_readings

    hostile = '=HYPERLINK("http://example.invalid","x")'
    made = create_device(db, DeviceFields(name=hostile, default_unit="bar"))
    for hours, value in ((3, 1.5), (2, 2.5), (1, 3.5)):
        add_reading(db, NewReading(made.id, value, NOW - timedelta(hours=hours)))
    loaded(qtbot, chart, [made.id])
    path = tmp_path / "chart.csv"
    with qtbot.waitSignal(chart.exported):
        chart.export_visible_csv(path)
    text = path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text and "\n=HYPERLINK" not in text
    other = open_database(tmp_path / "other.db").database
    try:
        report = import_parsed(other, open_import(path, ImportOptions()), create_devices=True)
        assert report.accepted == 3 and report.devices_created == [hostile]
        assert count_readings(other) == 3
        again = import_parsed(other, open_import(path, ImportOptions()), create_devices=True)
        assert again.accepted == 0 and count_readings(other) == 3
    finally:
        other.close()

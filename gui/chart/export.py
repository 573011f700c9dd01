"""Export PNG… and Export CSV… on the chart's toolbar.

The PNG is the chart as it is on screen. The CSV is the shown devices' readings in the visible
time range, written by the same exporter as File → Export (``core.exporting``: its columns,
formula-safe text, and a file that imports back). Both are written beside the target and
renamed over it.
"""

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from core.db import Database
from core.exporting import ExportFormat, ExportRequest
from core.files import write_atomically
from gui.messages import explain
from gui.operations.exports import export_readings
from gui.ops import Done, Failed, Ops


def save_png(widget: QWidget, path: Path) -> None:
    """``widget`` as it is on screen, as a PNG image."""
    image = widget.grab()
    write_atomically(path, lambda tmp: image.save(str(tmp), "PNG"))


def export_csv(ops: Ops, db: Database, request: ExportRequest, path: Path, *, done: Done,
               failed: Failed) -> None:  # fmt: skip
    """Write ``request``'s readings to ``path`` as an op; ``done`` gets the ExportSummary."""
    export_readings(ops, db, path, ExportFormat.CSV, request).done(done).failed(failed).run()


def ask_png_path(parent: QWidget) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export chart", "chart.png", "PNG (*.png)")
    return Path(path) if path else None


def ask_csv_path(parent: QWidget) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export visible readings", "readings.csv",
                                          "CSV (*.csv)")  # fmt: skip
    return Path(path) if path else None


def warn_export_failed(parent: QWidget, exc: BaseException) -> None:
    QMessageBox.warning(parent, "Export", explain(exc, "Could not export"))

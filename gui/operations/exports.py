"""Writing readings to a file: File → Export and the chart's Export CSV…."""

from pathlib import Path

from core.db import Database
from core.exporting import ExportFormat, ExportRequest, ExportSummary, export
from core.exporting.job import Cancelled
from core.progress import Progress
from gui.operations import DatabaseOp
from gui.ops import Ops


def export_readings(ops: Ops, db: Database, path: Path, fmt: ExportFormat,
                    request: ExportRequest, *, progress: Progress | None = None,
                    cancelled: Cancelled | None = None,
                    ) -> DatabaseOp[ExportSummary]:  # fmt: skip
    """Write ``request``'s readings to ``path`` (beside it first, then renamed over it);
    ``cancelled()`` turning true stops it with ``ExportCancelled`` and no file."""

    def work() -> ExportSummary:
        return export(db, path, fmt, request, progress=progress, cancelled=cancelled)

    return DatabaseOp(ops, work, "Exporting")

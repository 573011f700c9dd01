"""The imports' actions: read a file, the dry run, the import, the history and undoing one.

The dry run and the import do the same work (``core.importing.service.import_parsed``), the
dry run rolled back; both open the file afresh, since a parsed file is read once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.db import Database
from core.importing.formats import ImportOptions, open_import
from core.importing.history import BatchRecord, BatchUndone, list_batches, undo_batch
from core.importing.parsed import ParsedFile
from core.importing.report import ImportReport
from core.importing.service import import_parsed
from core.progress import Progress
from gui.operations import DatabaseOp
from gui.ops import Ops


def read_file(ops: Ops, path: Path, options: ImportOptions) -> DatabaseOp[ParsedFile]:
    """How the file reads with ``options``: its channels and a preview (the wizard's pages)."""
    return DatabaseOp(ops, lambda: open_import(path, options), "Reading the file")


@dataclass(frozen=True)
class ImportJob:
    """One file to import as the wizard's pages set it up, and how the work reports to it."""

    path: Path
    options: ImportOptions
    create_devices: bool  # make a device for a channel no device matches
    progress: Progress  # (bytes read, file size)
    cancelled: Callable[[], bool]  # polled: True stops it, with nothing written


def dry_run(ops: Ops, db: Database, job: ImportJob) -> DatabaseOp[ImportReport]:
    """The report the import would give, with nothing written."""
    return DatabaseOp(ops, lambda: _import(db, job, dry_run=True), "Checking the import")


def import_file(ops: Ops, db: Database, job: ImportJob) -> DatabaseOp[ImportReport]:
    """Import the file as one batch (nothing new: nothing written)."""
    return DatabaseOp(ops, lambda: _import(db, job, dry_run=False), "Importing")


def _import(db: Database, job: ImportJob, *, dry_run: bool) -> ImportReport:
    parsed = open_import(job.path, job.options)
    return import_parsed(db, parsed, dry_run=dry_run, create_devices=job.create_devices,
                         progress=job.progress, cancelled=job.cancelled)  # fmt: skip


def list_imports(ops: Ops, db: Database) -> DatabaseOp[list[BatchRecord]]:
    """Every import into the database, newest first."""
    return DatabaseOp(ops, lambda: list_batches(db), "Listing the imports")


def undo_import(ops: Ops, db: Database, batch_id: int) -> DatabaseOp[BatchUndone]:
    """Remove an import's readings, and the devices it made that nothing else uses."""
    return DatabaseOp(ops, lambda: undo_batch(db, batch_id), "Undoing the import")

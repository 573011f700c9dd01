"""Opening a file through the launch contract, and what the window does around it: setting a
stray WAL aside, the background integrity check, closing.

The window runs these on its way to the first paint's aftermath, before SQLAlchemy and Alembic
are loaded: the core is imported in the work, on the database thread.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from core.progress import Say
from gui.operations import DatabaseOp, ProgressOp
from gui.ops import Ops

if TYPE_CHECKING:
    from core.db import Database
    from core.launch import LaunchResult

launch_options: dict[str, Any] = {}
"""Keyword arguments every launch from the window passes on to ``core.launch.open_database``:
none in the app; a test sets ``lock_timeout`` or ``script_location`` here."""


def open_file(ops: Ops, path: Path | None, *, demo: bool,
              parent: QWidget) -> ProgressOp["LaunchResult"]:  # fmt: skip
    """Open ``path`` (None: the per-user file); with ``demo``, fill a new file with samples."""

    def work(say: Say) -> "LaunchResult":
        from core.launch import open_database

        result = open_database(path, progress=say, **launch_options)
        if demo:
            _fill_with_samples(result.database, say)
        return result

    return ProgressOp(ops, work, "Opening the database…", parent)


def _fill_with_samples(db: "Database", say: Say) -> None:
    from core.demo import create_demo
    from core.devices import count_devices

    if count_devices(db, include_archived=True) == 0:
        create_demo(db, progress=say)


def set_aside_wal(ops: Ops, path: Path, parent: QWidget) -> ProgressOp[Path]:
    """Rename the stray -wal beside ``path`` (kept); the result is where it went."""

    def work(_say: Say) -> Path:
        from core import maintenance

        return maintenance.set_aside_wal(path)

    return ProgressOp(ops, work, "Setting the stray file aside…", parent)


def check_integrity(
    checks: Ops, path: Path, stop: Callable[[], bool]
) -> DatabaseOp[list[str] | None]:
    """SQLite's quick check of the open file on ``checks``, a thread beside the user's work:
    the problems found ([] when sound), or None when ``stop()`` turned true first."""

    def work() -> list[str] | None:
        from core.maintenance import check_while_open

        return check_while_open(path, stop)

    return DatabaseOp(checks, work, "integrity check")


def close_database(ops: Ops, db: "Database") -> DatabaseOp[None]:
    """Close ``db`` after the work queued before (a replaced file, another file opened)."""
    return DatabaseOp(ops, db.close, "Closing the database")

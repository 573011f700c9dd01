"""The database work behind opening, creating and restoring files, run as ops.

These functions run on the database thread; they import the core lazily so that the window
can paint before SQLAlchemy and Alembic are loaded.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.db import Database
    from core.launch import LaunchResult

Progress = Callable[[str], None]

launch_options: dict[str, Any] = {}
"""Keyword arguments every launch from the window passes on to ``core.launch.open_database``:
none in the app; a test sets ``lock_timeout`` or ``script_location`` here."""


def launch_work(path: Path | None, demo: bool) -> Callable[[Progress], "LaunchResult"]:
    """Open ``path`` through the launch contract; with ``demo``, fill a new file with samples."""

    def work(progress: Progress) -> "LaunchResult":
        from core.launch import open_database

        result = open_database(path, progress=progress, **launch_options)
        if demo:
            _fill_with_samples(result.database, progress)
        return result

    return work


def _fill_with_samples(db: "Database", progress: Progress) -> None:
    from core.demo import create_demo
    from core.devices import count_devices

    if count_devices(db, include_archived=True) == 0:
        create_demo(db, progress=progress)


def restore_newest_work(path: Path) -> Callable[[Progress], Path | None]:
    def work(progress: Progress) -> Path | None:
        from core import maintenance
        from core.backup import list_backups

        newest = list_backups(path)[0]
        return maintenance.restore(path, newest.path, progress)

    return work


def set_aside_wal_work(path: Path) -> Callable[[Progress], Path]:
    def work(_progress: Progress) -> Path:
        from core import maintenance

        return maintenance.set_aside_wal(path)

    return work


def restore_work(db: "Database", path: Path, backup: Path) -> Callable[[Progress], Path | None]:
    def work(progress: Progress) -> Path | None:
        from core import maintenance

        db.close()  # every connection closed first: Windows cannot replace an open file
        return maintenance.restore(path, backup, progress)

    return work

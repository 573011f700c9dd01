"""The backups' actions: list them, restore one.

The window calls these after a launch fails, when SQLAlchemy may not be loaded yet: the core
is imported in the work, on the database thread.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from core.progress import Say
from gui.operations import DatabaseOp, ProgressOp
from gui.ops import Ops

if TYPE_CHECKING:
    from core.backup import BackupInfo
    from core.db import Database


def list_backups(ops: Ops, path: Path) -> DatabaseOp[list["BackupInfo"]]:
    """The backups of the database at ``path``, newest first."""

    def work() -> list["BackupInfo"]:
        from core.backup import list_backups

        return list_backups(path)

    return DatabaseOp(ops, work, "Listing the backups")


def has_backup(ops: Ops, path: Path) -> DatabaseOp[bool]:
    """Whether there is a backup to offer (a failed launch's dialog asks)."""
    listed = list_backups(ops, path).work
    return DatabaseOp(ops, lambda: bool(listed()), "Looking for backups")


def restore_backup(ops: Ops, db: "Database", path: Path, backup: Path,
                   parent: QWidget) -> ProgressOp[Path | None]:  # fmt: skip
    """Close ``db`` (Windows cannot replace an open file) and put ``backup`` in its place; the
    result is the safety copy of what it replaced (None: there was nothing to keep)."""

    def work(say: Say) -> Path | None:
        from core import maintenance

        db.close()  # every connection closed first
        return maintenance.restore(path, backup, say)

    return ProgressOp(ops, work, "Restoring the backup…", parent)


def restore_newest_backup(ops: Ops, path: Path, parent: QWidget) -> ProgressOp[Path | None]:
    """Put the newest backup in the place of the file at ``path`` (a launch failed on it)."""

    def work(say: Say) -> Path | None:
        from core import maintenance
        from core.backup import list_backups

        return maintenance.restore(path, list_backups(path)[0].path, say)

    return ProgressOp(ops, work, "Restoring the newest backup…", parent)

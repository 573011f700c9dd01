"""The databases opened lately: File → Open Recent, and the file the next launch reopens.

Kept in QSettings, newest first. A file that no longer exists is left out of the menu and is
not reopened (the launch then opens the per-user default, as on a first start).
"""

import os
from pathlib import Path

from PySide6.QtCore import QSettings

RECENT_KEY = "database/recent"
LAST_KEY = "database/last"
KEEP = 8


def recent_files() -> list[Path]:
    """The recent databases that still exist, newest first."""
    stored = QSettings().value(RECENT_KEY, [])
    names = [stored] if isinstance(stored, str) else stored if isinstance(stored, list) else []
    return [Path(str(name)) for name in names if Path(str(name)).is_file()]


def remember(path: Path) -> None:
    """``path`` was just opened: first in the list, and the one the next launch opens."""
    settings = QSettings()
    named = str(path.resolve())
    kept = [str(p) for p in recent_files() if str(p) != named]
    settings.setValue(RECENT_KEY, [named, *kept][:KEEP])
    settings.setValue(LAST_KEY, named)


def startup_database(chosen: Path | None) -> Path | None:
    """What the window opens at launch: ``--db``, else ``$FIELDLOG_DB`` (None: the core's
    resolution applies it), else the database open when FieldLog last closed, if it still
    exists, else None (the per-user default)."""
    if chosen is not None or os.environ.get("FIELDLOG_DB"):
        return chosen
    last = QSettings().value(LAST_KEY)
    return Path(str(last)) if last and Path(str(last)).is_file() else None

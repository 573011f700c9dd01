"""Where FieldLog keeps its files: per-user folders from platformdirs, overridable.

The database path is, in order: a ``--db`` option, the ``FIELDLOG_DB`` environment variable,
the per-user data folder. Nothing here creates a folder; the code that writes does.
"""

import os
from pathlib import Path

import platformdirs

APP_NAME = "FieldLog"
APP_AUTHOR = "FieldLog"
DB_FILENAME = "fieldlog.db"
DB_ENV = "FIELDLOG_DB"
LOG_DIR_ENV = "FIELDLOG_LOG_DIR"


def default_db_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, APP_AUTHOR) / DB_FILENAME


def resolve_db_path(option: str | os.PathLike[str] | None = None) -> Path:
    chosen = option or os.environ.get(DB_ENV) or default_db_path()
    return Path(chosen).expanduser().resolve()


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR_ENV)
    return Path(override) if override else platformdirs.user_log_path(APP_NAME, APP_AUTHOR)


def backups_dir(db_path: Path) -> Path:
    """Backups live in a folder next to the database they belong to."""
    return db_path.parent / "backups"

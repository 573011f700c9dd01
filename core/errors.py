"""Failures a user can meet, each with a message that says what happened and what to do.

The GUI and the CLI show ``str(error)``; nothing here carries a traceback to the user.
"""

import errno
from pathlib import Path


class FieldLogError(Exception):
    """Base for errors with a message meant for the user."""


class DatabaseError(FieldLogError):
    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


class NotADatabaseError(DatabaseError):
    """The file is not SQLite at all, or its header is damaged."""


class NotFieldLogError(DatabaseError):
    """A valid SQLite file that some other program wrote."""


class CorruptDatabaseError(DatabaseError):
    """SQLite's own checks failed."""


class NewerDatabaseError(DatabaseError):
    """Written by a newer FieldLog that changed the schema in a way this build cannot read."""


class UnknownRevisionError(DatabaseError):
    """A revision this build has never heard of, with no marker saying it is newer."""


class DatabaseLockedError(DatabaseError):
    """Another program holds the database (or its upgrade lock) for too long."""


class DatabaseInUseError(DatabaseLockedError):
    """Another FieldLog process has the file open for writing (see ``core.open_lock``)."""


class DatabaseReplacedError(DatabaseError):
    """The file was replaced or removed while this process had it open: nothing more is
    written to it, so that nothing lands in a file the user no longer sees."""


class StrayWalError(DatabaseError):
    """A ``-wal`` file beside the database that does not belong to it (``core.wal``): it is
    neither applied nor removed until the user sets it aside."""


class ReadOnlyLocationError(DatabaseError):
    """The file or its folder cannot be written."""


class InsufficientSpaceError(DatabaseError):
    """Not enough free disk for a backup and a migration."""


class BackupError(DatabaseError):
    """A backup could not be written or did not verify."""


class UpgradeFailedError(DatabaseError):
    """The upgrade failed; the database was put back as it was."""

    def __init__(self, path: Path, message: str, backup: Path | None) -> None:
        super().__init__(path, message)
        self.backup = backup


class ValidationError(FieldLogError):
    """Input that FieldLog refuses, with one message per field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {why}" for name, why in problems.items()))
        self.problems = problems


class NotFoundError(FieldLogError):
    pass


def from_the_database(exc: BaseException) -> bool:
    """SQLite's own errors, bare or wrapped by SQLAlchemy, known by their module (so that the
    window and the CLI can tell them without importing either)."""
    return type(exc).__module__.split(".")[0] in ("sqlite3", "sqlalchemy")


def os_error_text(exc: OSError, doing: str = "", filename: str | None = None) -> str:
    """One line for what the operating system refused (a full disk, a pulled stick, a folder
    that may not be written), with the file it concerns (``filename``, else the error's) and
    what to do."""
    name = filename or exc.filename
    where = f" {name}" if name else ""
    before = f"{doing}: " if doing else ""
    if exc.errno == errno.ENOSPC:
        return (
            f"{before}the disk holding{where or ' the file'} is full. Free some space on it and "
            "try again; nothing was half-written."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"{before}FieldLog may not write{where or ' there'} ({exc.strerror}). Choose a "
            "folder you can write to, or ask IT for access; nothing was changed."
        )
    what = exc.strerror or str(exc)
    return f"{before}{what}{f' ({name})' if name and not doing else ''}. " + (
        "Nothing was half-written; try again, and check the disk if it happens again."
    )

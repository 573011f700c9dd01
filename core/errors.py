"""Failures a user can meet, each with a message that says what happened and what to do.

The GUI and the CLI show ``str(error)``; nothing here carries a traceback to the user. The ways
opening a database can fail, each with the words and choices the window shows for it, are in
``core.launch_errors``.
"""

import errno
from pathlib import Path


class FieldLogError(Exception):
    """Base for errors with a message meant for the user."""


class DatabaseError(FieldLogError):
    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


class DatabaseReplacedError(DatabaseError):
    """The file was replaced or removed while this process had it open: nothing more is
    written to it, so that nothing lands in a file the user no longer sees."""


class SchemaMismatchError(DatabaseError):
    """A file's schema is not the one a revision makes: it may not be stamped that revision."""


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

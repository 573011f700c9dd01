"""The ways opening a database can fail, each a class that carries all of its words.

``str(error)`` is the one line the CLI prints and the window shows under "Show Details…": the
file, the revision, SQLite's reason and what to do, built by the class's constructors from
those facts. ``words`` is what the window's dialog says above it (a title and a summary in a
technician's words, no file names) and the ``Action``s it offers. A new way to fail is a new
class here; ``gui/launch_dialogs.py`` shows any of them without knowing which it is. The
module runs past 400 lines on purpose: it is the one catalogue of a launch's failures, and
splitting it would put a failure's words in two places.
"""

import enum
import errno
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from core.errors import DatabaseError


class Action(enum.Enum):
    """What the window offers once a launch has failed; ``gui/launch_dialogs.py`` gives each
    its button, and the window its handler."""

    RETRY = enum.auto()
    RESTORE = enum.auto()  # put the newest backup in the file's place (offered only if one exists)
    SET_ASIDE = enum.auto()  # rename a stray -wal beside the file (kept), then open the file
    OPEN_OTHER = enum.auto()
    QUIT = enum.auto()


ELSEWHERE = (Action.OPEN_OTHER, Action.QUIT)


@dataclass(frozen=True)
class Failure:
    """What the window says about a failed launch, and what it offers."""

    kind: str  # also the dialog's object name: launchFailure-<kind>
    title: str
    summary: str
    actions: tuple[Action, ...]
    passing: bool = False  # it goes away by itself (another program lets go): a warning
    if_backup: str = ""  # said after the summary when the file has a backup
    if_no_backup: str = ""  # ... and when it has none

    def for_file(self, has_backup: bool) -> "Failure":
        """These words for a file with or without a backup: restoring is offered only with."""
        note = self.if_backup if has_backup else self.if_no_backup
        return replace(
            self,
            summary=f"{self.summary} {note}" if note else self.summary,
            actions=tuple(a for a in self.actions if has_backup or a is not Action.RESTORE),
            if_backup="",
            if_no_backup="",
        )


UNEXPECTED = Failure(
    "unexpected",
    "FieldLog could not open the database",
    "Something unexpected went wrong while opening the database. Nothing was changed. Please "
    "send the log file to support.",
    (Action.RETRY, *ELSEWHERE),
)


def failure_of(exc: BaseException, has_backup: bool) -> Failure:
    """What the window says about ``exc``, any exception a launch raised, and what it offers;
    ``has_backup``: the file has a backup to restore."""
    if isinstance(exc, LaunchError):
        return exc.failure(has_backup)
    return UNEXPECTED


class LaunchError(DatabaseError):
    """A way opening a database can fail that the window knows how to explain (``words``)."""

    words: ClassVar[Failure] = UNEXPECTED

    def failure(self, has_backup: bool) -> Failure:
        return self.words.for_file(has_backup)


_DAMAGED = Failure(
    "corrupt",
    "The database is damaged",
    "FieldLog cannot read this file: it is damaged or not a FieldLog database. It has been "
    "left exactly as it is.",
    (Action.RESTORE, *ELSEWHERE),
    if_backup="You can restore the newest backup; the damaged file is kept.",
    if_no_backup="There is no backup of it to restore.",
)


class NotADatabaseError(LaunchError):
    """The file is not SQLite at all, or its header is damaged."""

    words = _DAMAGED

    @classmethod
    def folder(cls, path: Path) -> "NotADatabaseError":
        return cls(path, f"{path} is a folder, not a database file.")

    @classmethod
    def not_a_file(cls, path: Path) -> "NotADatabaseError":
        return cls(
            path,
            f"{path} is not a regular file (a device, a pipe or a socket), so it cannot be a "
            "FieldLog database, and nothing was written to it. Choose a database file.",
        )

    @classmethod
    def not_sqlite(cls, path: Path) -> "NotADatabaseError":
        return cls(
            path,
            f"{path} is not a FieldLog database: it is not an SQLite file, or its first bytes "
            "are damaged. It was left as it is. Restore it from a backup or open another file.",
        )


class CorruptDatabaseError(LaunchError):
    """SQLite's own checks failed."""

    words = _DAMAGED

    @classmethod
    def damaged(cls, path: Path, detail: str) -> "CorruptDatabaseError":
        return cls(
            path,
            f"The database {path} is damaged ({detail}). It was left as it is. Restore the "
            "newest backup (fieldlog db backups / db restore) or send the file to support.",
        )

    @classmethod
    def tables_missing(
        cls, path: Path, revision: str, missing: Iterable[str]
    ) -> "CorruptDatabaseError":
        return cls(
            path,
            f"The database {path} says it is at schema revision {revision} but has no table "
            f"{', '.join(sorted(missing))}: its tables were dropped, or it was stamped without "
            "being migrated. It was left as it is. Restore the newest backup (fieldlog db "
            "backups / db restore); `fieldlog db status` says what it holds.",
        )

    @classmethod
    def unrecorded(cls, path: Path) -> "CorruptDatabaseError":
        return cls(
            path,
            f"The database {path} holds FieldLog's tables but no schema revision record, so "
            "which migrations it has had is unknown. It was left as it is. `fieldlog db status` "
            "says which revision its schema is, and `fieldlog db stamp REVISION` records it; or "
            "restore the newest backup (fieldlog db backups / db restore).",
        )


class NotFieldLogError(LaunchError):
    """A valid SQLite file that some other program wrote."""

    words = Failure(
        "foreign",
        "Not a FieldLog database",
        "This file belongs to another program. FieldLog has not changed it.",
        ELSEWHERE,
    )

    @classmethod
    def foreign(cls, path: Path) -> "NotFieldLogError":
        return cls(
            path,
            f"{path} is an SQLite database written by another program, not FieldLog. It was "
            "left as it is. Open a FieldLog database instead.",
        )


class NewerDatabaseError(LaunchError):
    """Written by a newer FieldLog that changed the schema in a way this build cannot read."""

    words = Failure(
        "newer",
        "Database from a newer FieldLog",
        "This database was written by a newer version of FieldLog. This version cannot use it "
        "safely, so it has not touched it. Install the newer FieldLog to keep working with it.",
        ELSEWHERE,
    )

    @classmethod
    def unreadable(cls, path: Path, revision: str | None, known: str) -> "NewerDatabaseError":
        return cls(
            path,
            f"The database {path} was written by a newer version of FieldLog (schema revision "
            f"{revision}, this version knows up to {known}) in a way this version cannot read "
            "safely. Nothing was written to it. Install the newer FieldLog, or open another "
            "file.",
        )


class UnknownRevisionError(LaunchError):
    """A revision this build has never heard of, with no marker saying it is newer."""

    words = Failure(
        "unknown",
        "Unknown database version",
        "This database is at a version this FieldLog does not know. It has not been changed.",
        ELSEWHERE,
    )

    @classmethod
    def unheard_of(cls, path: Path, revision: str) -> "UnknownRevisionError":
        return cls(
            path,
            f"The database {path} is at schema revision {revision!r}, which this version of "
            "FieldLog does not know and which carries no sign of being from a newer version. "
            "Nothing was written to it. Open another file or contact support.",
        )


class DatabaseLockedError(LaunchError):
    """Another program holds the database (or its upgrade lock) for too long."""

    words = Failure(
        "locked",
        "The database is in use",
        "Another FieldLog, or another program such as a sync or backup tool, is using this "
        "database. Close it, then try again.",
        (Action.RETRY, *ELSEWHERE),
        passing=True,
    )

    @classmethod
    def by_another_program(cls, path: Path) -> "DatabaseLockedError":
        return cls(
            path,
            f"The database {path} is locked by another program (another FieldLog, a sync or "
            "backup tool). Close it and try again. Nothing was changed.",
        )

    @classmethod
    def migration_timed_out(cls, path: Path, timeout: float) -> "DatabaseLockedError":
        return cls(
            path,
            f"Another FieldLog has been upgrading {path} for more than {timeout:.0f} s. Wait "
            "for it to finish, or close it, and try again. Nothing was changed.",
        )


class DatabaseInUseError(DatabaseLockedError):
    """Another FieldLog process has the file open for writing (see ``core.open_lock``)."""

    @classmethod
    def open_in(cls, path: Path, who: str) -> "DatabaseInUseError":
        return cls(
            path,
            f"The database {path} is open in {who}. Close it there first (quit that FieldLog), "
            "then try again; reading it (status, check, lists, exports) works meanwhile.",
        )


class StrayWalError(LaunchError):
    """A ``-wal`` file beside the database that does not belong to it (``core.wal``): it is
    neither applied nor removed until the user sets it aside."""

    words = Failure(
        "straywal",
        "A file beside the database does not belong to it",
        "Beside this database lies a write-ahead log (its name ends in -wal) left by another "
        "copy of the file. Opened over it, the database would lose newer data, so FieldLog has "
        "not opened or changed either file. If this database is the copy you want, set the log "
        "aside: it is renamed and kept, not deleted. If you copied this database here by hand, "
        "put back the file that was there instead.",
        (Action.SET_ASIDE, *ELSEWHERE),
    )

    @classmethod
    def beside(cls, path: Path, wal_name: str, reason: str) -> "StrayWalError":
        return cls(
            path,
            f"The file {wal_name} beside {path} does not belong to it: {reason}. FieldLog has "
            f"not opened or changed either file. If {path.name} is the copy you want, set "
            f"{wal_name} aside (the window offers it; on the command line: fieldlog --db {path} "
            f"db set-aside-wal) and open the database again; if you put {path.name} there by "
            "hand, put back the file that was there before.",
        )


class ReadOnlyLocationError(LaunchError):
    """The file or its folder cannot be written."""

    words = Failure(
        "readonly",
        "FieldLog cannot write here",
        "The database, or the folder it is in, is read-only. Move it to a folder you can write "
        "to (such as your Documents), or ask IT for write access.",
        ELSEWHERE,
    )

    @classmethod
    def cannot_write(cls, path: Path, reason: object) -> "ReadOnlyLocationError":
        return cls(
            path,
            f"FieldLog cannot write to {path} ({reason}). Move the database to a folder you "
            "can write to, or ask IT for write access. Nothing was changed.",
        )

    @classmethod
    def no_lock_file(cls, path: Path, exc: OSError) -> "ReadOnlyLocationError":
        return cls(
            path,
            f"FieldLog cannot write in the folder of {path} ({exc.strerror or exc}), so it "
            "cannot open the database for writing. Copy it to a folder you can write to, then "
            "open the copy.",
        )


_NO_ROOM = Failure(
    "space",
    "Not enough disk space",
    "FieldLog needs room for a backup before it changes the database, and could not make one. "
    "Free some disk space, then try again. Nothing was changed.",
    (Action.RETRY, *ELSEWHERE),
)


class InsufficientSpaceError(LaunchError):
    """Not enough free disk for a backup and a migration."""

    words = _NO_ROOM

    @classmethod
    def to_migrate(cls, path: Path, verb: str, needed: int, free: int) -> "InsufficientSpaceError":
        return cls(
            path,
            f"Not enough free disk space to {verb} {path} safely: it needs {_mib(needed)} (a "
            f"backup and a working copy) and {_mib(free)} is free on that disk. Free some space "
            "and start FieldLog again. The database was not changed.",
        )

    @classmethod
    def disk_full(cls, path: Path) -> "InsufficientSpaceError":
        return cls(
            path,
            f"The disk holding {path} is full. Free some space on it and try again; what "
            "failed was not saved, and nothing was half-written.",
        )


class BackupError(LaunchError):
    """A backup could not be written or did not verify."""

    words = _NO_ROOM

    @classmethod
    def not_written(cls, path: Path, folder: Path, exc: Exception) -> "BackupError":
        text = str(exc)
        if "full" in text.lower() or getattr(exc, "errno", None) == errno.ENOSPC:
            hint = "The disk is full: free some space and try again."
        else:
            hint = "Check that the folder exists and can be written."
        return cls(
            path,
            f"Could not back up {path} into {folder}: {text}. {hint} "
            "The database itself was not changed.",
        )


class UpgradeFailedError(LaunchError):
    """The upgrade (or a downgrade) failed; the database was put back as it was."""

    words = Failure(
        "upgrade",
        "The upgrade failed and was undone",
        "FieldLog tried to upgrade this database to the new version and could not finish. It "
        "put the database back exactly as it was, so no data was lost.",
        ELSEWHERE,
        if_backup="A backup was taken before the upgrade. Please send the upgrade log to support.",
        if_no_backup="Please send the upgrade log to support.",
    )

    def __init__(self, path: Path, message: str, backup: Path | None = None) -> None:
        super().__init__(path, message)
        self.backup = backup

    def failure(self, has_backup: bool) -> Failure:
        """A backup is mentioned only when this attempt took one (a new file has none)."""
        return self.words.for_file(self.backup is not None)

    @classmethod
    def upgrading(
        cls, path: Path, cause: BaseException, backup: Path | None, log: Path | None
    ) -> "UpgradeFailedError":
        where = f" A backup taken before the upgrade is at {backup}." if backup else ""
        return cls(
            path,
            f"Upgrading {path} failed ({_described(cause)}). The database was put back "
            f"exactly as it was before the upgrade.{where} Details are in the upgrade log {log}.",
            backup,
        )

    @classmethod
    def downgrading(cls, path: Path, cause: BaseException, backup: Path) -> "UpgradeFailedError":
        return cls(
            path, f"Downgrading {path} failed ({cause}); it was restored from {backup}.", backup
        )


def _described(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    return f"{type(original).__name__}: {original}"


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MiB"

"""One dialog per way the launch contract can fail, in a technician's words.

Each says what happened, names the files involved and offers what can be done next. The
technical detail (the error and where the log is) sits behind "Show Details…".
"""

import enum
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import (
    BackupError,
    CorruptDatabaseError,
    DatabaseLockedError,
    FieldLogError,
    InsufficientSpaceError,
    NewerDatabaseError,
    NotADatabaseError,
    NotFieldLogError,
    ReadOnlyLocationError,
    StrayWalError,
    UnknownRevisionError,
    UpgradeFailedError,
)


class Choice(enum.Enum):
    RETRY = "Try Again"
    RESTORE = "Restore Newest Backup"
    SET_ASIDE = "Set It Aside and Open"
    OPEN_OTHER = "Open Another File…"
    CLOSE = "Close"
    QUIT = "Quit FieldLog"


@dataclass(frozen=True)
class Failure:
    kind: str  # also the dialog's object name: launchFailure-<kind>
    title: str
    summary: str
    choices: tuple[Choice, ...]


def failure_for(exc: BaseException, has_backup: bool) -> Failure:
    """What to tell the user about ``exc``, and what to offer."""
    other = (Choice.OPEN_OTHER, Choice.QUIT)
    if isinstance(exc, NewerDatabaseError):
        return Failure(
            "newer",
            "Database from a newer FieldLog",
            "This database was written by a newer version of FieldLog. This "
            "version cannot use it safely, so it has not touched it. Install the "
            "newer FieldLog to keep working with it.",
            other,
        )
    if isinstance(exc, UnknownRevisionError):
        return Failure(
            "unknown",
            "Unknown database version",
            "This database is at a version this FieldLog does not know. It has not been changed.",
            other,
        )
    if isinstance(exc, CorruptDatabaseError | NotADatabaseError):
        restore = (Choice.RESTORE,) if has_backup else ()
        return Failure(
            "corrupt",
            "The database is damaged",
            "FieldLog cannot read this file: it is damaged or not a FieldLog "
            "database. It has been left exactly as it is."
            + (
                " You can restore the newest backup; the damaged file is kept."
                if has_backup
                else " There is no backup of it to restore."
            ),
            (*restore, *other),
        )
    if isinstance(exc, StrayWalError):
        return Failure(
            "straywal",
            "A file beside the database does not belong to it",
            "Beside this database lies a write-ahead log (its name ends in -wal) left by "
            "another copy of the file. Opened over it, the database would lose newer data, so "
            "FieldLog has not opened or changed either file. If this database is the copy you "
            "want, set the log aside: it is renamed and kept, not deleted. If you copied this "
            "database here by hand, put back the file that was there instead.",
            (Choice.SET_ASIDE, *other),
        )
    if isinstance(exc, NotFieldLogError):
        return Failure(
            "foreign",
            "Not a FieldLog database",
            "This file belongs to another program. FieldLog has not changed it.",
            other,
        )
    if isinstance(exc, UpgradeFailedError):
        return Failure(
            "upgrade",
            "The upgrade failed and was undone",
            "FieldLog tried to upgrade this database to the new version and could "
            "not finish. It put the database back exactly as it was, so no data "
            "was lost. A backup was taken before the upgrade. Please send the "
            "upgrade log to support.",
            other,
        )
    if isinstance(exc, DatabaseLockedError):
        return Failure(
            "locked",
            "The database is in use",
            "Another FieldLog, or another program such as a sync or backup tool, "
            "is using this database. Close it, then try again.",
            (Choice.RETRY, *other),
        )
    if isinstance(exc, ReadOnlyLocationError):
        return Failure(
            "readonly",
            "FieldLog cannot write here",
            "The database, or the folder it is in, is read-only. Move it to a "
            "folder you can write to (such as your Documents), or ask IT for write "
            "access.",
            other,
        )
    if isinstance(exc, InsufficientSpaceError | BackupError):
        return Failure(
            "space",
            "Not enough disk space",
            "FieldLog needs room for a backup before it changes the database, and "
            "could not make one. Free some disk space, then try again. Nothing "
            "was changed.",
            (Choice.RETRY, *other),
        )
    return Failure("unexpected", "FieldLog could not open the database",
                   "Something unexpected went wrong while opening the database. Nothing "
                   "was changed. Please send the log file to support.",
                   (Choice.RETRY, *other))  # fmt: skip


def failure_dialog(
    parent: QWidget | None, db_path: Path, exc: BaseException, has_backup: bool, log_file: Path
) -> QMessageBox:
    """A dialog for ``exc``; each button carries its ``Choice`` in the ``choice`` property."""
    failure = failure_for(exc, has_backup)
    box = QMessageBox(parent)
    box.setObjectName(f"launchFailure-{failure.kind}")
    box.setIcon(QMessageBox.Icon.Critical if failure.kind != "locked" else QMessageBox.Icon.Warning)
    box.setWindowTitle(f"FieldLog — {failure.title}")
    box.setText(f"<b>{failure.title}</b><br><br>{failure.summary}")
    box.setInformativeText(_paths(db_path, exc))
    box.setDetailedText(_details(exc, log_file))
    for choice in failure.choices:
        quits = choice in (Choice.QUIT, Choice.CLOSE)
        button = box.addButton(choice.value, _REJECT if quits else _ACCEPT)  # owned by the box
        button.setProperty("choice", choice.name)
    return box


_ACCEPT = QMessageBox.ButtonRole.AcceptRole
_REJECT = QMessageBox.ButtonRole.RejectRole


def chosen(box: QMessageBox) -> Choice:
    button = box.clickedButton()
    name = button.property("choice") if button is not None else None
    return Choice[name] if name else Choice.QUIT


def _paths(db_path: Path, exc: BaseException) -> str:
    lines = [f"Database: {db_path}"]
    backup = getattr(exc, "backup", None)
    if backup:
        lines.append(f"Backup taken before the upgrade: {backup}")
    return "\n".join(lines)


def _details(exc: BaseException, log_file: Path) -> str:
    kind = "" if isinstance(exc, FieldLogError) else f"{type(exc).__name__}: "
    return f"{kind}{exc}\n\nThe log with every detail is {log_file}"

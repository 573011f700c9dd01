"""Backups: SQLite's online backup API into a ``backups`` folder next to the database.

A plain file copy of a WAL database misses committed rows still in the ``-wal`` file, so a
backup is made through SQLite, written under a temporary name, verified by its contents
(revision and row counts) and only then renamed into place. Automatic backups rotate after a
successful upgrade; manual ones are never deleted. The files a backup's calibrations refer to
are copied beside the backups too (``core.attachments``), once each.
"""

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.attachments import back_up_files
from core.launch_errors import BackupError, CorruptDatabaseError, NotADatabaseError
from core.paths import backups_dir
from core.sqlite_files import has_sqlite_header, quick_check, read_only, sidecars, snapshot

log = logging.getLogger("fieldlog.backup")

KEEP_AUTOMATIC = 10
ORPHAN_AGE_S = 600.0  # a partial backup untouched this long was left by a killed process
_REVISION = re.compile(r"^[0-9A-Za-z_]{1,32}$")
AUTOMATIC_REASONS = ("pre-upgrade",)
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{12}Z)-r(?P<rev>[^-]+)-(?P<reason>[a-z-]+)\.db$"
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    revision: str | None
    reason: str
    size: int


def make_backup(db_path: Path, reason: str) -> Path:
    """Copy ``db_path`` into its backups folder; return the verified copy's path."""
    folder = backups_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_orphans(folder)
        with read_only(db_path) as source:
            expected = snapshot(source)
            final = folder / _backup_name(db_path, expected.revision, reason)
            partial = final.with_name(final.name + ".partial")
            _copy(source, partial)
        _verify_copy(partial, expected)
        lost = back_up_files(db_path, partial)  # the attached files go with it
        partial.replace(final)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(UnboundLocalError, OSError):
            for leftover in (partial, *sidecars(partial)):
                leftover.unlink(missing_ok=True)
        raise BackupError.not_written(db_path, folder, exc) from exc
    if lost:
        log.warning("backup %s: %d attached file(s) were already missing beside %s: %s",
                    final, len(lost), db_path, ", ".join(lost))  # fmt: skip
    return final


def keep_damaged(db_path: Path) -> Path:
    """A byte-for-byte copy of a file SQLite cannot read, -wal included, before it is replaced.

    The backup API needs a readable database; a damaged one is kept as it is, for support.
    """
    folder = backups_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / _backup_name(db_path, None, "damaged")
        for source in [db_path, *sidecars(db_path)]:
            if source.exists():
                suffix = source.name.removeprefix(db_path.name)
                shutil.copyfile(source, final.with_name(final.name + suffix))
    except OSError as exc:
        raise BackupError.not_written(db_path, folder, exc) from exc
    return final


def _copy(source: sqlite3.Connection, target: Path) -> None:
    target.unlink(missing_ok=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
    finally:
        copy.close()


def _verify_copy(copy: Path, expected: object) -> None:
    with read_only(copy) as conn:
        problems = quick_check(conn)
        found = snapshot(conn)
    if problems or found != expected:
        raise sqlite3.DatabaseError(f"the copy did not verify ({problems or found})")


def _backup_name(db_path: Path, revision: str | None, reason: str) -> str:
    """The name says whose backup it is, when and at which revision. The revision is read from
    the file, so anything but a plain revision id (a "0006/../../x" written there) is named
    "unknown": a name made from data never leads out of the backups folder."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    named = revision if revision and _REVISION.match(revision) else "unknown"
    return f"{db_path.stem}-{stamp}-r{named if revision else 'none'}-{reason}.db"


def remove_orphans(folder: Path, older_than_s: float = ORPHAN_AGE_S) -> list[Path]:
    """Delete what backups killed part-way left behind (``*.partial`` and their journals):
    DB-sized files that nothing else would ever remove. A backup still being written keeps
    touching its file, so only those untouched for ``older_than_s`` go."""
    cutoff = time.time() - older_than_s
    doomed = []
    for path in folder.glob("*.partial*"):
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                doomed.append(path)
    return doomed


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups of ``db_path``, newest first."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = [_info(path) for path in folder.iterdir() if path.is_file()]
    mine = [info for info in found if info is not None and _belongs(info, db_path)]
    return sorted(mine, key=lambda info: info.created, reverse=True)


def _belongs(info: BackupInfo, db_path: Path) -> bool:
    match = _NAME.match(info.path.name)
    return match is not None and match["stem"] == db_path.stem


def _info(path: Path) -> BackupInfo | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    created = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    revision = None if match["rev"] == "none" else match["rev"]
    return BackupInfo(path, created, revision, match["reason"], path.stat().st_size)


def rotate(db_path: Path, keep: int = KEEP_AUTOMATIC, protect: Path | None = None) -> list[Path]:
    """Delete automatic backups beyond the newest ``keep``; never ``protect`` or manual ones."""
    automatic = [b for b in list_backups(db_path) if b.reason in AUTOMATIC_REASONS]
    doomed = [b.path for b in automatic[keep:] if b.path != protect]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def check_backup_file(backup: Path) -> None:
    """Refuse to restore from a file that is not a sound SQLite database."""
    if not backup.is_file() or not has_sqlite_header(backup):
        raise NotADatabaseError(backup, f"{backup} is not a FieldLog backup (not a SQLite file).")
    try:
        with read_only(backup) as conn:
            problems = quick_check(conn)
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    if problems:
        raise CorruptDatabaseError(backup, f"The backup {backup} is damaged: {problems[0]}")


def replace_with(db_path: Path, backup: Path) -> None:
    """Put a copy of ``backup`` in place of ``db_path``, with its stale sidecar files moved aside.

    Every connection to ``db_path`` must be closed first: Windows cannot replace an open file.
    The copy is written beside the database and renamed over it, so a crash leaves either the
    old file or the new one, never half of each.
    """
    incoming = db_path.with_name(db_path.name + ".restoring")
    shutil.copyfile(backup, incoming)
    with incoming.open("rb+") as handle:
        os.fsync(handle.fileno())
    aside = [_move_aside(path) for path in sidecars(db_path) if path.exists()]
    incoming.replace(db_path)
    for path in aside:
        path.unlink(missing_ok=True)


def _move_aside(path: Path) -> Path:
    target = path.with_name(path.name + ".stale")
    path.replace(target)
    return target

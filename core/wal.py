"""A ``-wal`` file beside a database: does it belong to that file?

SQLite applies whatever valid write-ahead log lies beside a database when it opens it, and
folds it into the file for good at the next checkpoint. A WAL left by a crash belongs there: it
holds the last writes FieldLog acknowledged. One left from another copy of the file (an older
copy put back by hand or by a sync tool, with the newer copy's WAL still beside it, or the
other way round) or from another database does not: applied, it silently replaced newer
readings or damaged the file (issue 12). So before FieldLog opens a file that has a WAL no
running FieldLog is writing, it reads the WAL's bytes and refuses the pair when they disagree:

* Only what SQLite would apply counts: a header with SQLite's magic number, and frames with the
  header's salts, up to the last commit frame. A WAL with none is ignored by SQLite, harmless.
* Its page size must be the database's.
* The database file can never have more pages than the WAL's last commit gives it: FieldLog
  never vacuums, so a database only grows, and a checkpoint copies frames of the WAL into the
  file, never more. A file that is bigger was written after the WAL was (an older WAL).
* Seen through the WAL (read-only: nothing is written), the database must still be a FieldLog
  file that passes ``PRAGMA quick_check``, at the file's own revision or a later one.

What this cannot see: a WAL from a newer copy beside an older copy of the same database that
passes all of these, or one from another FieldLog database that happens to fit. The WAL keeps
no record of the file it was written on, so no check on its bytes can be sure.

``set_aside`` moves such a WAL out of the way (renamed, never deleted), so that the user, told
what was found, can open the file as it is.
"""

import sqlite3
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from core.launch_errors import StrayWalError
from core.schema import APPLICATION_ID
from core.sqlite_files import quick_check

WAL_MAGIC = (0x377F0682, 0x377F0683)
WAL_VERSION = 3007000
HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24
DB_HEADER = struct.Struct(">16sH")  # magic, page size (1 means 65536)


@dataclass(frozen=True)
class WalSummary:
    """What SQLite would apply from a WAL: its page size and its committed frames."""

    page_size: int
    commits: int  # commit frames in the valid prefix
    last_commit_pages: int  # the database's size in pages after the last commit (0: none)


def wal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-wal")


def summary(db_path: Path) -> WalSummary | None:
    """The WAL beside ``db_path`` as SQLite would read it; None when there is none to apply."""
    path = wal_path(db_path)
    try:
        with path.open("rb") as handle:
            return _read_frames(handle)
    except FileNotFoundError:
        return None


def _read_frames(handle: BinaryIO) -> WalSummary | None:
    header = handle.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES:
        return None
    magic, version, page_size, _seq, salt1, salt2 = struct.unpack(">6I", header[:24])
    if magic not in WAL_MAGIC or version != WAL_VERSION or not _power_of_two(page_size):
        return None  # SQLite ignores such a file: it will never be applied
    commits, last_pages = 0, 0
    while True:
        frame = handle.read(FRAME_HEADER_BYTES)
        if len(frame) < FRAME_HEADER_BYTES:
            break
        _page, pages_after, frame_salt1, frame_salt2 = struct.unpack(">4I", frame[:16])
        if (frame_salt1, frame_salt2) != (salt1, salt2):
            break  # a frame of an earlier generation of the log: SQLite stops here too
        if len(handle.read(page_size)) < page_size:
            break  # a torn last frame
        if pages_after:
            commits, last_pages = commits + 1, pages_after
    return WalSummary(page_size, commits, last_pages) if commits else None


def _power_of_two(size: int) -> bool:
    return 512 <= size <= 65536 and size & (size - 1) == 0


def problem(db_path: Path, wal: WalSummary) -> str | None:
    """Why the WAL described by ``wal`` does not belong to ``db_path``; None when it may."""
    page_size = _db_page_size(db_path)
    if page_size is None:
        return None  # not a database file: the caller's own checks say so
    if wal.page_size != page_size:
        return (
            f"it was written for a database with {wal.page_size}-byte pages, and this one has "
            f"{page_size}-byte pages, so it belongs to another database file"
        )
    file_pages = db_path.stat().st_size // page_size
    if file_pages > wal.last_commit_pages:
        return (
            f"it gives the database {wal.last_commit_pages} pages, and the file already has "
            f"{file_pages}: it was left by an older copy of this database, and applying it "
            "would replace newer data"
        )
    return _image_problem(db_path)


def _db_page_size(db_path: Path) -> int | None:
    with db_path.open("rb") as handle:
        head = handle.read(DB_HEADER.size)
    if len(head) < DB_HEADER.size or not head.startswith(b"SQLite format 3\x00"):
        return None
    size = DB_HEADER.unpack(head)[1]
    return 65536 if size == 1 else size


def _image_problem(db_path: Path) -> str | None:
    """Read the database through the WAL (read-only) and without it (the file alone)."""
    try:
        through, damage = _read(db_path, "mode=ro", check=True)
    except sqlite3.Error as exc:
        return f"read through it, the database cannot be read ({exc})"
    try:
        alone, _ = _read(db_path, "immutable=1")  # SQLite reads no WAL for an immutable file
    except sqlite3.Error:
        # A crash during a checkpoint leaves the file alone half old, half new: only the file
        # and its WAL together are the database, and that reads soundly.
        alone = None
    if alone == _FOREIGN:
        return None  # not (yet) a FieldLog file: the caller's own checks say what it is
    if through == _FOREIGN:
        return "read through it, the database is no longer a FieldLog database"
    if damage:
        return f"read through it, the database is damaged ({damage})"
    if alone is not None and (through is None or through < alone):
        return (
            f"read through it, the database goes back to revision {through}, and the file "
            f"itself is at {alone}: it was left by an older copy of this database"
        )
    return None


_FOREIGN = "foreign"


def _read(db_path: Path, mode: str, check: bool = False) -> tuple[str | None, str | None]:
    """The revision seen with ``mode`` (``_FOREIGN`` for a file not FieldLog's) and, with
    ``check``, the first problem ``PRAGMA quick_check`` finds. The check reads the whole file
    (about 10 ms per MB); it runs only after a crash, when a WAL was left behind."""
    uri = f"{db_path.resolve().as_uri()}?{mode}"
    conn = sqlite3.connect(uri, uri=True)
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return _FOREIGN, None
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        row = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        problems = quick_check(conn) if check else []
        return (str(row[0]) if row else None), (problems[0] if problems else None)
    finally:
        conn.close()


def refuse_if_stray(db_path: Path) -> None:
    """Raise ``StrayWalError`` when the WAL beside ``db_path`` does not belong to it.

    Call only while no FieldLog is writing the file (its open lock is free, or this process
    took it just now): a live WAL changes as it is read.
    """
    wal = summary(db_path)
    if wal is None:
        return
    reason = problem(db_path, wal)
    if reason is not None:
        raise StrayWalError.beside(db_path, wal_path(db_path).name, reason)


def set_aside(db_path: Path) -> Path:
    """Rename the WAL to ``<name>-wal.set-aside-<UTC time>`` (kept, never deleted) and remove
    the ``-shm`` index SQLite derives from it; returns the new name of the WAL."""
    moment = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    source = wal_path(db_path)
    target = source.with_name(f"{source.name}.set-aside-{moment}")
    source.replace(target)
    db_path.with_name(db_path.name + "-shm").unlink(missing_ok=True)
    return target

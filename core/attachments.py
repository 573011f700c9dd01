"""Files attached to records (a calibration's certificate, photos), kept beside the database.

A file is kept once, by the SHA-256 of its bytes, in the folder ``<database>.files`` next to the
database file: ``site.db.files/3f/3f9a…``. The name says what the bytes are, so a file attached
twice is kept once and a copy can be checked at any time. A backup of the database carries
the files it refers to in a store of the same kind in the backups folder
(``backups/site.db.files/``), shared by every backup of that database, so each file is copied
there once; restoring a backup puts back any file it refers to that the database's own store
lacks. A kept file is never changed or removed by FieldLog. It is written under a
temporary name and renamed into place only once its bytes are checked, so a failure never
leaves a file under a hash that is not its own.
"""

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from core.errors import FieldLogError
from core.files import sha256
from core.paths import backups_dir
from core.sqlite_files import read_only

MAX_BYTES = 500 * 1024 * 1024  # an attachment: a scanned certificate or photos, not a video
SUFFIX = ".files"


@dataclass(frozen=True)
class Kept:
    """A file kept in the store: its hash, its size and the name it was attached under."""

    sha256: str
    size: int
    name: str


class AttachmentError(FieldLogError):
    """A file could not be attached; nothing was kept."""


def store_of(db_path: Path) -> Path:
    """The folder of a database's attached files."""
    return db_path.with_name(db_path.name + SUFFIX)


def kept_path(db_path: Path, digest: str) -> Path:
    return _in(store_of(db_path), digest)


def keep(db_path: Path, source: Path) -> Kept:
    """Copy ``source`` into the store of ``db_path`` (once: a file kept already stays)."""
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise AttachmentError(f"Cannot attach {source}: {exc.strerror or exc}.") from exc
    if not source.is_file():
        raise AttachmentError(f"Cannot attach {source}: it is not a file.")
    if size > MAX_BYTES:
        raise AttachmentError(
            f"Cannot attach {source}: it is {size / 2**20:.0f} MiB, over the "
            f"{MAX_BYTES // 2**20} MiB an attachment may have. Attach a smaller scan."
        )
    name = source.name[:255]
    try:
        digest = sha256(source)
        target = kept_path(db_path, digest)
        if target.is_file() and target.stat().st_size == size:
            return Kept(digest, size, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_checked(source, target, digest)
    except OSError as exc:
        raise AttachmentError(
            f"Cannot attach {source} beside the database ({store_of(db_path)}): "
            f"{exc.strerror or exc}. Nothing was attached."
        ) from exc
    return Kept(digest, size, name)


def _copy_checked(source: Path, target: Path, digest: str) -> None:
    """Copy ``source`` to ``target``, renaming it into place only if the copy has ``digest``."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        shutil.copyfile(source, partial)
        if sha256(partial) != digest:
            raise OSError(f"the copy of {source} does not match it (was it changed meanwhile?)")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def check_kept(db_path: Path, digest: str) -> str | None:
    """What is wrong with the kept copy of ``digest``, or None when it is there and intact."""
    path = kept_path(db_path, digest)
    if not path.is_file():
        return f"{path} is missing"
    if sha256(path) != digest:
        return f"{path} is damaged: its bytes no longer have the hash that names them"
    return None


# --- backups -------------------------------------------------------------------------------


def backup_store(db_path: Path) -> Path:
    """Where the backups of ``db_path`` keep the files they refer to."""
    return store_of(backups_dir(db_path) / db_path.name)


def referred(database: Path) -> list[str]:
    """The hashes of the files the database file ``database`` refers to (none before 0009)."""
    with read_only(database) as conn:
        try:
            rows = conn.execute("SELECT DISTINCT sha256 FROM calibration_files").fetchall()
        except sqlite3.OperationalError:  # a file from before the table
            return []
    return [digest for (digest,) in rows]


def back_up_files(db_path: Path, backup: Path) -> list[str]:
    """Copy into the backup store each file ``backup`` refers to that it lacks; returns the
    hashes of those missing from the database's own store too (copied from nowhere)."""
    lost = []
    for digest in referred(backup):
        target = _in(backup_store(db_path), digest)
        if target.is_file():
            continue
        source = kept_path(db_path, digest)
        if not source.is_file():
            lost.append(digest)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_checked(source, target, digest)
    return lost


def restore_files(db_path: Path, backup: Path) -> list[str]:
    """Put back into the database's store each file ``backup`` refers to that it lacks, from
    the backup store; returns the hashes found in neither."""
    lost = []
    for digest in referred(backup):
        if kept_path(db_path, digest).is_file():
            continue
        source = _in(backup_store(db_path), digest)
        if not source.is_file():
            lost.append(digest)
            continue
        target = kept_path(db_path, digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_checked(source, target, digest)
    return lost


def _in(store: Path, digest: str) -> Path:
    return store / digest[:2] / digest

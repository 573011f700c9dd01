"""Files attached to records (a calibration's certificate, photos), kept beside the database.

A file is kept once, by the SHA-256 of its bytes, in the folder ``<database>.files`` next to the
database file: ``site.db.files/3f/3f9a…``. The name says what the bytes are, so a file attached
twice is kept once, a copy can be checked at any time, and a backup or an export carries the
folder as it is. A kept file is never changed or removed by FieldLog. It is written under a
temporary name and renamed into place only once its bytes are checked, so a failure never
leaves a file under a hash that is not its own.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from core.errors import FieldLogError
from core.files import sha256

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
    return store_of(db_path) / digest[:2] / digest


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

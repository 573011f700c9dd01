"""Files FieldLog writes or reads whole: written atomically, and fingerprinted.

Both work on any platform: ``Path.replace`` is an atomic rename on Windows too, as long as no
program holds the target open (Excel does; the callers say so).
"""

import hashlib
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_atomically(path: Path, write: Callable[[Path], Any]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then rename it over ``path``.

    A failure (an exception, or ``write`` returning False) leaves ``path`` as it was and no
    temporary file behind. The file gets the permissions any editor gives it: those of the
    file it replaces, or for a new file the user's usual ones (the umask's), so a colleague on
    a shared office PC can open an export (a private temporary file would be owner-only).
    """
    tmp = _new_beside(path)
    try:
        if write(tmp) is False:
            raise OSError(f"Could not write {path}.")
        if path.exists():
            shutil.copymode(path, tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _new_beside(path: Path) -> Path:
    """An empty file of a name of its own beside ``path``, made with the usual permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(tmp, flags, 0o666))  # the OS takes the umask off, as for any file
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(f"Could not make a temporary file beside {path}.")


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()

"""Files FieldLog writes or reads whole: written atomically, and fingerprinted.

Both work on any platform: ``Path.replace`` is an atomic rename on Windows too, as long as no
program holds the target open (Excel does; the callers say so).
"""

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_atomically(path: Path, write: Callable[[Path], Any]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then rename it over ``path``.

    A failure (an exception, or ``write`` returning False) leaves ``path`` as it was and no
    temporary file behind.
    """
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        if write(tmp) is False:
            raise OSError(f"Could not write {path}.")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()

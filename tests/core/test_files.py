"""Atomic writes and file fingerprints."""

import hashlib
import os
import stat
from pathlib import Path

import pytest

from core.files import sha256, write_atomically


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")

    def half(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, half)
    with pytest.raises(OSError, match="Could not write"):
        write_atomically(path, lambda _tmp: False)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_sha256_of_a_file_larger_than_one_read(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = bytes(range(256)) * 5000  # 1.28 MB: two reads of a megabyte
    path.write_bytes(data)
    assert sha256(path) == hashlib.sha256(data).hexdigest()
    (tmp_path / "empty").write_bytes(b"")
    assert sha256(tmp_path / "empty") == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # SHA-256 of nothing
    )


def test_a_new_file_gets_the_users_usual_permissions(tmp_path: Path) -> None:
    """An export on a shared office PC is readable by colleagues, as a file any editor saves
    (a private temporary file renamed into place would be owner-only, -rw-------)."""
    old = os.umask(0o022)
    try:
        write_atomically(tmp_path / "new.csv", lambda tmp: tmp.write_text("a", encoding="utf-8"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "kept.csv"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    write_atomically(path, lambda tmp: tmp.write_text("new", encoding="utf-8"))
    assert path.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640

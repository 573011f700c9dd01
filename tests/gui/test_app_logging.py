"""The log file is rotated at start, never mid-run (Windows refuses to rename an open file)."""

from pathlib import Path

from gui.app import rotate_log


def write(path: Path, size: int) -> None:
    path.write_bytes(b"x" * size)


def test_a_small_log_is_left_alone(tmp_path: Path) -> None:
    log = tmp_path / "fieldlog.log"
    write(log, 10)
    rotate_log(log, max_bytes=100, keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fieldlog.log"]


def test_a_big_log_is_shifted_and_the_oldest_dropped(tmp_path: Path) -> None:
    log = tmp_path / "fieldlog.log"
    for name, size in (("fieldlog.log", 500), ("fieldlog.log.1", 1), ("fieldlog.log.2", 2),
                       ("fieldlog.log.3", 3)):  # fmt: skip
        write(tmp_path / name, size)
    rotate_log(log, max_bytes=100, keep=3)
    sizes = {p.name: p.stat().st_size for p in tmp_path.iterdir()}
    assert sizes == {"fieldlog.log.1": 500, "fieldlog.log.2": 1, "fieldlog.log.3": 2}


def test_no_log_yet_is_fine(tmp_path: Path) -> None:
    rotate_log(tmp_path / "fieldlog.log", max_bytes=100, keep=3)
    assert list(tmp_path.iterdir()) == []

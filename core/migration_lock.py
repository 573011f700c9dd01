"""The migration lock, ``<name>.lock`` beside a database: one process migrates (or restores) a
file at a time. Another waits up to ``LOCK_TIMEOUT_S``, then finds the file done, or says who
is taking so long; the launch, ``db downgrade`` and ``db restore`` all wait the same."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from core.launch_errors import DatabaseLockedError
from core.progress import Say

LOCK_TIMEOUT_S = 300.0


@contextlib.contextmanager
def migration_lock(
    db_path: Path,
    progress: Say | None = None,
    timeout: float = LOCK_TIMEOUT_S,
) -> Iterator[None]:
    """Hold the migration lock of ``db_path``, waiting for another holder up to ``timeout``."""
    lock = FileLock(_lock_path(db_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if progress:
            progress("Waiting for another FieldLog to finish with this database…")
        try:
            lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise DatabaseLockedError.migration_timed_out(db_path, timeout) from exc
    try:
        yield
    finally:
        lock.release()


def migrating(db_path: Path) -> bool:
    """Whether another process holds the migration lock now (it will close the file soon)."""
    probe = FileLock(_lock_path(db_path))
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return True
    except OSError:
        return False
    probe.release()
    return False


def _lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")

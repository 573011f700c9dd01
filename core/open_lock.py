"""While a FieldLog process may write to a database, it holds that file's open lock.

Whatever replaces the file (a restore, a downgrade) takes the same lock, so it can never pull
the file from under a process that is still writing: before this, a restore run while another
FieldLog had the file open lost the readings that process went on saving into the replaced
file and its WAL (issue 12). A second FieldLog that wants to write the file is refused with the
name of the one that has it; reading (status, check, list, export) needs no lock.

The lock is the operating system's (``filelock``: ``fcntl.flock`` on macOS and Linux,
``LockFileEx`` on Windows), so a crash releases it. Within one process it is re-entrant: every
``Database`` on one file shares it. Who holds it is written beside it, in ``<name>.holder``, so
that a refusal can say which program, process and computer have the file open.
"""

import contextlib
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from core.launch_errors import DatabaseInUseError, ReadOnlyLocationError

LOCK_SUFFIX = ".open.lock"
POLL_S = 0.05
HOLDER_SUFFIX = ".holder"


@dataclass(frozen=True)
class Holder:
    """The process that has a database open for writing."""

    program: str
    pid: int
    host: str
    since: str  # ISO 8601, UTC

    @classmethod
    def this_process(cls) -> "Holder":
        moment = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(_program_name(), os.getpid(), socket.gethostname(), moment)

    def describe(self) -> str:
        since = datetime.fromisoformat(self.since).astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{self.program} (process {self.pid} on {self.host}, since {since})"


class OpenLock:
    """The open lock of one database file (one per file in a process: re-entrant)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._lock = FileLock(
            db_path.with_name(db_path.name + LOCK_SUFFIX), is_singleton=True, thread_local=False
        )

    @property
    def held(self) -> bool:
        return bool(self._lock.is_locked)

    def acquire(
        self, *, grace_s: float = 0.0, wait_while: Callable[[], bool] = lambda: False
    ) -> None:
        """Take the lock, or raise ``DatabaseInUseError`` naming who has it. It is waited for
        up to ``grace_s`` (a FieldLog that is just closing the file), and for as long as
        ``wait_while()`` says so (one that is upgrading it, and will close it then)."""
        deadline = time.monotonic() + grace_s
        while not self._try_acquire():
            if time.monotonic() >= deadline and not wait_while():
                raise DatabaseInUseError.open_in(self.db_path, _who(self.db_path))
            time.sleep(POLL_S)
        if self._lock.lock_counter == 1:
            _write_holder(self.db_path)

    def _try_acquire(self) -> bool:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        except OSError as exc:
            raise ReadOnlyLocationError.no_lock_file(self.db_path, exc) from exc
        return True

    @contextlib.contextmanager
    def nobody_writing(self) -> Iterator[bool]:
        """Whether no FieldLog process, this one included, has the file open for writing; when
        so, the lock is held until the block ends, so that none starts meanwhile. A folder
        where no lock file can be made (read-only media) has no writer either."""
        if self.held:
            yield False
            return
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            yield False
            return
        except OSError:
            yield True
            return
        try:
            yield True
        finally:
            self._lock.release()

    def release(self) -> None:
        if not self._lock.is_locked:
            return
        if self._lock.lock_counter == 1:
            holder_path(self.db_path).unlink(missing_ok=True)
        self._lock.release()


def _program_name() -> str:
    """What a user would call this program: "fieldlog", "FieldLog", "fieldlog-cli"; for
    ``python -m core`` or a script, "the FieldLog command line"."""
    name = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else ""
    if not name or name.startswith("__main__") or name in ("-c", "python", "python3"):
        return "the FieldLog command line"
    return name


def holder_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + HOLDER_SUFFIX)


def read_holder(db_path: Path) -> Holder | None:
    """Who wrote that they hold the lock (None: nobody says, or the note is unreadable)."""
    try:
        return Holder(**json.loads(holder_path(db_path).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _who(db_path: Path) -> str:
    holder = read_holder(db_path)
    return holder.describe() if holder is not None else "another FieldLog"


def _write_holder(db_path: Path) -> None:
    """Best effort: the lock protects the file; this note only names who has it."""
    note = holder_path(db_path)
    temporary = note.with_name(note.name + ".tmp")
    try:
        temporary.write_text(json.dumps(Holder.this_process().__dict__), encoding="utf-8")
        temporary.replace(note)
    except OSError:
        temporary.unlink(missing_ok=True)

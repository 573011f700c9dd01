"""The per-attempt upgrade log: one file per upgrade attempt in the per-user log folder, with
FieldLog's steps and Alembic's own lines, for support staff (the failure message names it)."""

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.paths import log_dir

KEEP_UPGRADE_LOGS = 30


@dataclass
class AttemptLog:
    logger: logging.Logger
    path: Path | None  # None when the log folder cannot be written

    def info(self, message: str, *args: object) -> None:
        self.logger.info(message, *args)

    def error(self, message: str, *args: object) -> None:
        self.logger.error(message, *args)

    def exception(self, message: str) -> None:
        self.logger.exception(message)


def prune_upgrade_logs(folder: Path, keep: int = KEEP_UPGRADE_LOGS) -> list[Path]:
    """Delete all but the newest ``keep`` per-attempt logs (their names sort by time): a new
    database is made by an upgrade from nothing too, so they pile up (273 in an afternoon)."""
    logs = sorted(folder.glob("upgrade-*.log"), reverse=True)
    doomed = logs[max(0, keep - 1) :]  # room for the one about to be written
    for path in doomed:
        with contextlib.suppress(OSError):
            path.unlink()
    return doomed


@contextlib.contextmanager
def attempt_log(db_path: Path) -> Iterator[AttemptLog]:
    """A log file for one upgrade attempt on ``db_path``, written while the block runs."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path: Path | None = log_dir() / f"upgrade-{stamp}.log"
    handler: logging.Handler
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        prune_upgrade_logs(path.parent)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        path, handler = None, logging.NullHandler()  # a missing log must not stop the upgrade
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    watched = [logging.getLogger("fieldlog.upgrade"), logging.getLogger("alembic")]
    levels = [logger.level for logger in watched]
    for logger in watched:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    attempt = AttemptLog(watched[0], path)
    attempt.info("upgrade attempt on %s", db_path)
    try:
        yield attempt
    finally:
        for logger, level in zip(watched, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
        handler.close()

"""What a dialog says when an op fails: FieldLog's own words, never a traceback."""

import logging
from pathlib import Path

from core.errors import FieldLogError, from_the_database, os_error_text

log = logging.getLogger("fieldlog.gui")


def explain(exc: BaseException, failed: str, *, logged: bool = False) -> str:
    """A ``FieldLogError`` says what happened and what to do; anything else is a bug or the
    operating system (a full disk, a pulled USB stick): say what failed, plainly, and that
    nothing was half-done (every op is one transaction or an atomic rename).

    Anything but a ``FieldLogError`` is written to the log file with its traceback, since the
    message sends the user there; ``logged`` says it already has been (``Ops`` logs the
    failures no caller handles).
    """
    if isinstance(exc, FieldLogError):
        return str(exc)
    if not logged:
        log.error("%s", failed, exc_info=exc)
    if isinstance(exc, OSError):
        return os_error_text(exc, failed)
    if from_the_database(exc):
        return f"{failed}: {translate_database_error(exc)}"
    return f"{failed}. Nothing was changed; the details are in the log file."


def translate_database_error(exc: BaseException) -> str:
    """SQLite's words ("database or disk is full") as the launch path says them, about the
    database the window has open."""
    from core.launch import translate

    return str(translate(open_database_path or Path("(no database)"), exc))


open_database_path: Path | None = None  # the window sets it when it opens a file

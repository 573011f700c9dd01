"""What a dialog says when an op fails: FieldLog's own words, never a traceback."""

import logging

from core.errors import FieldLogError

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
        return f"{failed}: {exc.strerror or exc}. Nothing was changed."
    return f"{failed}. Nothing was changed; the details are in the log file."

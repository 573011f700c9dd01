"""What a dialog says when an op fails: FieldLog's own words, never a traceback."""

from core.errors import FieldLogError


def explain(exc: BaseException, failed: str) -> str:
    """A ``FieldLogError`` says what happened and what to do; anything else is a bug or the
    operating system (a full disk, a pulled USB stick): say what failed, plainly, and that
    nothing was half-done (every op is one transaction or an atomic rename)."""
    if isinstance(exc, FieldLogError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{failed}: {exc.strerror or exc}. Nothing was changed."
    return f"{failed} ({type(exc).__name__}: {exc}). Nothing was changed; the log has details."

"""Who is at the keyboard: the operator's name the entry panel remembers, which the audit trail
records for the changes made in the window (the computer's login name when none is typed)."""

from PySide6.QtCore import QSettings

OPERATOR_KEY = "entry/operator"


def current_operator() -> str | None:
    return str(QSettings().value(OPERATOR_KEY, "") or "").strip() or None

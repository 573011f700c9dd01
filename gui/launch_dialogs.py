"""The dialog for a failed launch: what the error says about itself (``core.launch_errors``),
laid out for a technician.

The title and summary say what happened, the file names sit below them, and the technical
detail (the error's exact line and where the log is) behind "Show Details…". Each ``Action``
the error offers is a button labelled here; the window runs the one chosen.
"""

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import FieldLogError
from core.launch_errors import Action, failure_of

BUTTONS: dict[Action, str] = {
    Action.RETRY: "Try Again",
    Action.RESTORE: "Restore Newest Backup",
    Action.SET_ASIDE: "Set It Aside and Open",
    Action.OPEN_OTHER: "Open Another File…",
    Action.QUIT: "Quit FieldLog",
}


def failure_dialog(
    parent: QWidget | None, db_path: Path, exc: BaseException, has_backup: bool, log_file: Path
) -> QMessageBox:
    """A dialog for ``exc``; each button carries its ``Action``'s name in the ``choice``
    property."""
    failure = failure_of(exc, has_backup)
    box = QMessageBox(parent)
    box.setObjectName(f"launchFailure-{failure.kind}")
    box.setIcon(QMessageBox.Icon.Warning if failure.passing else QMessageBox.Icon.Critical)
    box.setWindowTitle(f"FieldLog — {failure.title}")
    box.setText(f"<b>{failure.title}</b><br><br>{failure.summary}")
    box.setInformativeText(_paths(db_path, exc))
    box.setDetailedText(_details(exc, log_file))
    for action in failure.actions:
        role = _REJECT if action is Action.QUIT else _ACCEPT
        button = box.addButton(BUTTONS[action], role)  # owned by the box
        button.setProperty("choice", action.name)
    return box


_ACCEPT = QMessageBox.ButtonRole.AcceptRole
_REJECT = QMessageBox.ButtonRole.RejectRole


def chosen(box: QMessageBox) -> Action:
    """The action of the button that closed ``box``; closing it otherwise quits."""
    button = box.clickedButton()
    name = button.property("choice") if button is not None else None
    return Action[name] if name else Action.QUIT


def _paths(db_path: Path, exc: BaseException) -> str:
    lines = [f"Database: {db_path}"]
    backup = getattr(exc, "backup", None)
    if backup:
        lines.append(f"Backup taken before the upgrade: {backup}")
    return "\n".join(lines)


def _details(exc: BaseException, log_file: Path) -> str:
    kind = "" if isinstance(exc, FieldLogError) else f"{type(exc).__name__}: "
    return f"{kind}{exc}\n\nThe log with every detail is {log_file}"

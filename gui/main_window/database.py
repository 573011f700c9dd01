"""The open database's life in the window: opened through the launch contract, checked in the
background, put back from a backup, let go of when its file is replaced, and closed.

The window holds what is open (``database``, ``path``, ``revision``, what the last integrity
check found in ``damage``) and the box a failure left open (``failure_box``); this is what
changes them, through the launch operations (``gui/operations/launch.py``, ``backups.py``). A
failed launch gets its dialog (``gui/launch_dialogs.py``), and each action the dialog offers its
handler here (``failure_handlers``).
"""

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from gui import messages
from gui.ops import Ops

if TYPE_CHECKING:
    from core.db import Database
    from core.launch import LaunchResult
    from core.launch_errors import Action
    from gui.main_window import MainWindow

log = logging.getLogger("fieldlog.gui")


class DatabaseLifecycle:
    """How the window's database comes and goes."""

    def __init__(self, window: "MainWindow") -> None:
        self._window = window
        self._ops = window.ops
        # Read-only checks beside the user's work (a WAL reader blocks no writer).
        self._checks = Ops(window)
        self._stop_checks = threading.Event()

    # --- opening ---------------------------------------------------------------------------

    def open(self, path: Path | None, *, demo: bool = False, note: str = "") -> None:
        """Open ``path`` (None: the per-user default) through the launch contract; ``note``
        replaces the usual "Opened …" in the status bar once it is open."""
        from gui.operations.launch import open_file

        window = self._window
        window.statusBar().showMessage("Opening the database…")
        window.placeholder_label.setText(f"Opening {path or 'your database'}…")
        opening = open_file(self._ops, path, demo=demo, parent=window)
        opening.done(lambda result: self._on_opened(result, note))
        opening.failed(lambda exc: self._on_launch_failed(path, exc, demo)).run()
        QTimer.singleShot(0, window.ensure_workspace)

    def open_sample_data(self) -> None:
        """The sample database beside the user's own (made the first time), as ``--demo``."""
        from gui.app import demo_path

        self.open(demo_path(None), demo=True)

    def _on_opened(self, result: "LaunchResult", note: str) -> None:
        from core.launch import Outcome
        from gui.operations.launch import close_database
        from gui.recent import remember

        window, previous = self._window, self._window.database
        window.database = result.database
        path = window.path = result.database.path
        messages.open_database_path = path  # named when SQLite refuses a later write
        window.revision = result.revision
        window.show_database(result.database, result.revision)
        window.statusBar().showMessage(note or _outcome_text(result), 8000)
        if result.outcome in (Outcome.OPENED, Outcome.OPENED_NEWER):
            self._check_integrity(path)  # the other outcomes were verified on the way
        remember(path)
        if previous is not None and previous is not result.database:
            close_database(self._ops, previous).run()
        window.database_changed.emit(result.database)

    # --- the integrity check ---------------------------------------------------------------

    def _check_integrity(self, path: Path) -> None:
        """SQLite's quick check of a file opened at head, off the UI thread and beside the user's
        work: the launch itself only read the header, so that opening cost almost nothing."""
        from gui.operations.launch import check_integrity

        self._window.damage = None
        checking = check_integrity(self._checks, path, self._stop_checks.is_set)
        checking.done(lambda problems: self._on_checked(path, problems))
        checking.failed(lambda exc: self._on_checked(path, [str(exc)])).run()

    def _on_checked(self, path: Path, problems: list[str] | None) -> None:
        window = self._window
        if problems is None or path != window.path:
            return  # stopped, or another file is open by now
        window.damage = problems
        if not problems:
            log.info("quick_check of %s: ok", path)
            return
        log.error("quick_check of %s found damage: %s", path, "; ".join(problems[:20]))
        box = QMessageBox(QMessageBox.Icon.Warning, "FieldLog: the database is damaged",
                          f"SQLite's integrity check found damage in {path.name}. What is "
                          "already saved may be incomplete, and new readings may be lost.",
                          QMessageBox.StandardButton.Close, window)  # fmt: skip
        box.setObjectName("damageFound")
        box.setInformativeText(
            f"Restore a backup (File → Backups…); the damaged file is kept beside it for "
            f"support. Database: {path}\nLog: {window.log_file}"
        )
        box.setDetailedText("\n".join(problems))
        backups = box.addButton("Show &Backups…", QMessageBox.ButtonRole.AcceptRole)
        backups.clicked.connect(window.dialogs.show_backups)
        window.failure_box = box
        box.open()

    # --- a failed launch -------------------------------------------------------------------

    def _on_launch_failed(self, path: Path | None, exc: BaseException, demo: bool) -> None:
        from core.paths import resolve_db_path
        from gui.operations.backups import has_backup

        window, target = self._window, resolve_db_path(path)
        log.error("could not open %s", target, exc_info=exc)
        window.statusBar().showMessage("The database could not be opened.")
        if window.database is None:
            window.placeholder_label.setText("No database is open. Use File → Open or File → New.")
        has_backup(self._ops, target).done(lambda has: self._ask(target, exc, has, demo)).run()

    def _ask(self, target: Path, exc: BaseException, has_backup: bool, demo: bool) -> None:
        from gui import launch_dialogs  # only when a launch fails: not on the way to first paint

        window = self._window
        box = launch_dialogs.failure_dialog(window, target, exc, has_backup, window.log_file)
        window.failure_box = box
        box.finished.connect(lambda _code: self._on_failure_choice(box, target, demo))
        box.open()
        window.launch_failed.emit(exc)

    def _on_failure_choice(self, box: QMessageBox, target: Path, demo: bool) -> None:
        from gui.launch_dialogs import chosen

        action = chosen(box)
        self._window.failure_box = None
        box.deleteLater()
        self.failure_handlers(target, demo)[action]()

    def failure_handlers(self, target: Path, demo: bool) -> "dict[Action, Callable[[], object]]":
        """What each ``Action`` a failed launch of ``target`` offers does."""
        from core.launch_errors import Action

        window = self._window
        return {
            Action.RETRY: lambda: self.open(target, demo=demo),
            Action.RESTORE: lambda: self._restore_newest(target),
            Action.SET_ASIDE: lambda: self._set_aside_wal(target, demo),
            Action.OPEN_OTHER: lambda: QTimer.singleShot(0, window.dialogs.open_database),
            Action.QUIT: lambda: window.database is None and window.close(),
        }

    def _restore_newest(self, target: Path) -> None:
        from gui.operations.backups import restore_newest_backup

        restoring = restore_newest_backup(self._ops, target, self._window)
        restoring.done(lambda kept: self._after_restore(target, kept))
        restoring.failed(lambda exc: self._on_launch_failed(target, exc, False)).run()

    def _set_aside_wal(self, target: Path, demo: bool) -> None:
        """Rename the stray -wal beside ``target`` (kept), then open the file without it."""
        from gui.operations.launch import set_aside_wal

        setting_aside = set_aside_wal(self._ops, target, self._window)
        setting_aside.done(lambda moved: self._after_set_aside(target, moved, demo))
        setting_aside.failed(lambda exc: self._on_launch_failed(target, exc, demo)).run()

    def _after_set_aside(self, target: Path, moved: Path, demo: bool) -> None:
        log.info("set aside %s", moved)
        self.open(target, demo=demo, note=f"Opened; the stray file was kept as {moved}.")

    # --- restoring and losing the open file ------------------------------------------------

    def restore_backup(self, backup: Path) -> None:
        """Close the database (Windows cannot replace an open file), restore, reopen."""
        from gui.operations.backups import restore_backup

        path, database = self._let_go()
        restoring = restore_backup(self._ops, database, path, backup, self._window)
        restoring.done(lambda kept: self._after_restore(path, kept))
        restoring.failed(lambda exc: self._on_launch_failed(path, exc, False)).run()

    def _after_restore(self, path: Path, kept: Path | None) -> None:
        saved = f" The replaced database was saved as {kept}." if kept is not None else ""
        self.open(path, note=f"Restored the backup.{saved}")

    def on_replaced(self, exc: BaseException) -> None:
        """The file was replaced or moved under the window: stop writing to it at once (every
        op refuses already), say so, and offer to open what is there now."""
        from gui.operations.launch import close_database

        window = self._window
        if window.database is None or window.failure_box is not None:
            return
        log.error("the open database was replaced: %s", exc)
        path, database = self._let_go()
        close_database(self._ops, database).run()
        window.placeholder_label.setText("The database file was replaced; nothing more is written.")
        box = QMessageBox(QMessageBox.Icon.Warning, "FieldLog: the database file was replaced",
                          str(exc), QMessageBox.StandardButton.Close, window)  # fmt: skip
        box.setObjectName("databaseReplaced")
        again = box.addButton("Open It &Again", QMessageBox.ButtonRole.AcceptRole)
        again.clicked.connect(lambda: self.open(path))
        box.finished.connect(lambda _code: setattr(window, "failure_box", None))
        window.failure_box = box
        box.open()

    def _let_go(self) -> "tuple[Path, Database]":
        """The window stops showing its database, which it no longer has; the file and the
        database it was, still to be closed."""
        window = self._window
        assert window.path is not None and window.database is not None
        path, database = window.path, window.database
        window.database = None
        window.show_database(None)
        return path, database

    def close(self) -> None:
        """The window closes: an integrity check in progress stops at its next step, and the
        database is closed once the work queued before is done."""
        window = self._window
        self._stop_checks.set()
        self._checks.shutdown()
        if window.database is not None:  # none: nothing to import on the way out (T5)
            from gui.operations.launch import close_database

            close_database(self._ops, window.database).run()
            window.database = None


def _outcome_text(result: "LaunchResult") -> str:
    from core.launch import Outcome

    if result.outcome is Outcome.UPGRADED:
        return (
            f"Database upgraded from {result.previous_revision} to {result.revision}; "
            f"a backup is at {result.backup}"
        )
    if result.outcome is Outcome.CREATED:
        return f"New database created at {result.database.path}"
    return f"Opened {result.database.path}"

"""The main window as GUI tests open it: shown, on a file, and closed with its dialogs."""

from collections.abc import Iterator
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow


def shown_window(qtbot: QtBot, folder: Path) -> Iterator[MainWindow]:
    """A shown window (for a fixture); closed afterwards with any failure dialog it had."""
    made = MainWindow(folder / "logs" / "fieldlog.log")
    qtbot.addWidget(made)
    made.show()
    yield made
    if made.failure_box is not None:
        made.failure_box.close()
    made.close()


def opened(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    """Open ``path`` in ``window`` and wait until it is open."""
    window.open_path(path)
    qtbot.waitUntil(lambda: window.database is not None and window.path == path, timeout=20000)

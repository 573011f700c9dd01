"""Make the README's screenshots from the real window, offscreen, at a laptop's 1366×768.

    .venv/bin/python packaging/screenshots.py [--out resources/screenshots]

main-window.png: the sample data (made in a temporary folder), one device over a year, a
reading typed and saved. first-start.png: a new, empty database. Nothing of the user's is
read or written: settings and files go to a temporary folder.
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gui.main_window import MainWindow

REPO_ROOT = Path(__file__).resolve().parent.parent
SIZE = (1366, 768)
DEVICE = "TT-110 Basement tanks"


def wait_until(done: Callable[[], bool], timeout_s: float = 120.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there")
        QApplication.processEvents()
        time.sleep(0.005)


def settle(seconds: float = 0.6) -> None:
    """Let the window finish its painting (timers, the chart's range signal)."""
    end = time.perf_counter() + seconds
    wait_until(lambda: time.perf_counter() > end)


def window_on(path: Path, folder: Path) -> "MainWindow":
    from gui.main_window import MainWindow

    window = MainWindow(folder / "fieldlog.log")
    window.resize(*SIZE)
    window.show()
    window.open_path(path)
    wait_until(lambda: window.database is not None and window.workspace is not None)
    return window


def main_window(out: Path, folder: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from core.demo import create_demo
    from core.launch import open_database

    path = folder / "FieldLog sample.db"
    made = open_database(path)
    create_demo(made.database)
    made.database.close()
    window = window_on(path, folder)
    workspace = window.ensure_workspace()
    QTest.keyClicks(workspace.devices.filter, "TT-110")
    QTest.keyClick(workspace.devices.filter, Qt.Key.Key_Return)
    wait_until(lambda: workspace.entry.heading.text() == f"Reading for {DEVICE}")
    workspace.chart.time_range.set_preset("1 y")
    workspace.entry.operator.setText("M. Lindqvist")
    QTest.keyClick(workspace.devices.filter, Qt.Key.Key_Return)
    QTest.keyClicks(workspace.entry.value, "61.40")
    QTest.keyClick(workspace.entry.value, Qt.Key.Key_Return)
    wait_until(lambda: "Saved 61.40" in workspace.entry.message.text())
    QTest.keyClick(workspace.devices.filter, Qt.Key.Key_Escape)  # every device, still selected
    wait_until(lambda: workspace.devices.model.rowCount() == 36)
    workspace.entry.focus_value()
    settle()
    window.grab().save(str(out / "main-window.png"))
    window.close()


def first_start(out: Path, folder: Path) -> None:
    window = window_on(folder / "new.db", folder)
    wait_until(lambda: window.empty_state is not None and window.empty_state.isVisible())
    settle(0.3)
    window.grab().save(str(out / "first-start.png"))
    window.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="packaging/screenshots.py")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "resources" / "screenshots")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO_ROOT))
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="fieldlog-shots-") as name:
        folder = Path(name)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
        os.environ["FIELDLOG_LOG_DIR"] = str(folder / "logs")
        main_window(args.out, folder)
        first_start(args.out, folder)
        app.processEvents()
    print(f"wrote main-window.png and first-start.png to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""T5: cold start to the first painted main window, with a database already at head."""

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.harness import Result, Sizes, interleaved, timed
from core.launch import open_database

BASELINE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    db = folder / "t5.db"
    open_database(db).database.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FIELDLOG_EXIT_AFTER_FIRST_PAINT": "1",
           "FIELDLOG_LOG_DIR": str(folder / "logs")}  # fmt: skip

    def run_process(*args: str) -> float:
        command = [sys.executable, *args]
        return timed(lambda: subprocess.run(command, env=env, check=True, timeout=120,
                                            capture_output=True))  # fmt: skip

    def ours() -> float:
        return run_process("-m", "gui", "--db", str(db))

    def baseline() -> float:
        return run_process("-c", BASELINE)

    ours(), baseline()  # the first run warms the disk cache for both
    mine, theirs = interleaved(ours, baseline, max(repeat, 3))
    return Result("T5", "cold start to first painted window", mine * 1000, theirs * 1000,
                  "ms", 1.5)  # fmt: skip

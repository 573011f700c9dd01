"""``fieldlog --self-test``: the real launch path on a throwaway database, for installed copies.

It opens the main window on a new database in a temporary folder (so the schema is created by
migrating, exactly as on a first launch), adds a device and readings through the operations the
panels run, shows them in the chart, optionally saves a screenshot, and exits 0, or 1 with the
reason.
"""

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from core.devices import DeviceRecord
    from gui.main_window import MainWindow

TIMEOUT_S = 60.0


class SelfTestError(Exception):
    pass


def wait_for(app: QApplication, what: str, ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not ready():
        if time.monotonic() > deadline:
            raise SelfTestError(f"timed out after {TIMEOUT_S:.0f} s waiting for {what}")
        app.processEvents()
        time.sleep(0.01)


def run_self_test(app: QApplication, screenshot: Path | None, log_file: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="fieldlog-selftest-") as folder:
        try:
            _exercise(app, Path(folder) / "selftest.db", screenshot, log_file)
        except Exception as exc:
            print(f"fieldlog self-test: FAILED: {exc} (log: {log_file})", file=sys.stderr)
            return 1
    print("fieldlog self-test: OK")
    return 0


def _exercise(app: QApplication, path: Path, screenshot: Path | None, log_file: Path) -> None:
    from gui.main_window import MainWindow

    window = MainWindow(log_file)
    failures: list[BaseException] = []
    window.launch_failed.connect(failures.append)
    try:
        window.show()
        window.open_path(path)
        wait_for(app, "the database to open", lambda: window.database is not None or bool(failures))
        if failures:
            raise SelfTestError(f"the launch failed: {failures[0]}")
        device_id = _add_sample(app, window)
        _show_chart(app, window, device_id)
        if screenshot is not None:
            _save_screenshot(window, screenshot)
    finally:
        window.close()


def _add_sample(app: QApplication, window: "MainWindow") -> int:
    """A device and three readings, through the operations the window's panels run."""
    from core.devices import DeviceFields
    from core.readings import NewReading
    from gui.operations.devices import add_device
    from gui.operations.readings import save_reading

    db, ops = window.database, window.ops
    assert db is not None
    now = datetime.now(UTC)
    fields = DeviceFields(name="Self-test gauge", default_unit="bar", low_limit=1.0,
                          high_limit=5.0)  # fmt: skip
    made: list[int] = []

    def add_readings(device: "DeviceRecord") -> None:
        *first, last = (NewReading(device.id, value, now - timedelta(hours=hours))
                        for hours, value in ((3, 2.5), (2, 3.1), (1, 5.6)))  # fmt: skip
        for reading in first:
            save_reading(ops, db, reading).run()
        save_reading(ops, db, last).done(lambda _saved: made.append(device.id)).run()  # in order

    add_device(ops, db, fields).done(add_readings).run()
    wait_for(app, "the sample device and readings to be saved", lambda: bool(made))
    return made[0]


def _show_chart(app: QApplication, window: "MainWindow", device_id: int) -> None:
    workspace = window.ensure_workspace()
    workspace.devices.refresh()
    workspace.devices.select_device(device_id)
    wait_for(app, "the chart to show the readings", lambda: workspace.chart.point_count() == 3)


def _save_screenshot(window: "MainWindow", path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path)) or path.stat().st_size == 0:
        raise SelfTestError(f"could not save the screenshot to {path}")

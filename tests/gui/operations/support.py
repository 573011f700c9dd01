"""Running one operation for a test: its work must run on the database thread, and its done or
failed must come back on the UI thread."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from gui.operations import DatabaseOp
from gui.ops import Op, Ops

DATABASE_THREAD = "fieldlog-db"  # the name Ops gives its thread


class WatchedOps(Ops):
    """A real database thread that notes, for each op, the thread its work ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.work_threads: list[str] = []

    def run(self, work: Callable[..., Any], **options: Any) -> Op:
        def watched(*args: Any) -> Any:
            self.work_threads.append(QThread.currentThread().objectName())
            return work(*args)

        return super().run(watched, **options)


@dataclass
class Outcome:
    """What one operation brought back to the UI thread."""

    result: Any = None
    error: BaseException | None = None
    came_back: bool = False
    on_ui_thread: bool = False


def finished(qtbot: QtBot, ops: WatchedOps, operation: DatabaseOp[Any]) -> Outcome:
    """Run ``operation`` on ``ops`` and wait for its outcome, checking the threads."""
    outcome, ui = Outcome(), threading.main_thread()
    ran_before = len(ops.work_threads)

    def arrived() -> None:
        outcome.came_back, outcome.on_ui_thread = True, threading.current_thread() is ui

    def done(result: Any) -> None:
        outcome.result = result
        arrived()

    def failed(error: BaseException) -> None:
        outcome.error = error
        arrived()

    operation.done(done).failed(failed).run()
    qtbot.waitUntil(lambda: outcome.came_back, timeout=20000)
    assert ops.work_threads[ran_before:] == [DATABASE_THREAD], "the work ran elsewhere"
    assert outcome.on_ui_thread, "done or failed was called off the UI thread"
    return outcome


def succeeded(qtbot: QtBot, ops: WatchedOps, operation: DatabaseOp[Any]) -> Any:
    """The result of ``operation``, which must not fail."""
    outcome = finished(qtbot, ops, operation)
    assert outcome.error is None, f"the operation failed: {outcome.error!r}"
    return outcome.result

"""The database thread: results and errors come back on the UI thread, in order."""

import threading

from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from gui.ops import Ops


def test_results_arrive_on_the_ui_thread_in_order(qtbot: QtBot, ops: Ops) -> None:
    seen: list[tuple[int, bool]] = []
    ui = threading.current_thread()
    for n in range(5):
        ops.run(lambda n=n: (n, threading.current_thread() is not ui), done=seen.append)
    qtbot.waitUntil(lambda: len(seen) == 5)
    assert seen == [(n, True) for n in range(5)]
    assert threading.current_thread() is ui


def test_errors_go_to_the_failed_callback(qtbot: QtBot, ops: Ops) -> None:
    errors: list[BaseException] = []

    def broken() -> None:
        raise ValueError("nope")

    ops.run(broken, failed=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)


def test_unhandled_errors_are_signalled(qtbot: QtBot, ops: Ops) -> None:
    with qtbot.waitSignal(ops.error) as caught:
        ops.run(lambda: 1 / 0)
    assert isinstance(caught.args[0], ZeroDivisionError)


def test_fast_work_shows_no_progress_dialog(qtbot: QtBot, ops: Ops) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    results: list[str] = []

    def quick(progress) -> str:
        progress("step")
        return "ok"

    ops.run(quick, done=results.append, progress_parent=parent)
    qtbot.waitUntil(lambda: results == ["ok"])
    qtbot.wait(700)
    assert parent.findChild(QWidget, "progressDialog") is None


def test_slow_work_shows_its_progress_messages(qtbot: QtBot, ops: Ops) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    release = threading.Event()
    results: list[str] = []

    def slow(progress) -> str:
        progress("Backing up the database")
        release.wait(10)
        return "done"

    ops.run(slow, done=results.append, progress_parent=parent)
    qtbot.waitUntil(lambda: parent.findChild(QWidget, "progressDialog") is not None, timeout=3000)
    dialog = parent.findChild(QWidget, "progressDialog")
    assert dialog is not None and dialog.isVisible()
    label = dialog.findChild(QLabel)
    assert label is not None and "Backing up" in label.text()
    release.set()
    qtbot.waitUntil(lambda: results == ["done"])
    qtbot.waitUntil(lambda: parent.findChild(QWidget, "progressDialog") is None)


def test_a_reload_asked_for_again_while_queued_runs_once(qtbot: QtBot) -> None:
    """Ten "reload the chart" ops behind a slow one: only the newest runs, after the rest."""
    slow = Ops(latency_s=0.05)
    try:
        ran: list[str] = []
        done: list[int] = []
        slow.run(lambda: ran.append("save"))

        def reload(n: int) -> None:
            slow.run(lambda: ran.append(f"reload {n}"), done=lambda _r: done.append(n),
                     latest_only="chart")  # fmt: skip

        for n in range(10):
            reload(n)
        slow.run(lambda: ran.append("other"), latest_only="table")
        qtbot.waitUntil(lambda: not slow.busy, timeout=5000)
        assert ran == ["save", "reload 9", "other"]
        assert done == [9]
    finally:
        slow.shutdown()


def test_latency_slows_every_op(qtbot: QtBot) -> None:
    import time

    slow = Ops(latency_s=0.1)
    try:
        started = time.perf_counter()
        finished: list[float] = []
        for _ in range(3):
            slow.run(lambda: None, done=lambda _r: finished.append(time.perf_counter()))
        qtbot.waitUntil(lambda: len(finished) == 3, timeout=5000)
        assert finished[-1] - started >= 0.3
    finally:
        slow.shutdown()

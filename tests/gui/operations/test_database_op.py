"""DatabaseOp and ProgressOp: the work on the database thread, the outcome on the UI thread."""

import threading

from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from core.progress import Say
from gui.operations import DatabaseOp, ProgressOp
from gui.stale import Requests
from tests.gui.operations.support import WatchedOps, finished


def test_done_gets_the_result_and_failed_the_error(qtbot: QtBot, ops: WatchedOps) -> None:
    assert finished(qtbot, ops, DatabaseOp(ops, lambda: 6 * 7, "answer")).result == 42

    def broken() -> None:
        raise ValueError("nope")

    outcome = finished(qtbot, ops, DatabaseOp(ops, broken, "broken"))
    assert isinstance(outcome.error, ValueError) and outcome.result is None


def test_a_failure_nobody_handles_goes_to_the_window(qtbot: QtBot, ops: WatchedOps) -> None:
    with qtbot.waitSignal(ops.error) as caught:
        DatabaseOp(ops, lambda: 1 / 0, "divide").run()
    assert isinstance(caught.args[0], ZeroDivisionError)


def test_only_the_latest_of_a_name_runs(qtbot: QtBot, ops: WatchedOps) -> None:
    release, answers = threading.Event(), list[int]()
    DatabaseOp(ops, lambda: release.wait(10), "slow").run()
    for n in range(3):
        reload = DatabaseOp(ops, lambda n=n: n, "reload")  # type: ignore[misc]
        reload.done(answers.append).latest_only("r").run()
    release.set()
    qtbot.waitUntil(lambda: not ops.busy)
    assert answers == [2]


def test_an_op_runs_again_as_often_as_it_is_run(qtbot: QtBot, ops: WatchedOps) -> None:
    """An undo step runs the same operation again and again."""
    counted = [0]

    def count() -> int:
        counted[0] += 1
        return counted[0]

    again = DatabaseOp(ops, count, "count")
    assert [finished(qtbot, ops, again).result for _ in range(3)] == [1, 2, 3]


def test_progress_steps_show_over_the_parent_while_slow(qtbot: QtBot, ops: WatchedOps) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    release, results = threading.Event(), list[str]()

    def work(say: Say) -> str:
        say("Backing up the database")
        release.wait(10)
        return "done"

    ProgressOp(ops, work, "Working…", parent).done(results.append).run()
    qtbot.waitUntil(lambda: parent.findChild(QWidget, "progressDialog") is not None, timeout=3000)
    dialog = parent.findChild(QWidget, "progressDialog")
    assert dialog is not None and dialog.isVisible()
    label = dialog.findChild(QLabel)
    assert label is not None
    qtbot.waitUntil(lambda: "Backing up" in label.text())
    release.set()
    qtbot.waitUntil(lambda: results == ["done"])
    assert ops.work_threads == ["fieldlog-db"]
    qtbot.waitUntil(lambda: parent.findChild(QWidget, "progressDialog") is None)


def test_progress_work_run_as_plain_work_shows_nothing(qtbot: QtBot, ops: WatchedOps) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def work(say: Say) -> str:
        say("step")
        return "quiet"

    long = ProgressOp(ops, work, "Working…", parent)
    assert finished(qtbot, ops, DatabaseOp(ops, long.work, "plain")).result == "quiet"
    assert parent.findChild(QWidget, "progressDialog") is None


def test_an_op_of_a_stale_request_skips_its_work_and_drops_its_answer(
    qtbot: QtBot, ops: WatchedOps
) -> None:
    requests, release = Requests(), threading.Event()
    ran, answers, failures = list[str](), list[str](), list[BaseException]()
    DatabaseOp(ops, lambda: release.wait(10), "slow").run()

    def work(name: str) -> str:
        ran.append(name)
        return name

    older = requests.new()
    DatabaseOp(ops, lambda: work("older"), "load").for_request(older).done(answers.append).run()
    newer = requests.new()  # made while the older one is still queued
    DatabaseOp(ops, lambda: work("newer"), "load").for_request(newer).done(answers.append).run()
    release.set()
    qtbot.waitUntil(lambda: not ops.busy)
    assert ran == ["newer"] and answers == ["newer"]

    def broken() -> str:
        requests.new()  # the model asks again while this one runs
        raise ValueError("gone")

    started = requests.new()
    DatabaseOp(ops, broken, "load").for_request(started).failed(failures.append).run()
    qtbot.waitUntil(lambda: not ops.busy)
    assert failures == []

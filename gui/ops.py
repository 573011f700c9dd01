"""The one way the window touches the database: small ops on one worker thread.

Every user action that reads or writes the database is submitted here as a plain function.
It runs on a single database thread (so SQLite sees one writer, in order), and its result or
error comes back on the UI thread through a queued signal. Screens never start threads.

Long work takes a ``progress`` callable (see ``core.launch.open_database``); ``Ops.run`` adapts
it to a progress dialog that appears only when the work is slow, as Anki does.
"""

import itertools
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QVBoxLayout, QWidget

from core.errors import DatabaseReplacedError

log = logging.getLogger("fieldlog.gui.ops")

SHOW_PROGRESS_AFTER_MS = 600
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


@dataclass
class Op:
    """One piece of work for the database thread, and what to do with its outcome."""

    work: Callable[..., Any]
    done: Done | None = None
    failed: Failed | None = None
    label: str = ""
    wants_progress: bool = False
    latest_only: str | None = None  # skipped if a newer op of the same name is queued
    id: int = field(default_factory=itertools.count(1).__next__)


class _Skipped:
    """The result of an op that a newer one of the same ``latest_only`` name replaced."""


SKIPPED = _Skipped()


class _Worker(QObject):
    finished = Signal(object, object, object)  # op, result, error
    progressed = Signal(object, str)  # op, message

    def __init__(self, latest: dict[str, int], latency_s: float) -> None:
        super().__init__()
        self._latest = latest  # written on the UI thread; a dict read is atomic
        self._latency_s = latency_s

    @Slot(object)
    def run(self, op: Op) -> None:
        if op.latest_only is not None and self._latest.get(op.latest_only) != op.id:
            self.finished.emit(op, SKIPPED, None)
            return
        if self._latency_s:
            time.sleep(self._latency_s)
        try:
            if op.wants_progress:
                result = op.work(lambda message: self.progressed.emit(op, message))
            else:
                result = op.work()
        except BaseException as exc:  # handed to the UI thread, never lost
            self.finished.emit(op, None, exc)
        else:
            self.finished.emit(op, result, None)


_LIVE: "weakref.WeakSet[Ops]" = weakref.WeakSet()


def live_ops() -> list["Ops"]:
    """Every Ops not yet garbage-collected (tests check none is left running)."""
    return list(_LIVE)


class Ops(QObject):
    """The database thread. ``run`` queues work; callbacks arrive on the UI thread, in order."""

    _submit = Signal(object)
    busy_changed = Signal(bool)
    error = Signal(object)  # an error no caller handled
    replaced = Signal(object)  # a DatabaseReplacedError, whoever handled it: the window reacts

    def __init__(self, parent: QObject | None = None, *, latency_s: float = 0.0) -> None:
        """``latency_s`` delays every op: tests use it to play a slow machine."""
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("fieldlog-db")
        self._latest: dict[str, int] = {}
        self._worker = _Worker(self._latest, latency_s)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.finished.connect(self._on_finished)
        self._worker.progressed.connect(self._on_progressed)
        self._pending: dict[int, Op] = {}
        self._dialogs: dict[int, _SlowProgress] = {}
        self._thread.start()
        _LIVE.add(self)

    def run(
        self,
        work: Callable[..., Any],
        *,
        done: Done | None = None,
        failed: Failed | None = None,
        label: str = "",
        progress_parent: QWidget | None = None,
        latest_only: str | None = None,
    ) -> Op:
        """Queue ``work``. With ``progress_parent``, ``work`` gets a ``progress(message)``
        callable and a dialog shows its messages if the work lasts longer than 600 ms.

        With ``latest_only``, an op still queued when another of the same name is queued is
        skipped, callbacks and all: a reload asked for ten times while the thread is busy runs
        once, after the work before it.
        """
        op = Op(work, done, failed, label, progress_parent is not None, latest_only)
        if latest_only is not None:
            self._latest[latest_only] = op.id
        self._pending[op.id] = op
        if progress_parent is not None:
            self._dialogs[op.id] = _SlowProgress(progress_parent, label)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._submit.emit(op)
        return op

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def shutdown(self) -> None:
        """Finish the queued work and stop the thread (call before closing the database)."""
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()

    @Slot(object, str)
    def _on_progressed(self, op: Op, message: str) -> None:
        dialog = self._dialogs.get(op.id)
        if dialog is not None:
            dialog.report(message)

    @Slot(object, object, object)
    def _on_finished(self, op: Op, result: Any, exc: BaseException | None) -> None:
        self._pending.pop(op.id, None)
        dialog = self._dialogs.pop(op.id, None)
        if dialog is not None:
            dialog.finish()
        if not self._pending:
            self.busy_changed.emit(False)
        if result is SKIPPED:
            return
        if exc is None:
            if op.done is not None:
                op.done(result)
        elif isinstance(exc, DatabaseReplacedError):
            if op.failed is not None:
                op.failed(exc)  # first: a save puts its value back while its device is shown
            self.replaced.emit(exc)  # one message from the window, not one per op
        elif op.failed is not None:
            op.failed(exc)
        else:
            log.error("unhandled failure in %s", op.label or op.work, exc_info=exc)
            self.error.emit(exc)


class _SlowProgress:
    """A busy dialog made only if the work lasts longer than 600 ms, so fast work shows nothing."""

    def __init__(self, parent: QWidget, label: str) -> None:
        self._parent = parent
        self._message = label or "Working…"
        self._dialog: QDialog | None = None
        self._text: QLabel | None = None
        self._timer = QTimer(singleShot=True, interval=SHOW_PROGRESS_AFTER_MS)
        self._timer.timeout.connect(self._show)
        self._timer.start()

    def report(self, message: str) -> None:
        self._message = message
        if self._text is not None:
            self._text.setText(message)

    def _show(self) -> None:
        self._dialog = QDialog(self._parent)
        self._dialog.setObjectName("progressDialog")
        self._dialog.setWindowTitle("FieldLog")
        self._dialog.setModal(True)
        self._text = QLabel(self._message)
        bar = QProgressBar()
        bar.setRange(0, 0)  # busy: the steps of a launch have no meaningful percentage
        layout = QVBoxLayout(self._dialog)
        layout.addWidget(self._text)
        layout.addWidget(bar)
        self._dialog.setMinimumWidth(420)
        self._dialog.show()

    def finish(self) -> None:
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.hide()
            self._dialog.deleteLater()

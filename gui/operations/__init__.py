"""Every database action of the window, named once: one module per subject.

A screen never hands ``Ops.run`` work of its own. It calls the action by its name, which
returns a ``DatabaseOp``; the screen says what follows, and runs it::

    save_reading(ops, db, new).done(self._on_saved).failed(self._on_failed).run()

The work runs on the one database thread, in order with every other op, and ``done`` or
``failed`` is called on the UI thread (``gui/ops.py``). An undo step runs the same operations
(``gui/undo.py``). The modules:

- ``readings.py``: save a reading, correct one, withdraw one; the readings a screen asks for;
- ``devices.py``: add, edit, archive or unarchive, delete a device; the inventory's counts;
- ``imports.py``: read a file, the dry run, the import, the import history and undoing one;
- ``exports.py``: write readings to a file;
- ``backups.py``: list the backups, restore one;
- ``calibrations.py``: record a device's calibration, the device's history of them, the
  devices due;
- ``audit.py``: a device's recorded changes;
- ``launch.py``: open a file through the launch contract, set a stray WAL aside, the
  background integrity check, closing.

Long work that reports its steps (a launch, a restore) is a ``ProgressOp``: a dialog over the
window shows the steps if the work lasts. A model's load is part of one of its requests
(``for_request``, ``gui/stale.py``): once the model asks again, the older load skips its query
if it is still queued, and what it brings back is dropped.
"""

from collections.abc import Callable
from typing import Generic, Self, TypeVar

from PySide6.QtWidgets import QWidget

from core.progress import Say
from gui.ops import SKIPPED, Failed, Op, Ops
from gui.stale import Request

T = TypeVar("T")


class DatabaseOp(Generic[T]):
    """One action's work for the database thread, and what the screen does with its outcome.

    ``work`` is what runs on the database thread (an undo step runs it again); ``done`` and
    ``failed`` set what the UI thread does with the result or the error; ``run`` queues it.
    """

    def __init__(self, ops: Ops, work: Callable[[], T], label: str) -> None:
        self.ops = ops
        self.work = work
        self.label = label  # names the op in the log
        self._done: Callable[[T], None] | None = None
        self._failed: Failed | None = None
        self._latest_only: str | None = None
        self._request: Request | None = None

    def done(self, callback: Callable[[T], None]) -> Self:
        """``callback(result)`` on the UI thread once the work has succeeded."""
        self._done = callback
        return self

    def failed(self, callback: Failed) -> Self:
        """``callback(error)`` on the UI thread if the work raised; without one, the window
        shows the error (``Ops.error``)."""
        self._failed = callback
        return self

    def latest_only(self, name: str) -> Self:
        """Skip this op if another of the same ``name`` is queued after it (a reload asked for
        again while the thread was busy runs once)."""
        self._latest_only = name
        return self

    def for_request(self, request: Request) -> Self:
        """Part of a model's ``request``: once a newer request is made, this op skips its work
        if it has not started, and its answer or failure is dropped (``gui/stale.py``)."""
        self._request = request
        return self

    def run(self) -> Op:
        work: Callable[[], object] = self.work
        done, failed, request = self._done, self._failed, self._request
        if request is not None:
            work = _unless_stale(request, work)
            done = None if done is None else request.unless_stale(done)
            failed = None if failed is None else request.unless_stale(failed)
        return self.ops.run(work, done=done, failed=failed, label=self.label,
                            latest_only=self._latest_only)  # fmt: skip


def _unless_stale(request: Request, work: Callable[[], T]) -> Callable[[], object]:
    """``work``, skipped on the database thread (no callbacks at all) once ``request`` is stale."""

    def guarded() -> object:
        return SKIPPED if request.stale else work()

    return guarded


class ProgressOp(DatabaseOp[T]):
    """Long work that says its steps (``work(say)``, ``core.progress.Say``): a dialog over
    ``parent`` shows them if the work lasts longer than a moment (``Ops.run``'s
    ``progress_parent``)."""

    def __init__(self, ops: Ops, work: Callable[[Say], T], label: str, parent: QWidget) -> None:
        super().__init__(ops, lambda: work(_unreported), label)
        self._reporting = work
        self._parent = parent

    def run(self) -> Op:
        return self.ops.run(self._reporting, done=self._done, failed=self._failed,
                            label=self.label, latest_only=self._latest_only,
                            progress_parent=self._parent)  # fmt: skip


def _unreported(_step: str) -> None:
    """Where the steps of work run without its dialog go (``ProgressOp.work``)."""

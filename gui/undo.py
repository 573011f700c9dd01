"""Undo for database edits: a ``QUndoStack`` whose commands run their work as ops.

An edit is done first, as an ordinary op; when it succeeds, a command that knows how to take it
back (and do it again) is pushed. Because every op runs on the one database thread in order,
undo and redo apply in the order the user asked for them.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtGui import QUndoCommand, QUndoStack

from gui.ops import Failed, Ops

Work = Callable[[], Any]
Made = TypeVar("Made")


class OpCommand(QUndoCommand):
    """An edit already done, with the work that undoes and redoes it."""

    def __init__(
        self,
        ops: Ops,
        text: str,
        undo: Work,
        redo: Work,
        changed: Callable[[], None],
        failed: Failed | None = None,
    ) -> None:
        super().__init__(text)
        self._ops = ops
        self._undo = undo
        self._redo = redo
        self._changed = changed
        self._failed = failed
        self._done_once = False

    def redo(self) -> None:
        if not self._done_once:  # pushed after the edit itself succeeded
            self._done_once = True
            return
        self._ops.run(self._redo, done=self._after, failed=self._failed, label=self.text())

    def undo(self) -> None:
        self._ops.run(self._undo, done=self._after, failed=self._failed, label=self.text())

    def _after(self, _result: object) -> None:
        self._changed()


def push_done(
    stack: QUndoStack,
    ops: Ops,
    text: str,
    *,
    undo: Work,
    redo: Work,
    changed: Callable[[], None],
    failed: Failed | None = None,
) -> None:
    """Record an edit that has just succeeded, so that Ctrl+Z takes it back."""
    stack.push(OpCommand(ops, text, undo, redo, changed, failed))


def push_made(
    stack: QUndoStack,
    ops: Ops,
    text: str,
    *,
    made: Made,
    make: Callable[[], Made],
    unmake: Callable[[Made], object],
    changed: Callable[[], None],
    failed: Failed | None = None,
) -> None:
    """Record an edit that has just made ``made`` (a reading, a correction, a device) by
    ``make()``. A redo makes it again, under a new id; undo takes back whichever one the
    latest redo made, so undo, redo, undo always removes what is there."""
    latest = [made]

    def redo() -> Made:
        latest[0] = make()
        return latest[0]

    stack.push(OpCommand(ops, text, lambda: unmake(latest[0]), redo, changed, failed))

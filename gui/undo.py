"""Undo for database edits: a ``QUndoStack`` whose commands run operations (``gui/operations/``).

An edit is done first, as an ordinary operation; when it succeeds, a command that knows the
operations that take it back (and do it again) is pushed. Because every op runs on the one
database thread in order, undo and redo apply in the order the user asked for them.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtGui import QUndoCommand, QUndoStack

from gui.operations import DatabaseOp

Made = TypeVar("Made")


class OpCommand(QUndoCommand):
    """An edit already done, with the operations that undo and redo it."""

    def __init__(self, text: str, undo: DatabaseOp[Any], redo: DatabaseOp[Any],
                 changed: Callable[[], None]) -> None:  # fmt: skip
        super().__init__(text)
        self._undo = undo
        self._redo = redo
        self._changed = changed
        self._done_once = False

    def redo(self) -> None:
        if not self._done_once:  # pushed after the edit itself succeeded
            self._done_once = True
            return
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, operation: DatabaseOp[Any]) -> None:
        """The operation's work, with this command's own outcome: what it changed is shown
        again; a failure is the window's to show (``Ops.error``)."""
        operation.ops.run(operation.work, done=self._after, label=operation.label)

    def _after(self, _result: object) -> None:
        self._changed()


def push_done(stack: QUndoStack, text: str, *, undo: DatabaseOp[Any], redo: DatabaseOp[Any],
              changed: Callable[[], None]) -> None:  # fmt: skip
    """Record an edit that has just succeeded, so that Ctrl+Z takes it back: ``undo`` and
    ``redo`` are operations that can run again and again (each undo, each redo)."""
    stack.push(OpCommand(text, undo, redo, changed))


def push_made(stack: QUndoStack, text: str, *, made: Made, make: DatabaseOp[Made],
              unmake: Callable[[Made], DatabaseOp[Any]],
              changed: Callable[[], None]) -> None:  # fmt: skip
    """Record an edit that has just made ``made`` (a reading, a correction, a device) by the
    operation ``make``. A redo makes it again, under a new id; undo takes back whichever one
    the latest redo made, so undo, redo, undo always removes what is there.

    Which one that is is known on the database thread only (a redo still queued has not made
    it yet), so the undo asks ``unmake`` for its operation there, and runs its work."""
    latest = [made]

    def remake() -> Made:
        latest[0] = make.work()
        return latest[0]

    def take_back() -> object:
        return unmake(latest[0]).work()

    redo = DatabaseOp(make.ops, remake, make.label)
    undo = DatabaseOp(make.ops, take_back, f"Undo {text}")
    stack.push(OpCommand(text, undo, redo, changed))

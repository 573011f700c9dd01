"""What ``alembic revision`` writes (``migrations/env.py`` hands ``directives`` to Alembic):
the next four-digit id, so that ``alembic revision -m ...`` needs no ``--rev-id``, and column
changes SQLite makes in place written in place.

A new plain column (nullable or with a default, no key, index or constraint) is added, and
dropped on downgrade, with ``op.add_column``/``op.drop_column``: SQLite does both without
copying the table (0007 does so). Batch mode, which autogenerate uses for every change, would
rebuild ``readings`` or ``devices`` from reflection to drop one, and a rebuilt table loses the
names of the foreign keys declared in a column (0005's ``batch_id``). Other changes keep batch
mode; ``fieldlog db check`` and the suite's round trips catch a constraint that loses its name.

Revision ids are consecutive four-digit numbers (``tests/migrations/test_chain.py``): the next
one follows the head. An id given with ``--rev-id`` must be that one; Alembic's own random ids
are replaced by it. The template (``migrations/script.py.mako``) leaves ``breaks_older_readers``
for the developer to decide; the post-write hooks in alembic.ini run ruff over the new file.
"""

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Column

from core.errors import FieldLogError

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

FOUR_DIGITS = re.compile(r"\d{4}")

Directives = Callable[[Any, Any, list[Any]], None]


def next_id(script: "ScriptDirectory") -> str:
    """The id the next revision takes: the head's number plus one (0001 for the first)."""
    head = script.get_current_head()
    if head is None:
        return "0001"
    if not FOUR_DIGITS.fullmatch(head):
        raise FieldLogError(
            f"The head revision {head!r} is not a four-digit number: rename it (file, "
            "`revision` and the next one's `down_revision`) to the next number first."
        )
    return f"{int(head) + 1:04d}"


def directives(script: "ScriptDirectory") -> Directives:
    """Alembic's ``process_revision_directives`` for the scripts in ``script``."""

    def process(_context: Any, _revision: Any, found: list[Any]) -> None:
        for migration in found:
            migration.rev_id = _checked_id(migration.rev_id, next_id(script))
            for steps in (*migration.upgrade_ops_list, *migration.downgrade_ops_list):
                steps.ops = in_place(steps.ops)

    return process


def in_place(operations: Iterable[Any]) -> list[Any]:
    """``operations`` with each batch block that only adds or drops plain columns replaced by
    those steps, done in place."""
    from alembic.operations import ops

    done: list[Any] = []
    for operation in operations:
        steps = operation.ops if isinstance(operation, ops.ModifyTableOps) else None
        if steps and all(_plain_column_step(step) for step in steps):
            done.extend(steps)
        else:
            done.append(operation)
    return done


def _plain_column_step(step: Any) -> bool:
    from alembic.operations import ops

    if isinstance(step, ops.AddColumnOp):
        return plain_column(step.column)
    if isinstance(step, ops.DropColumnOp) and step._reverse is not None:
        return plain_column(step._reverse.column)  # the column as the models or file had it
    return False


def plain_column(column: Column[Any]) -> bool:
    """Whether SQLite adds (and drops) ``column`` in place: no key, no index, no constraint
    that names it, and nullable or with a default for the rows already there."""
    keyed = column.primary_key or column.foreign_keys or column.unique or column.index
    if keyed or not (column.nullable or column.server_default is not None):
        return False
    table = getattr(column, "table", None)
    if table is None:
        return True
    indexed = any(column.name in index.columns for index in table.indexes)
    checked = any(
        re.search(rf"\b{re.escape(column.name)}\b", str(constraint.sqltext))
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    )
    return not indexed and not checked


def _checked_id(given: str | None, expected: str) -> str:
    if given is None or not FOUR_DIGITS.fullmatch(given):
        return expected  # Alembic's random id: numbered instead
    if given != expected:
        raise FieldLogError(
            f"--rev-id {given}: revision ids are consecutive, so the next one is {expected}. "
            "Leave out --rev-id and it is chosen for you."
        )
    return given

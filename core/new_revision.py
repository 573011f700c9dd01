"""What ``alembic revision`` writes (``migrations/env.py`` hands ``directives`` to Alembic):
the next four-digit id, so that ``alembic revision -m ...`` needs no ``--rev-id``.

Revision ids are consecutive four-digit numbers (``tests/migrations/test_chain.py``): the next
one follows the head. An id given with ``--rev-id`` must be that one; Alembic's own random ids
are replaced by it. The template (``migrations/script.py.mako``) leaves ``breaks_older_readers``
for the developer to decide; the post-write hooks in alembic.ini run ruff over the new file.
"""

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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

    return process


def _checked_id(given: str | None, expected: str) -> str:
    if given is None or not FOUR_DIGITS.fullmatch(given):
        return expected  # Alembic's random id: numbered instead
    if given != expected:
        raise FieldLogError(
            f"--rev-id {given}: revision ids are consecutive, so the next one is {expected}. "
            "Leave out --rev-id and it is chosen for you."
        )
    return given

"""Every statement the migration chain runs on SQLite that changes a file, step by step.

Landed migrations may change only for another database (issue 15): on SQLite they must keep
running exactly the statements they ran when they landed. ``sqlite_ddl.expected.sql`` beside
this file is that text, made from the landed files before any edit for PostgreSQL;
``test_sqlite_ddl.py`` compares it with what the files run now.

Alembic's offline ``--sql`` mode cannot render these files on SQLite (a batch step that rebuilds
a table needs the table reflected from a real database), so the statements are recorded online:
each revision upgraded one at a time on an empty file, then each downgraded, every CREATE,
ALTER, DROP, INSERT, UPDATE and DELETE as sent to SQLite (without its parameters: 0001's origin
has a random UUID). Reflection's PRAGMAs and SELECTs and the runner's own BEGIN are left out:
they are not the schema. Batch mode orders a rebuilt table's constraints, and the indexes it
makes again, as a set's iteration happens to (it changes from one run to the next): those are
put in sorted order, the one thing about the statements this changes.

Made again (only when a new revision lands, never to hide a change) with
``python -m tests.migrations.sqlite_ddl > tests/migrations/sqlite_ddl.expected.sql``.
"""

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import event

from core import migrate
from core.db import create_sqlite_engine

EXPECTED = Path(__file__).with_name("sqlite_ddl.expected.sql")
RECORDED = ("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE")


def recorded_ddl() -> str:
    """The statements of every upgrade, then every downgrade, under a line naming the step."""
    lines: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(RECORDED):
            lines.append(_constraints_sorted(" ".join(statement.split())) + ";")

    chain = migrate.revision_chain()
    plan = [(f"upgrade {rev}", rev) for rev in chain]
    plan += [
        (f"downgrade {rev}", before)
        for rev, before in zip(chain[::-1], _befores(chain), strict=True)
    ]
    with tempfile.TemporaryDirectory(prefix="fieldlog-ddl-") as folder:
        engine = create_sqlite_engine(Path(folder) / "ddl.db")
        event.listen(engine, "before_cursor_execute", record)
        try:
            with engine.connect() as conn:
                for name, target in plan:
                    lines.append(f"-- {name}")
                    step = migrate.downgrade if name.startswith("downgrade") else migrate.upgrade
                    step(conn, target)
        finally:
            engine.dispose()
    return "\n".join(_index_runs_sorted(lines)) + "\n"


def steps(recorded: str) -> dict[str, list[str]]:
    """``recorded`` text as each step's statements, by the step's name ("upgrade 0001")."""
    found: dict[str, list[str]] = {}
    for line in recorded.splitlines():
        if line.startswith("-- "):
            statements = found.setdefault(line[3:], [])
        else:
            statements.append(line)
    return found


def _constraints_sorted(statement: str) -> str:
    """A CREATE TABLE with its CONSTRAINT clauses in sorted order, its columns as they were."""
    head, paren, body = statement.partition(" ( ")
    if not statement.startswith("CREATE TABLE") or not paren:
        return statement
    clauses = _top_level_parts(body.removesuffix(" )"))
    columns = [part for part in clauses if not part.startswith("CONSTRAINT ")]
    constraints = sorted(part for part in clauses if part.startswith("CONSTRAINT "))
    return f"{head} ( {', '.join(columns + constraints)} )"


def _top_level_parts(body: str) -> list[str]:
    """``body`` split at the commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for at, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(body[start:at].strip())
            start = at + 1
    return [*parts, body[start:].strip()]


def _index_runs_sorted(lines: list[str]) -> list[str]:
    """Each run of consecutive CREATE INDEX statements in sorted order."""
    done: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if re.match(r"CREATE (UNIQUE )?INDEX ", line):
            run.append(line)
            continue
        done += sorted(run)
        run = []
        done.append(line)
    return done[:-1]


def _befores(chain: tuple[str, ...]) -> list[str]:
    """The target of each downgrade, newest first: the revision before it, or base."""
    return [*chain[-2::-1], "base"]


if __name__ == "__main__":
    sys.stdout.write(recorded_ddl())

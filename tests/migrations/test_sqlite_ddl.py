"""On SQLite the chain runs exactly the statements it ran when its files landed (issue 15: a
landed file may change only for another database). See ``sqlite_ddl.py``."""

from functools import cache

from tests.migrations.sqlite_ddl import EXPECTED, recorded_ddl, steps

REMAKE = "python -m tests.migrations.sqlite_ddl > tests/migrations/sqlite_ddl.expected.sql"


@cache
def now() -> dict[str, list[str]]:
    return steps(recorded_ddl())


def expected() -> dict[str, list[str]]:
    return steps(EXPECTED.read_text(encoding="utf-8"))


def test_each_landed_step_runs_the_statements_it_landed_with() -> None:
    changed = [step for step, statements in expected().items() if now().get(step) != statements]
    assert changed == [], (
        f"{', '.join(changed)} now run other statements on SQLite than when they landed: a "
        "change made for PostgreSQL must leave SQLite's statements exactly as they were (make "
        "it dialect-only, or revert it and write a new revision)"
    )


def test_every_step_is_in_the_expectation() -> None:
    unrecorded = sorted(now().keys() - expected().keys())
    assert unrecorded == [], (
        f"the SQLite statements of {', '.join(unrecorded)} are not recorded: a new revision "
        f"adds its own with {REMAKE} (the landed steps' lines must come out unchanged)"
    )

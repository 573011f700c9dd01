"""T8: an upgrade that adds a column to a readings table of N rows, through FieldLog's runner.

The revision is a temporary one after head, in a copy of the shipped migrations, written as
FieldLog's revisions are (batch mode). It is measured through ``core.migrate.upgrade`` (one
transaction, foreign-key check, marker), not the whole launch: ``open_database`` sees the file
at its shipped ``HEAD_REVISION`` and opens it without looking at the extra revision; and if it
did migrate, its drift check would rightly refuse a column the models do not have (its backup
and checks are proportional to the file by design). The rootpage of ``readings`` shows whether
the table was copied; a copy, or a missing column, fails the target whatever the ratio.
"""

import importlib
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from benchmarks import data
from benchmarks.harness import Result, Sizes, interleaved, timed
from core import migrate
from core.db import apply_pragmas, create_sqlite_engine
from core.schema import HEAD_REVISION

REVISION = '''"""bench: add a column"""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{head}"
branch_labels = None
depends_on = None
breaks_older_readers = False


def upgrade() -> None:
    with op.batch_alter_table("readings") as batch_op:
        batch_op.add_column(sa.Column("bench_extra", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("readings") as batch_op:
        batch_op.drop_column("bench_extra")
'''
EXTRA = f"{int(HEAD_REVISION) + 1:04d}"  # the revision after the shipped head


def scripts_with_extra_column(folder: Path) -> Path:
    scripts = folder / "t8-migrations"
    shutil.copytree(migrate.migrations_dir(), scripts, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    text = REVISION.replace("{revision}", EXTRA).replace("{head}", HEAD_REVISION)
    (scripts / "versions" / f"{EXTRA}_bench.py").write_text(text, encoding="utf-8")
    return scripts


def readings_table(path: Path) -> tuple[int, list[str]]:
    """The root page of ``readings`` (a copied table gets a new one) and its columns."""
    with closing(sqlite3.connect(path)) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'readings'")
        names = [row[1] for row in conn.execute("PRAGMA table_info(readings)")]
        return int(root.fetchone()[0]), names


def pristine_files(folder: Path, count: int) -> tuple[Path, Path]:
    """FieldLog's database at head and the reference database, the same ``count`` rows each."""
    rows = data.sorted_rows(count, devices=100)
    ours = folder / "t8-fieldlog.db"
    made = data.fieldlog_db(ours, devices=100)
    data.fill_fieldlog(made, rows)
    made.database.close()
    reference = folder / "t8-reference.db"
    with data.reference_db(reference) as conn:
        data.fill_reference(conn, rows)
    for path in (ours, reference):
        data.checkpoint(path)
    return ours, reference


def upgrade_once(pristine: Path, scripts: Path, problems: list[str]) -> float:
    """Time ``migrate.upgrade`` to the bench revision on a fresh copy; note what went wrong."""
    work = pristine.with_name("t8-run.db")
    data.fresh_copy(pristine, work)
    before, _ = readings_table(work)
    engine = create_sqlite_engine(work)
    with engine.connect() as conn:
        seconds = timed(lambda: migrate.upgrade(conn, "head", scripts))
    engine.dispose()
    after, names = readings_table(work)
    if after != before:
        problems.append("table copied!")
    if "bench_extra" not in names:
        problems.append("column not added!")
    return seconds


def alter_once(pristine: Path) -> float:
    work = pristine.with_name("t8-run-reference.db")
    data.fresh_copy(pristine, work)
    with closing(sqlite3.connect(work, isolation_level=None)) as conn:
        apply_pragmas(conn)
        return timed(lambda: conn.execute("ALTER TABLE readings ADD COLUMN x REAL"))


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    count = sizes.pick(200_000, 10_000_000)
    ours, reference = pristine_files(folder, count)
    scripts = scripts_with_extra_column(folder)
    importlib.import_module("alembic.command")  # imported once, outside the timings
    problems: list[str] = []
    ours_s, base_s = interleaved(lambda: upgrade_once(ours, scripts, problems),
                                 lambda: alter_once(reference), repeat)  # fmt: skip
    note = ", ".join(sorted(set(problems))) or "no table copy"
    return Result("T8", f"upgrade adding a column, {count:,} rows", ours_s * 1000,
                  base_s * 1000, "ms", 10.0, note=note, holds=not problems)  # fmt: skip

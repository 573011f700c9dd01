"""T8: an upgrade that adds a column to a readings table of N rows, through FieldLog's runner.

The revision is a temporary 0005 in a copy of the shipped migrations, written as FieldLog's
revisions are (batch mode). It is measured through ``core.migrate.upgrade`` (one transaction,
foreign-key check, marker), not the whole launch: the launch's backup and verification are
proportional to the file by design, and its drift check would rightly refuse a column the
models do not have. The rootpage of ``readings`` shows whether the table was copied.
"""

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from benchmarks import data
from benchmarks.harness import Result, Sizes, interleaved, timed
from core import migrate
from core.db import create_sqlite_engine

REVISION = '''"""bench: add a column"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
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


def scripts_with_extra_column(folder: Path) -> Path:
    scripts = folder / "t8-migrations"
    shutil.copytree(migrate.migrations_dir(), scripts, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    (scripts / "versions" / "0005_bench.py").write_text(REVISION, encoding="utf-8")
    return scripts


def rootpage(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        found = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'readings'")
        return int(found.fetchone()[0])


def run(sizes: Sizes, folder: Path, repeat: int) -> Result:
    count = sizes.pick(200_000, 10_000_000)
    rows = data.sorted_rows(count, devices=100)
    pristine_ours = folder / "t8-fieldlog.db"
    made = data.fieldlog_db(pristine_ours, devices=100)
    data.fill_fieldlog(made, rows)
    made.database.close()
    pristine_reference = folder / "t8-reference.db"
    with data.reference_db(pristine_reference) as conn:
        data.fill_reference(conn, rows)
    del rows
    for path in (pristine_ours, pristine_reference):
        data.checkpoint(path)
    scripts = scripts_with_extra_column(folder)
    copied: list[bool] = []

    def mine() -> float:
        work = folder / "t8-run.db"
        shutil.copyfile(pristine_ours, work)
        before = rootpage(work)
        engine = create_sqlite_engine(work)
        with engine.connect() as conn:
            seconds = timed(lambda: migrate.upgrade(conn, "head", scripts))
        engine.dispose()
        copied.append(rootpage(work) != before)
        return seconds

    def theirs() -> float:
        work = folder / "t8-run-reference.db"
        shutil.copyfile(pristine_reference, work)
        with closing(sqlite3.connect(work, isolation_level=None)) as conn:
            return timed(lambda: conn.execute("ALTER TABLE readings ADD COLUMN x REAL"))

    ours_s, base_s = interleaved(mine, theirs, repeat)
    note = "table copied!" if any(copied) else "no table copy"
    return Result("T8", f"upgrade adding a column, {count:,} rows", ours_s * 1000,
                  base_s * 1000, "ms", 10.0, note=note)  # fmt: skip

"""Import batches record their readings' id range; the index on readings.batch_id goes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

An import writes its readings inside one transaction that holds the write lock, so they take
consecutive ids. ``first_reading_id`` and ``last_reading_id`` bound them, and undoing or counting
a batch reads that stretch of the primary key (still filtered by ``batch_id``). The partial
index on ``readings.batch_id``, which only served those two rare operations, took an entry for
every imported reading: about a fifth of a large import's time (PERFORMANCE.md, T1).

Existing batches get their range from their readings, looked up through the index before it is
dropped; a batch that added nothing keeps NULL. The columns are added in place: no table is
copied.

Downgrading makes the index again and drops the two columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A 0005 build still reads and writes this file. Its imports leave the range NULL, and this
# build then looks for their readings by batch_id over the whole table: slower, still right.
breaks_older_readers = False

BATCH_INDEX = "ix_readings_batch_id"


def upgrade() -> None:
    op.add_column("import_batches", sa.Column("first_reading_id", sa.Integer(), nullable=True))
    op.add_column("import_batches", sa.Column("last_reading_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE import_batches SET "
        "first_reading_id = (SELECT min(id) FROM readings WHERE batch_id = import_batches.id), "
        "last_reading_id = (SELECT max(id) FROM readings WHERE batch_id = import_batches.id)"
    )
    op.drop_index(BATCH_INDEX, table_name="readings")


def downgrade() -> None:
    op.create_index(
        BATCH_INDEX,
        "readings",
        ["batch_id"],
        unique=False,
        sqlite_where=sa.text("batch_id IS NOT NULL"),
        postgresql_where=sa.text("batch_id IS NOT NULL"),
    )
    # import_batches is small: batch mode copies it once rather than rely on DROP COLUMN.
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.drop_column("last_reading_id")
        batch_op.drop_column("first_reading_id")

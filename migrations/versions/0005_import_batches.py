"""Import batches: each imported file is recorded, and its readings and devices point to it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

A batch keeps the file's name, SHA-256, format, time zone and counts, so that a whole import can
be undone and a re-import recognised. ``readings.batch_id`` and ``devices.batch_id`` are added
with plain ``ALTER TABLE ... ADD COLUMN`` (a named REFERENCES clause in the column definition):
batch mode would copy the readings table, which holds millions of rows (PERFORMANCE.md, T8).
Existing rows get NULL: they were not imported in a batch.

Downgrading drops the columns and the table; the imported readings stay, as plain readings.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# New nullable columns and a new table: a 0004 build still reads and writes this file.
breaks_older_readers = False

BATCH_INDEX = "ix_readings_batch_id"


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.LargeBinary(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("imported_at", sa.BigInteger(), nullable=False),
        sa.Column("readings_added", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("devices_created", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint("uid", name=op.f("uq_import_batches_uid")),
    )
    op.create_index(
        op.f("ix_import_batches_file_hash"), "import_batches", ["file_hash"], unique=False
    )
    for table in ("readings", "devices"):
        # SQLite adds a column with a REFERENCES clause in place, without copying the table.
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN batch_id INTEGER "
            f"CONSTRAINT fk_{table}_batch_id_import_batches REFERENCES import_batches (id)"
        )
    op.create_index(
        BATCH_INDEX,
        "readings",
        ["batch_id"],
        unique=False,
        sqlite_where=sa.text("batch_id IS NOT NULL"),
        postgresql_where=sa.text("batch_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(BATCH_INDEX, table_name="readings")
    for table in ("readings", "devices"):
        # DROP COLUMN refuses a column with a foreign key: batch mode copies the table once,
        # and the foreign key goes with its column.
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("batch_id")
    op.drop_index(op.f("ix_import_batches_file_hash"), table_name="import_batches")
    op.drop_table("import_batches")

"""On PostgreSQL: 64-bit ids and native UUIDs. Nothing changes on SQLite.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

0001 made every id an INTEGER and every uid a 16-byte LargeBinary. On SQLite both are already
what they should be: an INTEGER PRIMARY KEY is the 64-bit rowid, and 16 raw bytes are the
smallest a UUID can be. On PostgreSQL they became 32-bit ``integer`` columns with ``integer``
sequences (2^31 readings, and a database stops taking them) and ``bytea`` uids. Here, on
PostgreSQL only, every id, every column that holds one (foreign keys, a batch's reading range,
a reading's sequence number at its origin) and their sequences become ``bigint``, and the uids
PostgreSQL's own ``uuid``. Each table is rewritten once (one ALTER TABLE for all its columns).

On SQLite this revision runs nothing but Alembic's own record: no table is touched.
Downgrading on PostgreSQL makes them ``integer`` and ``bytea`` again, and fails, changing
nothing, if an id no longer fits in 32 bits.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# On SQLite the file is exactly as it was: a 0007 build reads and writes it as before.
breaks_older_readers = False

ID_COLUMNS = {
    "origins": ("id",),
    "import_batches": ("id", "first_reading_id", "last_reading_id"),
    "devices": ("id", "batch_id"),
    "readings": ("id", "device_id", "origin_id", "origin_seq", "corrects_id", "batch_id"),
}
UUID_TABLES = ("origins", "devices", "import_batches")  # each has a uid


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in ID_COLUMNS.items():
        _alter(table, [f"{column} TYPE bigint" for column in columns])
        op.execute(f"ALTER SEQUENCE {table}_id_seq AS bigint")
    for table in UUID_TABLES:
        _alter(table, ["uid TYPE uuid USING encode(uid, 'hex')::uuid"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in UUID_TABLES:
        _alter(table, ["uid TYPE bytea USING decode(replace(uid::text, '-', ''), 'hex')"])
    for table, columns in ID_COLUMNS.items():
        op.execute(f"ALTER SEQUENCE {table}_id_seq AS integer")
        _alter(table, [f"{column} TYPE integer" for column in columns])


def _alter(table: str, changes: list[str]) -> None:
    op.execute(f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c}" for c in changes))

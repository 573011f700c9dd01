"""Readings keep the resolution they were typed with: readings.decimals.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

A technician who types 4.00 means two decimals; a float column alone shows 4. ``decimals`` is
the number of digits typed after the decimal point (0 for 4, 2 for 4.00), NULL where it is not
known: readings made before this revision, imported ones, and numbers typed with an exponent.
The value itself is unchanged; ``decimals`` only says how to show it.

The column is added in place, nullable: no table is copied, and existing rows cost nothing.
Downgrading drops it; the readings' values stay as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A 0006 build still reads and writes this file: it does not know the column, leaves it NULL
# in the readings it saves, and those are then shown as their shortest exact text.
breaks_older_readers = False


def upgrade() -> None:
    op.add_column("readings", sa.Column("decimals", sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops the column in place: it rewrites the rows but keeps the table, its
    # indexes and their names, where batch mode would build all of them again.
    op.drop_column("readings", "decimals")

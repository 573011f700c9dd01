"""Add devices.location.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

A nullable column: a native ALTER TABLE ADD COLUMN, no table copy, and older builds keep working.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

breaks_older_readers = False


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch_op:
        batch_op.add_column(
            sa.Column("location", sa.String(length=255), nullable=True, comment="Device location")
        )


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch_op:
        batch_op.drop_column("location")

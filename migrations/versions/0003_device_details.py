"""Device details from the product brief: type, maker, limits, calibration, status, notes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Existing devices become 'active' with no limits; updated_at starts at created_at. The CHECK
constraints need one copy of the (small) devices table; readings are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# updated_at is NOT NULL without a default: a 0002 build could not add a device.
breaks_older_readers = True

STATUS_CHECK = "status IN ('active', 'out_of_service', 'retired')"
LIMITS_CHECK = "low_limit IS NULL OR high_limit IS NULL OR low_limit <= high_limit"


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch_op:
        batch_op.add_column(sa.Column("device_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("manufacturer", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("model", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("default_unit", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("low_limit", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("high_limit", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("calibration_due", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "status",
                sa.String(length=16),
                server_default=sa.text("'active'"),
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("archived_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.BigInteger(), nullable=True))
    op.execute("UPDATE devices SET updated_at = created_at")
    with op.batch_alter_table("devices") as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_devices_status"), STATUS_CHECK)
        batch_op.create_check_constraint(op.f("ck_devices_limits_ordered"), LIMITS_CHECK)


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch_op:
        batch_op.drop_constraint(op.f("ck_devices_limits_ordered"), type_="check")
        batch_op.drop_constraint(op.f("ck_devices_status"), type_="check")
        for column in (
            "updated_at",
            "archived_at",
            "notes",
            "status",
            "calibration_due",
            "high_limit",
            "low_limit",
            "default_unit",
            "model",
            "manufacturer",
            "device_type",
        ):
            batch_op.drop_column(column)

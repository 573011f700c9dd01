"""Initial schema: origins, devices and readings.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Identity: a device has a 16-byte UUID; a reading is identified globally by (origin, sequence),
where locally created readings leave both columns NULL (see core/ids.py). Every database
records its own origin here, with a fresh random UUID.
"""

import time
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

breaks_older_readers = True  # the first schema: nothing older can read it


def upgrade() -> None:
    origins = op.create_table(
        "origins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.LargeBinary(length=16), nullable=False),
        sa.Column(
            "is_local",
            sa.Boolean(create_constraint=False),
            server_default=sa.false(),
            nullable=False,
        ),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_origins")),
        sa.UniqueConstraint("uid", name=op.f("uq_origins_uid")),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.LargeBinary(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("serial_number", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("uid", name=op.f("uq_devices_uid")),
    )
    op.create_index(op.f("ix_devices_serial_number"), "devices", ["serial_number"])
    op.create_table(
        "readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("origin_id", sa.Integer(), nullable=True),
        sa.Column("origin_seq", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(origin_id IS NULL) = (origin_seq IS NULL)", name=op.f("ck_readings_origin_pair")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_readings_device_id_devices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["origin_id"], ["origins.id"], name=op.f("fk_readings_origin_id_origins")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readings")),
    )
    op.create_index("ix_readings_device_id_recorded_at", "readings", ["device_id", "recorded_at"])
    op.create_index(
        "uq_readings_origin_id_origin_seq",
        "readings",
        ["origin_id", "origin_seq"],
        unique=True,
        sqlite_where=sa.text("origin_id IS NOT NULL"),
        postgresql_where=sa.text("origin_id IS NOT NULL"),
    )
    now_ms = time.time_ns() // 1_000_000
    op.bulk_insert(origins, [{"uid": uuid.uuid4().bytes, "is_local": True, "created_at": now_ms}])


def downgrade() -> None:
    op.drop_index("uq_readings_origin_id_origin_seq", table_name="readings")
    op.drop_index("ix_readings_device_id_recorded_at", table_name="readings")
    op.drop_table("readings")
    op.drop_index(op.f("ix_devices_serial_number"), table_name="devices")
    op.drop_table("devices")
    op.drop_table("origins")

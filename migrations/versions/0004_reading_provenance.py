"""Readings get provenance and corrections: operator, source, created time, corrects/superseded.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Data: a reading without a unit takes its device's default unit, or '' (unitless) when the device
has none; created_at, unknown for old rows, starts at the reading's own time. Afterwards both
are NOT NULL. This copies the readings table once.

A correction is a new row whose corrects_id names the original; the original stays, marked
superseded. Downgrading drops that link and keeps both rows as plain readings.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# created_at and unit become NOT NULL without defaults: a 0003 build could not add a reading.
breaks_older_readers = True

ORIGIN_INDEX = "uq_readings_origin_id_origin_seq"


def upgrade() -> None:
    with op.batch_alter_table("readings") as batch_op:
        batch_op.add_column(sa.Column("operator", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("source", sa.SmallInteger(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(sa.Column("created_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "superseded",
                sa.Boolean(create_constraint=False),
                server_default=sa.false(),
                nullable=False,
            )
        )
    op.execute("UPDATE readings SET created_at = recorded_at")
    op.execute(
        "UPDATE readings SET unit = COALESCE("
        "(SELECT d.default_unit FROM devices AS d WHERE d.id = readings.device_id), '') "
        "WHERE unit IS NULL"
    )
    # Partial indexes are dropped and made again by name rather than trusted to the batch copy.
    op.drop_index(ORIGIN_INDEX, table_name="readings")
    with op.batch_alter_table("readings") as batch_op:
        batch_op.add_column(sa.Column("corrects_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_readings_corrects_id_readings"), "readings", ["corrects_id"], ["id"]
        )
        batch_op.alter_column("unit", existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column("created_at", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_readings_source"), "source IN (0, 1)")
    _create_origin_index()
    op.create_index(
        "ix_readings_corrects_id",
        "readings",
        ["corrects_id"],
        sqlite_where=sa.text("corrects_id IS NOT NULL"),
        postgresql_where=sa.text("corrects_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_readings_corrects_id", table_name="readings")
    op.drop_index(ORIGIN_INDEX, table_name="readings")
    with op.batch_alter_table("readings") as batch_op:
        batch_op.drop_constraint(op.f("ck_readings_source"), type_="check")
        batch_op.drop_constraint(op.f("fk_readings_corrects_id_readings"), type_="foreignkey")
        batch_op.alter_column("unit", existing_type=sa.String(length=32), nullable=True)
        for column in ("corrects_id", "superseded", "created_at", "source", "operator"):
            batch_op.drop_column(column)
    _create_origin_index()


def _create_origin_index() -> None:
    op.create_index(
        ORIGIN_INDEX,
        "readings",
        ["origin_id", "origin_seq"],
        unique=True,
        sqlite_where=sa.text("origin_id IS NOT NULL"),
        postgresql_where=sa.text("origin_id IS NOT NULL"),
    )

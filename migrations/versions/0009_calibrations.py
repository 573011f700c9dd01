"""Calibration records: a device's interval, each calibration, and the files attached to it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

``devices.calibration_interval_days`` is how often a device is to be calibrated; when a
calibration is recorded, the device's ``calibration_due`` becomes its date plus the interval, so
the due date stays one column that the device table sorts and filters on. Each calibration is a
row of ``calibrations`` (who performed it, in-house or which lab, the certificate number, the
reference standard, the results as found and as left, notes, and the next due date it set);
``calibration_files`` lists the files attached to one (a certificate, photos) by the SHA-256 of
their bytes, which names the copy kept beside the database (``core/attachments.py``).

The column is added in place and the two tables are new: nothing is copied. Downgrading drops
them; the devices keep their due dates.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A 0008 build still reads and writes this file: it does not know the tables or the interval,
# and its device edits leave them as they are (it writes only the columns it knows).
breaks_older_readers = False

RESULTS = "('pass', 'fail', 'adjusted')"
# As 0008 made them on PostgreSQL: 64-bit ids and native UUIDs; SQLite's INTEGER and 16 bytes.
ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")
UID = sa.LargeBinary(length=16).with_variant(sa.Uuid(), "postgresql")


def upgrade() -> None:
    op.add_column("devices", sa.Column("calibration_interval_days", sa.Integer(), nullable=True))
    op.create_table(
        "calibrations",
        sa.Column("id", ID, nullable=False),
        sa.Column("uid", UID, nullable=False),
        sa.Column("device_id", ID, nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("performed_by", sa.String(length=100), nullable=True),
        sa.Column("lab", sa.String(length=200), nullable=True),
        sa.Column("certificate_number", sa.String(length=100), nullable=True),
        sa.Column("reference_standard", sa.String(length=200), nullable=True),
        sa.Column("as_found", sa.String(length=16), nullable=True),
        sa.Column("as_found_values", sa.Text(), nullable=True),
        sa.Column("as_left", sa.String(length=16), nullable=False),
        sa.Column("as_left_values", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(f"as_found IN {RESULTS}", name=op.f("ck_calibrations_as_found")),
        sa.CheckConstraint(f"as_left IN {RESULTS}", name=op.f("ck_calibrations_as_left")),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_calibrations_device_id_devices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibrations")),
        sa.UniqueConstraint("uid", name=op.f("uq_calibrations_uid")),
    )
    op.create_index(
        "ix_calibrations_device_id_performed_on",
        "calibrations",
        ["device_id", "performed_on"],
        unique=False,
    )
    op.create_table(
        "calibration_files",
        sa.Column("id", ID, nullable=False),
        sa.Column("calibration_id", ID, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("added_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calibration_id"],
            ["calibrations.id"],
            name=op.f("fk_calibration_files_calibration_id_calibrations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibration_files")),
        sa.UniqueConstraint(
            "calibration_id", "sha256", name=op.f("uq_calibration_files_calibration_id_sha256")
        ),
    )
    op.create_index(
        op.f("ix_calibration_files_sha256"), "calibration_files", ["sha256"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_calibration_files_sha256"), table_name="calibration_files")
    op.drop_table("calibration_files")
    op.drop_index("ix_calibrations_device_id_performed_on", table_name="calibrations")
    op.drop_table("calibrations")
    # SQLite (3.35+) drops the column in place, keeping the table and its indexes.
    op.drop_column("devices", "calibration_interval_days")

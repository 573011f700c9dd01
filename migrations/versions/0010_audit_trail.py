"""The audit trail: a change record for every change to a device, a reading or a calibration.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

``changes`` keeps who changed what, when (UTC epoch ms), the subject (a device, a reading or a
calibration: its id, and the uid of the device it concerns, which outlives the device), the
action, and for an edit the field with its old and new value (JSON), and the reason. Rows are
never changed or deleted: a trigger on each database refuses an UPDATE or a DELETE, so the
trail cannot be edited from the app, or by a slip in its code.

A new table: nothing is copied. Changes made before this revision were not recorded; the
trail starts here. Downgrading drops the table (and its triggers) with everything it held.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A 0009 build still reads and writes this file: it does not know the table and records no
# changes (the trail then misses what such a build changed; a newer build records again).
breaks_older_readers = False

ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")
UID = sa.LargeBinary(length=16).with_variant(sa.Uuid(), "postgresql")
SUBJECTS = "('device', 'reading', 'calibration')"
ACTIONS = "('create', 'edit', 'archive', 'unarchive', 'delete', 'correct', 'withdraw', 'record')"
REFUSAL = "the audit trail cannot be changed"


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", ID, nullable=False),
        sa.Column("uid", UID, nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", ID, nullable=False),
        sa.Column("device_uid", UID, nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(f"subject IN {SUBJECTS}", name=op.f("ck_changes_subject")),
        sa.CheckConstraint(f"action IN {ACTIONS}", name=op.f("ck_changes_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
        sa.UniqueConstraint("uid", name=op.f("uq_changes_uid")),
    )
    op.create_index("ix_changes_device_uid_at", "changes", ["device_uid", "at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION changes_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON changes "
            "FOR EACH ROW EXECUTE FUNCTION changes_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER changes_no_{event.lower()} BEFORE {event} ON changes "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def downgrade() -> None:
    op.drop_index("ix_changes_device_uid_at", table_name="changes")
    op.drop_table("changes")  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION changes_append_only()")

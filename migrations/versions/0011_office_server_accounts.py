"""The office server's accounts: its users, the laptops enrolled for them, enrolment codes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Issue 16: ``fieldlog-server`` keeps its accounts in the same database as the team's devices and
readings, so the tables are part of the one chain, and a laptop's file has them too, empty.

- ``server_users``: a person's name (unique) and role (technician, supervisor, admin);
- ``server_laptops``: a laptop enrolled for a user, the origin its readings come from, and the
  SHA-256 of its token (the token is only on the laptop); revoked, never deleted. At most one
  laptop that is not revoked speaks for an origin (a partial unique index);
- ``server_enrolment_codes``: a one-time code (its SHA-256) that enrols one laptop for a user
  until it expires, and which laptop it enrolled.

Three new tables: nothing is copied. Downgrading drops them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A 0010 build reads and writes this file as before: it knows nothing of these tables and
# leaves them alone.
breaks_older_readers = False

ROLES = "('technician', 'supervisor', 'admin')"
# As 0008 made the others on PostgreSQL: 64-bit ids; SQLite's INTEGER.
ID = sa.Integer().with_variant(sa.BigInteger(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "server_users",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(f"role IN {ROLES}", name=op.f("ck_server_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_users")),
        sa.UniqueConstraint("name", name=op.f("uq_server_users_name")),
    )
    op.create_table(
        "server_laptops",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("origin_id", ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("enrolled_at", sa.BigInteger(), nullable=False),
        sa.Column("last_seen_at", sa.BigInteger(), nullable=True),
        sa.Column("revoked_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["origin_id"],
            ["origins.id"],
            name=op.f("fk_server_laptops_origin_id_origins"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["server_users.id"],
            name=op.f("fk_server_laptops_user_id_server_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_laptops")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_server_laptops_token_hash")),
    )
    op.create_index(
        "uq_server_laptops_origin_id",
        "server_laptops",
        ["origin_id"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.create_table(
        "server_enrolment_codes",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("used_at", sa.BigInteger(), nullable=True),
        sa.Column("laptop_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["laptop_id"],
            ["server_laptops.id"],
            name=op.f("fk_server_enrolment_codes_laptop_id_server_laptops"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["server_users.id"],
            name=op.f("fk_server_enrolment_codes_user_id_server_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_enrolment_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_server_enrolment_codes_code_hash")),
    )


def downgrade() -> None:
    op.drop_table("server_enrolment_codes")
    op.drop_index("uq_server_laptops_origin_id", table_name="server_laptops")
    op.drop_table("server_laptops")
    op.drop_table("server_users")

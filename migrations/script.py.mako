"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

revision: str = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}

# DECIDE, then replace None (the test suite fails until you do): could a FieldLog build at the
# previous revision still read and write the schema this revision makes, safely?
#   False: yes. A new nullable column, a new table or index: older builds leave them alone.
#   True: no. A NOT NULL column without a default, a column or table renamed or dropped, a
#   value whose meaning changed. True raises the compatibility level in the file's marker, so
#   that older builds refuse the file instead of damaging it (core/schema.py, READER_COMPAT).
breaks_older_readers: bool | None = None


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}

"""Facts about the schema that the app ships, readable without importing Alembic.

The launch fast path compares a database's revision with ``HEAD_REVISION``, and checks that a
file at head has ``HEAD_TABLES``; tests keep these constants equal to what the migration
scripts and the models say.

Besides Alembic's ``alembic_version`` table, every FieldLog database carries a monotonic marker
of its own in ``PRAGMA user_version``: the schema version (the revision number) in the low 16 bits
and the compatibility level in the high bits. A build can read a database whose compatibility
level is not above its own ``READER_COMPAT``, even one written by a newer build; a revision that
older builds could not read or write safely raises the level (``breaks_older_readers = True`` in
its script). ``PRAGMA application_id`` marks the file as FieldLog's.
"""

from dataclasses import dataclass

HEAD_REVISION = "0011"
HEAD_SCHEMA_VERSION = 11
READER_COMPAT = 3
HEAD_TABLES = frozenset(
    {
        "origins",
        "import_batches",
        "devices",
        "readings",
        "calibrations",
        "calibration_files",
        "changes",
    }
    | {"server_users", "server_laptops", "server_enrolment_codes"}  # the office server's
)  # the models'
APPLICATION_ID = 0x464C4F47  # "FLOG"

_VERSION_BITS = 16


@dataclass(frozen=True)
class SchemaMarker:
    schema_version: int
    compat: int

    def encode(self) -> int:
        return (self.compat << _VERSION_BITS) | self.schema_version

    @classmethod
    def decode(cls, user_version: int) -> "SchemaMarker":
        mask = (1 << _VERSION_BITS) - 1
        return cls(schema_version=user_version & mask, compat=user_version >> _VERSION_BITS)


HEAD_MARKER = SchemaMarker(HEAD_SCHEMA_VERSION, READER_COMPAT)

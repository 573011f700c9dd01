"""The schema FieldLog's code expects: the intent. The migrations make it real.

Nothing calls ``metadata.create_all``: schemas are built only by migrating. Alembic's
autogenerate compares this metadata with a migrated database, and a test fails on any drift.

Times are integer epoch milliseconds in UTC (see ``core.timeutil``). Every constraint and index
has a name (SQLite batch migrations need names to find them again).
"""

import enum
import uuid
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class DeviceStatus(enum.StrEnum):
    ACTIVE = "active"
    OUT_OF_SERVICE = "out_of_service"
    RETIRED = "retired"


class CalibrationResult(enum.StrEnum):
    """What a calibration found, or left: within tolerance, out of it, or put right."""

    PASS = "pass"
    FAIL = "fail"
    ADJUSTED = "adjusted"


class ServerRole(enum.StrEnum):
    """What an account on the office server may do: technicians push readings and read the
    team's data, supervisors edit devices too, admins manage the accounts too."""

    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class ReadingSource(enum.IntEnum):
    MANUAL = 0
    IMPORT = 1


class UuidBlob(TypeDecorator[uuid.UUID]):
    """A UUID: 16 raw bytes on SQLite (a quarter of the disk of SQLAlchemy's CHAR(32)),
    PostgreSQL's own ``uuid`` there (0008)."""

    impl = LargeBinary(16)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Uuid(as_uuid=True))
        return dialect.type_descriptor(LargeBinary(16))

    def process_bind_param(self, value: Any, dialect: Dialect) -> uuid.UUID | bytes | None:
        if value is None:
            return None
        given = uuid.UUID(str(value))
        return given if dialect.name == "postgresql" else given.bytes

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(bytes=bytes(value))


# An id, and every column that holds one: SQLite's INTEGER PRIMARY KEY is already the 64-bit
# rowid; on PostgreSQL it is a bigint (0008), where an integer would stop at 2^31 rows.
Id = Integer().with_variant(BigInteger(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Origin(Base):
    """A database that creates readings; one row is this database itself (``is_local``)."""

    __tablename__ = "origins"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(UuidBlob, unique=True)
    is_local: Mapped[bool] = mapped_column(Boolean(create_constraint=False), server_default=false())
    created_at: Mapped[int] = mapped_column(BigInteger)


class ImportBatch(Base):
    """One import of one file: what it added, so that the whole batch can be undone.

    ``file_hash`` (SHA-256 of the bytes) tells a re-import of the same file; duplicates are
    found per reading, so an overlapping file adds only what is new.
    """

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(UuidBlob, unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(32))
    timezone: Mapped[str | None] = mapped_column(String(64))
    imported_at: Mapped[int] = mapped_column(BigInteger)
    readings_added: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    devices_created: Mapped[int] = mapped_column(Integer)
    undone_at: Mapped[int | None] = mapped_column(BigInteger)
    # The batch's readings have consecutive ids (one transaction under the write lock): these
    # bound them for undo and counting, in place of an index on readings.batch_id. NULL when
    # the batch added nothing, or when a 0005 build imported it.
    first_reading_id: Mapped[int | None] = mapped_column(Id)
    last_reading_id: Mapped[int | None] = mapped_column(Id)


class Device(Base):
    __tablename__ = "devices"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'out_of_service', 'retired')", name="status"),
        CheckConstraint(
            "low_limit IS NULL OR high_limit IS NULL OR low_limit <= high_limit",
            name="limits_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(UuidBlob, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    serial_number: Mapped[str | None] = mapped_column(String(100), index=True)
    location: Mapped[str | None] = mapped_column(String(255), comment="Device location")
    device_type: Mapped[str | None] = mapped_column(String(100))
    manufacturer: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    default_unit: Mapped[str | None] = mapped_column(String(32))
    low_limit: Mapped[float | None] = mapped_column(Float)
    high_limit: Mapped[float | None] = mapped_column(Float)
    calibration_due: Mapped[date | None] = mapped_column(Date)
    # How often it is to be calibrated; recording a calibration sets the due date from it.
    calibration_interval_days: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), server_default=text("'active'"))
    notes: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)
    batch_id: Mapped[int | None] = mapped_column(Id, ForeignKey("import_batches.id"))  # made by


class Reading(Base):
    """One value taken from a device. Corrections are new rows; the original is kept."""

    __tablename__ = "readings"
    __table_args__ = (
        Index("ix_readings_device_id_recorded_at", "device_id", "recorded_at"),
        Index(
            "uq_readings_origin_id_origin_seq",
            "origin_id",
            "origin_seq",
            unique=True,
            sqlite_where=text("origin_id IS NOT NULL"),
            postgresql_where=text("origin_id IS NOT NULL"),
        ),
        Index(
            "ix_readings_corrects_id",
            "corrects_id",
            sqlite_where=text("corrects_id IS NOT NULL"),
            postgresql_where=text("corrects_id IS NOT NULL"),
        ),
        CheckConstraint("(origin_id IS NULL) = (origin_seq IS NULL)", name="origin_pair"),
        CheckConstraint("source IN (0, 1)", name="source"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    device_id: Mapped[int] = mapped_column(Id, ForeignKey("devices.id", ondelete="RESTRICT"))
    recorded_at: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    operator: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    created_at: Mapped[int] = mapped_column(BigInteger)
    corrects_id: Mapped[int | None] = mapped_column(Id, ForeignKey("readings.id"))
    superseded: Mapped[bool] = mapped_column(
        Boolean(create_constraint=False), server_default=false()
    )
    origin_id: Mapped[int | None] = mapped_column(Id, ForeignKey("origins.id"))
    origin_seq: Mapped[int | None] = mapped_column(Id)
    batch_id: Mapped[int | None] = mapped_column(Id, ForeignKey("import_batches.id"))
    # Digits typed after the decimal point (4.00: 2); NULL when not known (see 0007).
    decimals: Mapped[int | None] = mapped_column(SmallInteger)


_RESULTS = "('pass', 'fail', 'adjusted')"


class CalibrationRecord(Base):
    """One calibration of a device, as its certificate states it (0009)."""

    __tablename__ = "calibrations"
    __table_args__ = (
        Index("ix_calibrations_device_id_performed_on", "device_id", "performed_on"),
        CheckConstraint(f"as_found IN {_RESULTS}", name="as_found"),
        CheckConstraint(f"as_left IN {_RESULTS}", name="as_left"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(UuidBlob, unique=True)
    device_id: Mapped[int] = mapped_column(Id, ForeignKey("devices.id", ondelete="RESTRICT"))
    performed_on: Mapped[date] = mapped_column(Date)
    performed_by: Mapped[str | None] = mapped_column(String(100))  # the person
    lab: Mapped[str | None] = mapped_column(String(200))  # NULL: done in-house
    certificate_number: Mapped[str | None] = mapped_column(String(100))
    reference_standard: Mapped[str | None] = mapped_column(String(200))
    as_found: Mapped[str | None] = mapped_column(String(16))
    as_found_values: Mapped[str | None] = mapped_column(Text)
    as_left: Mapped[str] = mapped_column(String(16))
    as_left_values: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    next_due: Mapped[date | None] = mapped_column(Date)  # the due date it set, if any
    created_at: Mapped[int] = mapped_column(BigInteger)


class CalibrationFile(Base):
    """A file attached to a calibration, kept beside the database by its content's SHA-256."""

    __tablename__ = "calibration_files"
    __table_args__ = (UniqueConstraint("calibration_id", "sha256"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    calibration_id: Mapped[int] = mapped_column(
        Id, ForeignKey("calibrations.id", ondelete="RESTRICT")
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[int] = mapped_column(BigInteger)


_SUBJECTS = "('device', 'reading', 'calibration')"
_ACTIONS = "('create', 'edit', 'archive', 'unarchive', 'delete', 'correct', 'withdraw', 'record')"


class ChangeRecord(Base):
    """One change to a device, a reading or a calibration: the audit trail (0010). Never
    updated or deleted (the migration's triggers refuse both)."""

    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_device_uid_at", "device_uid", "at"),
        CheckConstraint(f"subject IN {_SUBJECTS}", name="subject"),
        CheckConstraint(f"action IN {_ACTIONS}", name="action"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(UuidBlob, unique=True)
    at: Mapped[int] = mapped_column(BigInteger)  # epoch ms, UTC
    who: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(Id)  # the row's id (kept when the row is gone)
    device_uid: Mapped[uuid.UUID] = mapped_column(UuidBlob)  # the device it concerns
    action: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)  # JSON
    new_value: Mapped[str | None] = mapped_column(Text)  # JSON
    reason: Mapped[str | None] = mapped_column(Text)


_ROLES = "('technician', 'supervisor', 'admin')"


class ServerUser(Base):
    """An account on the office server (0011). The server's tables are in every FieldLog
    database, as the one chain makes them; a laptop's stay empty."""

    __tablename__ = "server_users"
    __table_args__ = (CheckConstraint(f"role IN {_ROLES}", name="role"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[int] = mapped_column(BigInteger)


class ServerLaptop(Base):
    """A laptop enrolled on the office server: whose it is, the origin its readings come from,
    and the SHA-256 of its token (the token itself is only ever on the laptop)."""

    __tablename__ = "server_laptops"
    __table_args__ = (
        Index(
            "uq_server_laptops_origin_id",
            "origin_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),  # one laptop at a time speaks for an origin
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("server_users.id", ondelete="RESTRICT"))
    origin_id: Mapped[int] = mapped_column(Id, ForeignKey("origins.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[int] = mapped_column(BigInteger)
    last_seen_at: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger)


class ServerEnrolmentCode(Base):
    """A one-time code that enrols one laptop for a user, until it expires (its SHA-256 only)."""

    __tablename__ = "server_enrolment_codes"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("server_users.id", ondelete="RESTRICT"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    used_at: Mapped[int | None] = mapped_column(BigInteger)
    laptop_id: Mapped[int | None] = mapped_column(Id, ForeignKey("server_laptops.id"))


metadata = Base.metadata

# The tables as services use them. The classes above declare them (typed columns, one per line);
# no service loads ORM objects: statements are SQLAlchemy Core on these tables (core.db's rule).
origins = cast(Table, Origin.__table__)
import_batches = cast(Table, ImportBatch.__table__)
devices = cast(Table, Device.__table__)
readings = cast(Table, Reading.__table__)
calibrations = cast(Table, CalibrationRecord.__table__)
calibration_files = cast(Table, CalibrationFile.__table__)
changes = cast(Table, ChangeRecord.__table__)
server_users = cast(Table, ServerUser.__table__)
server_laptops = cast(Table, ServerLaptop.__table__)
server_enrolment_codes = cast(Table, ServerEnrolmentCode.__table__)

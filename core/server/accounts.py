"""Accounts on the office server: users and their roles, enrolment codes, laptops and their
tokens. SQLAlchemy Core on ``core.models``' server tables, one transaction a call.

A laptop joins with a one-time code an admin made for a user (``fieldlog-server enrol-code``):
``enrol`` spends the code and hands back a token, which from then on names the laptop, its
user and the origin its readings come from. Revoking a laptop ends its token; nothing is
deleted.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, Connection, Engine, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError

from core.models import ServerRole, origins, server_enrolment_codes, server_laptops, server_users
from core.server import credentials
from core.server.refusals import Refused, forbidden, unauthenticated
from core.timeutil import iso_utc, now_ms

CODE_VALID = timedelta(hours=24)
RANK = {ServerRole.TECHNICIAN: 0, ServerRole.SUPERVISOR: 1, ServerRole.ADMIN: 2}
SEEN_EVERY_MS = 60_000  # last_seen_at is written at most once a minute a laptop
MAX_NAME = 100


@dataclass(frozen=True)
class Laptop:
    """Who is asking: a laptop that is not revoked, its user, the origin it speaks for."""

    id: int
    name: str
    user: str
    role: ServerRole
    origin_id: int
    origin: uuid.UUID

    def require(self, role: ServerRole) -> None:
        if RANK[self.role] < RANK[role]:
            allowed = " or ".join(_a(name) for name in RANK if RANK[name] >= RANK[role])
            raise forbidden(f"{self.user} is {_a(self.role)}: only {allowed} may do this")


@dataclass(frozen=True)
class Enrolment:
    token: str
    laptop: Laptop


@dataclass(frozen=True)
class LaptopRow:
    id: int
    name: str
    user: str
    origin: uuid.UUID
    enrolled_at: int
    last_seen_at: int | None
    revoked_at: int | None


def add_user(engine: Engine, name: str, role: ServerRole) -> int:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise Refused(422, f"a user's name is 1 to {MAX_NAME} characters: {name!r}")
    try:
        with engine.begin() as conn:
            values = {"name": name, "role": str(role), "created_at": now_ms()}
            made = conn.execute(insert(server_users).values(values).returning(server_users.c.id))
            return int(made.scalar_one())
    except IntegrityError as error:
        raise Refused(409, f"there is a user {name!r} already") from error


def users(engine: Engine) -> list[tuple[str, ServerRole]]:
    with engine.connect() as conn:
        found = conn.execute(select(server_users.c.name, server_users.c.role).order_by("name"))
        return [(name, ServerRole(role)) for name, role in found]


def new_enrolment_code(engine: Engine, user: str, valid: timedelta = CODE_VALID) -> tuple[str, int]:
    """A one-time code that enrols one laptop for ``user``, and when it expires (epoch ms)."""
    code, now = credentials.new_code(), now_ms()
    expires = now + int(valid / timedelta(milliseconds=1))
    with engine.begin() as conn:
        user_id = _user_id(conn, user)
        row = {"user_id": user_id, "code_hash": credentials.digest(code)}
        row |= {"created_at": now, "expires_at": expires}
        conn.execute(insert(server_enrolment_codes).values(row))
    return code, expires


def enrol(engine: Engine, code: str, origin: uuid.UUID, name: str) -> Enrolment:
    """Spend ``code`` for the laptop whose database is ``origin``: its token. Refused (401) for
    a code that is unknown, used or expired; (409) when another laptop that is not revoked
    speaks for that origin. A refusal changes nothing."""
    now = now_ms()
    with engine.begin() as conn:
        code_id, user_id = _spend(conn, credentials.digest(credentials.normal_code(code)), now)
        origin_id = _laptop_origin(conn, origin, now)
        token = credentials.new_token()
        row = {"user_id": user_id, "origin_id": origin_id, "name": name.strip()[:200]}
        row |= {"token_hash": credentials.digest(token), "enrolled_at": now, "last_seen_at": now}
        try:
            with conn.begin_nested():
                made = conn.execute(
                    insert(server_laptops).values(row).returning(server_laptops.c.id)
                )
                laptop_id = int(made.scalar_one())
        except IntegrityError as error:
            raise _enrolled_already(conn, origin) from error
        spent = server_enrolment_codes.c.id == code_id
        conn.execute(update(server_enrolment_codes).where(spent).values(laptop_id=laptop_id))
        return Enrolment(token, _laptop(conn, server_laptops.c.id == laptop_id))


def authenticate(engine: Engine, token: str) -> Laptop:
    """The laptop a token names; 401 for an unknown or revoked one."""
    now = now_ms()
    with engine.begin() as conn:
        found = server_laptops.c.token_hash == credentials.digest(token)
        revoked = conn.execute(select(server_laptops.c.revoked_at).where(found)).first()
        if revoked is None:
            raise unauthenticated(
                "unknown token: this laptop is not enrolled on this server (or was enrolled "
                "again since); enrol it with a new code"
            )
        if revoked.revoked_at is not None:
            raise unauthenticated(
                f"this laptop's token was revoked at {iso_utc(revoked.revoked_at)}: ask an "
                "admin for a new enrolment code"
            )
        stale = (server_laptops.c.last_seen_at < now - SEEN_EVERY_MS) | (
            server_laptops.c.last_seen_at.is_(None)
        )
        conn.execute(update(server_laptops).where(found & stale).values(last_seen_at=now))
        return _laptop(conn, found)


def laptops(engine: Engine) -> list[LaptopRow]:
    query = (
        select(
            server_laptops.c.id,
            server_laptops.c.name,
            server_users.c.name.label("user"),
            origins.c.uid,
            server_laptops.c.enrolled_at,
            server_laptops.c.last_seen_at,
            server_laptops.c.revoked_at,
        )
        .join(server_users, server_users.c.id == server_laptops.c.user_id)
        .join(origins, origins.c.id == server_laptops.c.origin_id)
        .order_by(server_laptops.c.id)
    )
    with engine.connect() as conn:
        return [LaptopRow(*row) for row in conn.execute(query)]


def revoke(engine: Engine, laptop_id: int) -> LaptopRow:
    with engine.begin() as conn:
        this = server_laptops.c.id == laptop_id
        live = this & server_laptops.c.revoked_at.is_(None)
        conn.execute(update(server_laptops).where(live).values(revoked_at=now_ms()))
    found = [row for row in laptops(engine) if row.id == laptop_id]
    if not found:
        raise Refused(404, f"there is no laptop {laptop_id} (fieldlog-server laptop list)")
    return found[0]


def _a(role: ServerRole) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


def _user_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(server_users.c.id).where(server_users.c.name == name)).scalar()
    if found is None:
        raise Refused(404, f"there is no user {name!r} (fieldlog-server user add NAME --role …)")
    return int(found)


def _spend(conn: Connection, code_hash: str, now: int) -> tuple[int, int]:
    """Mark the code used, if it may be (one statement, so two laptops cannot both spend it)."""
    codes = server_enrolment_codes.c
    usable = (codes.code_hash == code_hash) & codes.used_at.is_(None) & (codes.expires_at > now)
    spent = conn.execute(
        update(server_enrolment_codes)
        .where(usable)
        .values(used_at=now)
        .returning(codes.id, codes.user_id)
    ).first()
    if spent is not None:
        return int(spent.id), int(spent.user_id)
    known = conn.execute(
        select(codes.used_at, codes.expires_at).where(codes.code_hash == code_hash)
    ).first()
    if known is None:
        raise unauthenticated("unknown enrolment code: check it, or ask an admin for a new one")
    if known.used_at is not None:
        raise unauthenticated(
            f"this enrolment code was used at {iso_utc(known.used_at)}: a code enrols one "
            "laptop; ask an admin for a new one"
        )
    raise unauthenticated(
        f"this enrolment code expired at {iso_utc(known.expires_at)}: ask an admin for a new one"
    )


def _laptop_origin(conn: Connection, origin: uuid.UUID, now: int) -> int:
    """The origins row of a laptop's database, added when the server meets it first."""
    conn.execute(
        pg_insert(origins)
        .values(uid=origin, is_local=False, created_at=now)
        .on_conflict_do_nothing(index_elements=["uid"])
    )
    found = conn.execute(select(origins.c.id, origins.c.is_local).where(origins.c.uid == origin))
    row = found.one()
    if row.is_local:
        raise Refused(409, f"origin {origin} is this server's own: a laptop cannot speak for it")
    return int(row.id)


def _enrolled_already(conn: Connection, origin: uuid.UUID) -> Refused:
    return Refused(
        409,
        f"a laptop with this database (origin {origin}) is enrolled already: revoke it first "
        "(fieldlog-server laptop list, laptop revoke ID), then enrol again",
    )


def _laptop(conn: Connection, where: ColumnElement[bool]) -> Laptop:
    query = (
        select(
            server_laptops.c.id,
            server_laptops.c.name,
            server_users.c.name.label("user"),
            server_users.c.role,
            origins.c.id.label("origin_id"),
            origins.c.uid,
        )
        .join(server_users, server_users.c.id == server_laptops.c.user_id)
        .join(origins, origins.c.id == server_laptops.c.origin_id)
        .where(where)
    )
    row = conn.execute(query).one()
    return Laptop(row.id, row.name, row.user, ServerRole(row.role), row.origin_id, row.uid)

"""The server's database: the schema brought to head when a process starts, and the engine a
request uses (made by the application's lifespan, kept on ``app.state``)."""

from fastapi import Request
from sqlalchemy import Connection, Engine, text

from core import migrate
from core.errors import FieldLogError
from core.schema import HEAD_REVISION
from core.server import logs


def bring_to_head(engine: Engine) -> None:
    """Upgrade the database to this server's head in one transaction under the migration lock
    (what it was is read under the lock too); refuse a database a newer server has migrated
    past this one."""
    from alembic import command

    with engine.connect() as conn:
        with migrate.migration_transaction(conn):
            before = revision(conn)
            if before is not None and before not in migrate.known_revisions():
                raise FieldLogError(
                    f"the database is at schema revision {before}, which this fieldlog-server "
                    f"(revision {HEAD_REVISION}) does not know: a newer server has upgraded it; "
                    "run that version here too"
                )
            if before != HEAD_REVISION:
                command.upgrade(migrate.alembic_config(conn), "head")
        after = revision(conn)
        conn.rollback()
    said = "schema at head" if before == after else f"schema upgraded from {before or 'empty'}"
    logs.event(said, revision=after)


def revision(conn: Connection) -> str | None:
    exists = conn.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    if exists is None:
        return None
    found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(found) if found is not None else None


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine

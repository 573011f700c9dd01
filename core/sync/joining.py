"""A laptop joins its office's server: it spends a one-time code for a token of its own."""

import uuid
from pathlib import Path

from core.db import Database
from core.sync import store
from core.sync.client import ServerClient
from core.sync.push import local_origin


def enrol(
    db: Database, url: str, code: str, name: str, ca_file: Path | None = None
) -> tuple[uuid.UUID, store.SyncSettings, str]:
    """Enrol this database's laptop; its origin, what it keeps, and where the token went."""
    origin = local_origin(db)
    ca = str(ca_file.resolve()) if ca_file else None
    with ServerClient(url, ca_file=ca) as client:
        answer = client.enrol(code, origin, name)
    where = store.save_token(origin, str(answer["token"]))
    settings = store.SyncSettings(
        url=client.url,
        laptop=int(answer["laptop"]),
        user=str(answer["user"]),
        role=str(answer["role"]),
        ca_file=ca,
    )
    store.save(origin, settings)
    return origin, settings, where

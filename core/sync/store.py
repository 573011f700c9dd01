"""What a laptop keeps about its server, per database (named by the database's origin UUID).

``<config>/sync/<origin>.json`` (the per-user config folder: platformdirs) holds the server's
URL, the laptop's number and user there, the CA file to trust, and how far pushes have got.
The token is kept in the OS keyring (``keyring``: Windows Credential Manager, macOS Keychain,
the Secret Service on a Linux desktop) under the service ``FieldLog sync`` and the origin; where
no keyring works (a headless Linux machine), in ``<origin>.token`` beside the JSON, readable by
its user alone (0600). Both files are written whole, then renamed into place.
"""

import json
import os
import secrets
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import platformdirs

from core.errors import FieldLogError
from core.paths import APP_AUTHOR, APP_NAME

KEYRING_SERVICE = "FieldLog sync"


@dataclass(frozen=True)
class SyncSettings:
    url: str
    laptop: int
    user: str
    role: str
    ca_file: str | None = None
    pushed_through: int = 0  # every reading made here up to this id is on the server
    pushed_at: int | None = None  # when the last complete push began (this laptop's clock, ms)

    def pushed(self, through: int, at: int | None = None) -> "SyncSettings":
        at = self.pushed_at if at is None else at
        return replace(self, pushed_through=max(self.pushed_through, through), pushed_at=at)


def sync_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME, APP_AUTHOR) / "sync"


def settings_path(origin: uuid.UUID) -> Path:
    return sync_dir() / f"{origin}.json"


def token_path(origin: uuid.UUID) -> Path:
    return sync_dir() / f"{origin}.token"


def load(origin: uuid.UUID) -> SyncSettings:
    path = settings_path(origin)
    try:
        given: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return SyncSettings(**given)
    except FileNotFoundError:
        raise FieldLogError(
            "This database has not joined a server: fieldlog sync enrol URL CODE (an admin "
            "makes the code with fieldlog-server enrol-code)"
        ) from None
    except (ValueError, TypeError) as error:
        raise FieldLogError(f"{path} cannot be read ({error}): enrol again") from error


def save(origin: uuid.UUID, settings: SyncSettings) -> None:
    _write_private(settings_path(origin), json.dumps(asdict(settings), indent=2) + "\n")


def save_token(origin: uuid.UUID, token: str) -> str:
    """Keep the token; where it went (for the user)."""
    if _keyring_set(str(origin), token):
        token_path(origin).unlink(missing_ok=True)  # an older file copy, from before a keyring
        return f"the keyring (service {KEYRING_SERVICE!r})"
    path = token_path(origin)
    _write_private(path, token)
    return f"{path} (no keyring here: readable by you alone)"


def token(origin: uuid.UUID) -> str:
    kept = _keyring_get(str(origin))
    if kept:
        return kept
    try:
        return token_path(origin).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise FieldLogError(
            "This laptop's token is in neither the keyring nor its file: enrol again with a "
            "new code"
        ) from None


def _keyring_set(name: str, secret: str) -> bool:
    try:
        import keyring
        from keyring.errors import KeyringError

        keyring.set_password(KEYRING_SERVICE, name, secret)
    except (ImportError, KeyringError, RuntimeError):  # no backend: NoKeyringError and kin
        return False
    return True


def _keyring_get(name: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError

        return keyring.get_password(KEYRING_SERVICE, name)
    except (ImportError, KeyringError, RuntimeError):
        return None


def _write_private(path: Path, text: str) -> None:
    """``text`` into ``path``, readable and writable by this user alone, replaced whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)

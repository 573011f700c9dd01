"""Where a laptop keeps its server's token: the OS keyring when there is one, else a file its
user alone may read. This headless machine has no keyring, so the file is the real path here;
the keyring path is exercised through keyring's own API with a backend that keeps secrets in
memory."""

import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from core.errors import FieldLogError
from core.sync import store


class MemoryKeyring(KeyringBackend):
    priority = -1  # never chosen by itself: set_keyring only

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        del self.secrets[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    kept = MemoryKeyring()
    keyring.set_keyring(kept)
    yield kept
    keyring.set_keyring(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_without_a_keyring_the_token_is_a_file_only_its_user_reads() -> None:
    assert isinstance(keyring.get_keyring(), fail.Keyring)  # no backend on this machine
    origin = uuid.uuid4()
    where = store.save_token(origin, "flt_secret")
    path = store.token_path(origin)
    assert str(path) in where and "readable by you alone" in where
    assert path.read_text() == "flt_secret" and mode(path) == 0o600
    assert store.token(origin) == "flt_secret"
    store.save_token(origin, "flt_other")  # replaced whole, still private
    assert store.token(origin) == "flt_other" and mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_with_a_keyring_the_token_goes_there_and_no_file_is_left(
    memory_keyring: MemoryKeyring,
) -> None:
    origin = uuid.uuid4()
    store.token_path(origin).parent.mkdir(parents=True, exist_ok=True)
    store.token_path(origin).write_text("an older copy")
    where = store.save_token(origin, "flt_kept")
    assert "keyring" in where and not store.token_path(origin).exists()
    assert memory_keyring.secrets == {(store.KEYRING_SERVICE, str(origin)): "flt_kept"}
    assert store.token(origin) == "flt_kept"


def test_settings_are_kept_per_database_and_privately() -> None:
    origin = uuid.uuid4()
    with pytest.raises(FieldLogError, match="has not joined a server: fieldlog sync enrol"):
        store.load(origin)
    settings = store.SyncSettings("https://office:8443", 4, "ana", "technician")
    store.save(origin, settings.pushed(120, at=5))
    assert store.load(origin) == store.SyncSettings(
        "https://office:8443", 4, "ana", "technician", None, 120, 5
    )
    assert mode(store.settings_path(origin)) == 0o600
    assert store.load(origin).pushed(100).pushed_through == 120  # never moves back


def test_no_token_anywhere_says_enrol_again() -> None:
    with pytest.raises(FieldLogError, match="enrol again"):
        store.token(uuid.uuid4())

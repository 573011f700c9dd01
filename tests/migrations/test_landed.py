"""Landed migrations never change: every file in migrations/versions is pinned by its checksum.

The manifest is ``landed.sha256`` beside this file, one ``<sha256>  <path>`` line per migration
(``sha256sum`` format, computed over the file with line endings normalised to LF so that a Windows
checkout hashes the same). It does not depend on git history.
"""

import hashlib
from pathlib import Path

from tests.migrations.support import REPO_ROOT, VERSIONS_DIR

MANIFEST = Path(__file__).with_name("landed.sha256")
ADD_NEW = (
    "add a line for each new migration to tests/migrations/landed.sha256 "
    "(`sha256sum migrations/versions/NNNN_*.py >> tests/migrations/landed.sha256`); "
    "never change or remove an existing line (see the comment at the top of the manifest)"
)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def pinned() -> dict[str, str]:
    """Relative path -> checksum, from the manifest (comments and blank lines skipped)."""
    entries: dict[str, str] = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, _, name = line.partition("  ")
            assert name not in entries, f"{name} is listed twice in {MANIFEST.name}"
            entries[name] = digest
    return entries


def migration_files() -> set[str]:
    found = VERSIONS_DIR.glob("*.py")
    return {p.relative_to(REPO_ROOT).as_posix() for p in found if p.name != "__init__.py"}


def test_manifest_lists_migrations() -> None:
    assert pinned(), f"{MANIFEST.name} is empty"


def test_no_landed_migration_vanished() -> None:
    missing = sorted(set(pinned()) - migration_files())
    assert missing == [], f"landed migrations were deleted or renamed: {missing}; restore them"


def test_no_landed_migration_changed() -> None:
    changed = [
        name
        for name, digest in pinned().items()
        if (REPO_ROOT / name).is_file() and file_digest(REPO_ROOT / name) != digest
    ]
    assert changed == [], (
        f"landed migrations were edited: {changed}. Never edit a migration once it has landed: "
        "revert the change and write a new revision instead."
    )


def test_every_migration_is_in_the_manifest() -> None:
    unlisted = sorted(migration_files() - set(pinned()))
    assert unlisted == [], f"migrations missing from {MANIFEST.name}: {unlisted}; {ADD_NEW}"

"""What ``pip install`` ships: setuptools takes only the packages pyproject.toml lists."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_of_the_app_is_listed() -> None:
    """A listed package does not bring its subpackages, so a new one must be added by name."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for folder in ("core", "gui", "migrations")
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert set(config["tool"]["setuptools"]["packages"]) == found

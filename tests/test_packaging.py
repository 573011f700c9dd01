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


SERVER_ONLY = ("core.server", "fastapi", "starlette", "uvicorn", "pydantic")


def test_the_laptop_app_never_imports_the_office_server() -> None:
    """The [server] extra is the office's (build.spec leaves it out of the frozen app): nothing
    outside core/server/ may import it or what it brings."""
    from tests.test_layers import imported

    offenders = {}
    for folder in ("core", "gui", "migrations"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.is_relative_to(ROOT / "core" / "server"):
                continue
            names = {n for n in imported(path) if n.startswith(SERVER_ONLY)}
            if names:
                offenders[str(path.relative_to(ROOT))] = sorted(names)
    assert offenders == {}

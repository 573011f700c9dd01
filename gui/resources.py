"""The window's own files, found through ``core.resources`` (source tree or frozen bundle)."""

from pathlib import Path

from core.resources import resource_path


def icon_path() -> Path:
    return resource_path("fieldlog.png")

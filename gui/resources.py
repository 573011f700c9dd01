"""Where the app's own files are: the repository's ``resources/``, or the frozen bundle's."""

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def icon_path() -> Path:
    return resources_dir() / "fieldlog.png"

"""Where FieldLog's own files are (fonts, icons): ``resources/`` at the top of the source tree,
or the same folder inside a frozen PyInstaller bundle.

The path is found from this module or from ``sys._MEIPASS``, never from the working directory,
so that the app finds its files however and from wherever it is started.
"""

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources`` folder: the bundle's when frozen, else the repository's."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A file under ``resources/``, e.g. ``resource_path("fonts", "DejaVuSans.ttf")``."""
    return resources_dir().joinpath(*parts)

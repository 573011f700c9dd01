"""Reading a PDF report back: its text (pypdf), its fonts, and its pages as images (pdftoppm).

``pdftoppm`` comes from Debian's poppler-utils, which ``make test`` installs
(``.ci/install-poppler``); without it these tests fail with what to do, never skip.
"""

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image
from pypdf import PdfReader

DPI = 50
MM = DPI / 25.4  # pixels per millimetre
INK = 160  # a grey pixel darker than this is ink


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def page_texts(path: Path) -> list[str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return [page.extract_text() for page in reader.pages]


def font_names(path: Path) -> set[str]:
    """The base names of the fonts the document embeds, without their subset tags."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    names: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            base = str(font.get_object().get("/BaseFont", "/Type3"))
            names.add(base.lstrip("/").split("+")[-1])
    return names


def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    assert found, "pdftoppm is missing: run `make test` (it installs poppler-utils) or " \
        "apt-get install poppler-utils"  # fmt: skip
    return found


def page_images(path: Path, folder: Path, dpi: int = DPI) -> list[npt.NDArray[np.uint8]]:
    """Every page as a grey image (0 black, 255 white), rendered by poppler."""
    prefix = folder / path.stem
    subprocess.run([pdftoppm(), "-gray", "-r", str(dpi), "-png", str(path), str(prefix)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    pages = sorted(folder.glob(f"{path.stem}-*.png"))
    return [np.asarray(Image.open(page).convert("L")) for page in pages]


def ink(image: npt.NDArray[np.uint8], top_mm: float, bottom_mm: float,
        left_mm: float = 0.0, right_mm: float = 210.0, darker: int = INK) -> int:  # fmt: skip
    """How many pixels of ink (darker than ``darker``) lie in a region of the page, given in
    millimetres."""
    box = image[int(top_mm * MM) : int(bottom_mm * MM), int(left_mm * MM) : int(right_mm * MM)]
    return int((box < darker).sum())


def has_rule(image: npt.NDArray[np.uint8], y_mm: float, left_mm: float, right_mm: float) -> bool:
    """A horizontal line across the region at about ``y_mm`` (±1 mm)."""
    rows = image[int((y_mm - 1) * MM) : int((y_mm + 1) * MM) + 1,
                 int(left_mm * MM) : int(right_mm * MM)]  # fmt: skip
    return bool(((rows < 230).mean(axis=1) > 0.95).any())

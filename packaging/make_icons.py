"""Make the Windows and macOS icons from resources/fieldlog.png (256×256), with Pillow.

The results are committed (resources/fieldlog.ico, resources/fieldlog.icns), so a build needs
neither Pillow nor macOS's iconutil. Run again after the PNG changes:

    .venv/bin/pip install pillow && .venv/bin/python packaging/make_icons.py
"""

import sys
from pathlib import Path

from PIL import Image

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def main() -> int:
    with Image.open(RESOURCES / "fieldlog.png") as source:
        image = source.convert("RGBA")
    image.save(RESOURCES / "fieldlog.ico", sizes=ICO_SIZES)
    image.save(RESOURCES / "fieldlog.icns")  # Pillow writes every ICNS size up to the source's
    for name in ("fieldlog.ico", "fieldlog.icns"):
        print(f"{RESOURCES / name}: {(RESOURCES / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

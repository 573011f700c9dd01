"""Make the PDF report's fallback fonts (CJK and emoji) from Debian's font packages.

The report prints in DejaVu Sans, which has no Chinese, Japanese or Korean and few emoji. fpdf2
falls back, glyph by glyph, to the two fonts made here; their results are committed in
``resources/fonts/`` (with their licences), so that a build or a frozen app needs nothing else.

- ``WenQuanYiMicroHei.ttf``: face 0 of ``wqy-microhei.ttc`` (Debian ``fonts-wqy-microhei``,
  Apache-2.0): 20,932 CJK ideographs, 11,172 Hangul syllables, kana, CJK punctuation.
- ``NotoColorEmoji-cmap.ttf``: ``NotoColorEmoji.ttf`` (Debian ``fonts-noto-color-emoji``,
  SIL OFL 1.1), colour bitmaps.

Both keep only the glyphs a character maps to (no GSUB/GPOS): fpdf2 draws text without shaping,
so glyphs reached only through substitutions (emoji sequences, skin tones, flags, vertical
forms) are never drawn. That halves the emoji font (11.0 → 3.1 MB) and takes the CJK face from
4.6 to 3.9 MB, with nothing lost that the report can show. Noto Sans CJK (OFL) was the other
choice; one face of it is 16 MB even without substitutions, too much for the installers.

    apt-get install fonts-wqy-microhei fonts-noto-color-emoji
    .venv/bin/python packaging/report_fonts.py
"""

import sys
from pathlib import Path

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]

FONTS = Path(__file__).resolve().parent.parent / "resources" / "fonts"
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
EMOJI = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
CJK_OUT = FONTS / "WenQuanYiMicroHei.ttf"
EMOJI_OUT = FONTS / "NotoColorEmoji-cmap.ttf"


def cmap_only(source: Path, target: Path) -> None:
    """``source`` with the glyphs its characters map to, and no layout tables."""
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM"]
    options.name_IDs = ["*"]  # keep the copyright and licence records
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=font.getBestCmap().keys())
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def main() -> int:
    missing = [str(p) for p in (WQY, EMOJI) if not p.is_file()]
    if missing:
        print(f"missing: {', '.join(missing)}; apt-get install fonts-wqy-microhei "
              "fonts-noto-color-emoji", file=sys.stderr)  # fmt: skip
        return 1
    face = FONTS / "wqy-face0.tmp.ttf"
    TTCollection(str(WQY)).fonts[0].save(str(face))
    try:
        cmap_only(face, CJK_OUT)
    finally:
        face.unlink()
    cmap_only(EMOJI, EMOJI_OUT)
    for made in (CJK_OUT, EMOJI_OUT):
        print(f"{made.name}: {made.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

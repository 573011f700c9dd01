"""The PDF report's page: fonts with per-glyph fallback, the running header and footer, and
table rows whose cells wrap.

Text prints in DejaVu Sans (°C, µS/cm, accents, Greek, Cyrillic); a character it lacks comes,
glyph by glyph, from WenQuanYi Micro Hei (Chinese, Japanese, Korean) or Noto Color Emoji
(``set_fallback_fonts``; the fonts and why these are in ``packaging/report_fonts.py``). Every
page carries the report's title and site, the section it belongs to (a device's name on each
of its pages) and "page N of M"; the footer names the FieldLog version and the report's time.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core import __version__
from core.exporting.job import utc_offset
from core.resources import resource_path

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FALLBACK_FONTS = {"CJK": "WenQuanYiMicroHei.ttf", "Emoji": "NotoColorEmoji-cmap.ttf"}
RED = (200, 30, 30)
GREY = 100
TOP = 22.0  # where a page's content starts, below the running header (mm)
ROW = 4.5  # a one-line table row (mm)
LINE = 3.6  # a line of a wrapped cell (mm)
_PAD = 0.9
PAGES_ALIAS = "{pages:00000}"  # as wide as seven digits: the page count replaces it at the end
_WIDEST_CHAR = 3.4  # no glyph at 7.5 pt is wider (mm): shorter texts fit without measuring
_CONTROL = {c: "\ufffd" for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}


def human_time(moment: datetime) -> str:
    """Local time with the offset that makes it exact: "2026-03-29 01:30 (UTC+01:00)"."""
    return f"{moment:%Y-%m-%d %H:%M} (UTC{utc_offset(moment)})"


def clean(text: str | None) -> str:
    """Text as a page prints it: line breaks kept (CR LF and CR become one), a tab a space,
    other control characters U+FFFD (a font has no glyph for them)."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return text.translate(_CONTROL)


@dataclass
class Heading:
    """What the running header says: the report's title and site, and the current section."""

    title: str
    site: str
    section: str = ""


def new_document(heading: Heading, generated: datetime, *, compress: bool = True) -> "FPDF":
    """An A4 document with the fonts, the running header and the footer."""
    from fpdf import FPDF

    footer_text = f"FieldLog {__version__} · generated {human_time(generated)}"

    class Report(FPDF):
        glyphs: "Glyphs"

        def header(self) -> None:
            _running_header(self, heading)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, size=7)
            self.set_text_color(GREY)
            self.cell(0, 5, footer_text, align="C")
            self.set_text_color(0)

        # Every text goes through one of these: each turns the fallback fonts on only for a
        # text that needs them.
        def cell(self, w: Any = None, h: Any = None, text: str = "", *a: Any, **k: Any) -> Any:
            self.glyphs.use_for(text)
            return super().cell(w, h, text, *a, **k)

        def multi_cell(self, w: Any, h: Any = None, text: str = "", *a: Any, **k: Any) -> Any:
            self.glyphs.use_for(text)
            return super().multi_cell(w, h, text, *a, **k)

        def get_string_width(self, s: str, *a: Any, **k: Any) -> float:
            self.glyphs.use_for(s)
            return super().get_string_width(s, *a, **k)

    pdf = Report(format="A4", unit="mm")
    pdf.set_compression(compress)
    pdf.alias_nb_pages(PAGES_ALIAS)
    for style, name in FONT_FILES.items():
        pdf.add_font(FONT, style, str(resource_path("fonts", name)))
    pdf.glyphs = Glyphs(pdf)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(heading.title)
    pdf.set_creator(f"FieldLog {__version__}")
    return pdf


class Glyphs:
    """Turns fpdf2's per-glyph fallback on for a text DejaVu cannot print, and off again.

    The fallback fonts are loaded the first time a text needs them (the CJK one costs 35 MB
    and 0.4 s), and fallback stays off for other texts: with it on, fpdf2 inspects every
    character of every cell, which a million rows of readings would pay for.
    """

    def __init__(self, pdf: "FPDF") -> None:
        self._pdf = pdf
        regular, bold = (pdf.fonts[FONT.lower() + style] for style in FONT_FILES)
        self._covered = frozenset(regular.cmap) & frozenset(bold.cmap)  # type: ignore[union-attr]
        self._loaded = False
        self._on = False

    def use_for(self, text: str) -> None:
        want = not text.isascii() and not self._covered.issuperset(map(ord, text))
        if want == self._on:
            return
        if want and not self._loaded:
            self._load()
        self._pdf.set_fallback_fonts(list(FALLBACK_FONTS) if want else [], exact_match=False)
        self._on = want

    def _load(self) -> None:
        for family, name in FALLBACK_FONTS.items():  # one style: no bold CJK or emoji ship
            self._pdf.add_font(family, "", str(resource_path("fonts", name)))
        self._loaded = True


def close_fonts(pdf: "FPDF") -> None:
    """Close every font file: fpdf2 closes only the fonts a document used, when it writes it."""
    for font in pdf.fonts.values():
        close = getattr(font, "close", None)
        if close is not None:
            close()


def _running_header(pdf: "FPDF", heading: Heading) -> None:
    width = pdf.epw
    pdf.set_y(7)
    pdf.set_text_color(GREY)
    pdf.set_font(FONT, "B", 8)
    page = f"page {pdf.page_no()} of {PAGES_ALIAS}"
    top = " · ".join(clean(part) for part in (heading.title, heading.site) if part)
    pdf.cell(width - 40, 4, one_line(pdf, top, width - 42))
    pdf.set_font(FONT, "", 8)
    pdf.cell(40, 4, page, new_x="LMARGIN", new_y="NEXT")  # left-aligned: the alias is wide
    pdf.cell(width, 4, one_line(pdf, clean(heading.section), width - 2),
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_draw_color(160)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, 16, pdf.l_margin + width, 16)
    pdf.set_text_color(0)
    pdf.set_y(TOP)


def one_line(pdf: "FPDF", text: str, width: float) -> str:
    """``text`` on one line, cut with "…" to fit ``width`` (the running header only: the full
    text is printed wrapped where the section starts)."""
    text = " ".join(text.split())
    if pdf.get_string_width(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if pdf.get_string_width(text[:middle] + "…") <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…"


def wrapped(pdf: "FPDF", text: str, width: float) -> list[str]:
    """The lines ``text`` takes in a cell ``width`` wide in the current font: its own line
    breaks kept, long words broken."""
    room = width - 2 * pdf.c_margin
    if "\n" not in text and (
        len(text) * _WIDEST_CHAR <= room or pdf.get_string_width(text) <= room
    ):
        return [text]
    lines = pdf.multi_cell(width, LINE, text, dry_run=True, output="LINES", align="L")
    assert isinstance(lines, list)
    return [str(line) for line in lines] or [""]


def table_row(
    pdf: "FPDF",
    widths: Sequence[float],
    cells: Sequence[list[str]],
    *,
    fill: bool,
    new_page: Callable[[], None],
) -> None:
    """One row of a table: its cells' lines side by side, shaded when ``fill``. A row that does
    not fit goes to the next page (``new_page`` adds it and repeats the table's header); one
    taller than a page continues over the pages it needs."""
    height = max(map(len, cells))
    if height == 1:
        if pdf.will_page_break(ROW):
            new_page()
        _draw_lines(pdf, widths, cells, 0, 1, fill=fill, line=ROW)
        return
    if pdf.will_page_break(height * LINE + _PAD) and height * LINE <= pdf.page_break_trigger - TOP:
        new_page()
    start = 0
    while start < height:
        room = int((pdf.page_break_trigger - pdf.get_y() - _PAD) // LINE)
        if room < 1:
            new_page()
            continue
        stop = min(height, start + room)
        _draw_lines(pdf, widths, cells, start, stop, fill=fill, line=LINE)
        start = stop


def _draw_lines(
    pdf: "FPDF",
    widths: Sequence[float],
    cells: Sequence[list[str]],
    start: int,
    stop: int,
    *,
    fill: bool,
    line: float,
) -> None:
    x, y = pdf.l_margin, pdf.get_y()
    height = line if stop - start == 1 and line == ROW else (stop - start) * LINE + _PAD
    if fill:
        pdf.rect(x, y, sum(widths), height, style="F")
    offset = 0.0 if line == ROW else _PAD / 2
    for width, lines in zip(widths, cells, strict=True):
        for number, text in enumerate(lines[start:stop]):
            pdf.set_xy(x, y + offset + number * line)
            pdf.cell(width, line, text)
        x += width
    pdf.set_xy(pdf.l_margin, y + height)

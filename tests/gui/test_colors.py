"""Warning tints follow the palette: readable in light and in dark mode."""

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from gui.colors import DARK_ALARM, LIGHT_ALARM, alarm, alarm_brushes


def with_base(app: QApplication, color: str) -> QPalette:
    old = app.palette()
    palette = QPalette(old)
    palette.setColor(QPalette.ColorRole.Base, QColor(color))
    app.setPalette(palette)
    return old


def contrast(a: QColor, b: QColor) -> int:
    return abs(a.lightness() - b.lightness())


def test_the_tint_follows_a_dark_palette(qapp: QApplication) -> None:
    old = with_base(qapp, "#1e1e1e")
    try:
        assert alarm() is DARK_ALARM and alarm_brushes()[0].color() == DARK_ALARM.background
    finally:
        qapp.setPalette(old)
    assert alarm() is LIGHT_ALARM


def test_text_stands_out_from_its_tint_and_the_tint_from_the_base() -> None:
    for tint, base in ((LIGHT_ALARM, QColor("#ffffff")), (DARK_ALARM, QColor("#1e1e1e"))):
        assert contrast(tint.text, tint.background) > 100
        assert 10 < contrast(tint.background, base) < 120  # a tint, not a glare

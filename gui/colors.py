"""Warning colours that read well on a light or a dark palette (the system's, on each OS).

Out-of-limit readings and overdue calibrations are marked with a red tint. On a light palette
that is dark red on pale pink; on a dark one (macOS or Windows dark mode) pale pink on a pale
background would glare and dark red would vanish, so the tint becomes deep red under light
red text.
"""

from dataclasses import dataclass

from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette


@dataclass(frozen=True)
class Alarm:
    background: QColor
    text: QColor


LIGHT_ALARM = Alarm(background=QColor(255, 228, 228), text=QColor(183, 28, 28))
DARK_ALARM = Alarm(background=QColor(94, 32, 36), text=QColor(255, 138, 128))
_BRUSHES = {id(a): (QBrush(a.background), QBrush(a.text)) for a in (LIGHT_ALARM, DARK_ALARM)}


def dark_palette() -> bool:
    """True when the application's base (the colour behind table cells) is dark."""
    return QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


def alarm() -> Alarm:
    return DARK_ALARM if dark_palette() else LIGHT_ALARM


def alarm_brushes() -> tuple[QBrush, QBrush]:
    """(background, text) brushes for the current palette."""
    return _BRUSHES[id(alarm())]

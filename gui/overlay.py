"""A message over a view, in its middle: what a panel says while it has nothing to show."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget


def message_over(content: QWidget, text: str, name: str) -> tuple[QLabel, QGridLayout]:
    """A label named ``name`` saying ``text`` centred over ``content`` (the mouse passes
    through it to the view), and the layout that stacks the two."""
    message = QLabel(text)
    message.setObjectName(name)
    message.setAlignment(Qt.AlignmentFlag.AlignCenter)
    message.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    stack = QGridLayout()
    stack.addWidget(content, 0, 0)
    stack.addWidget(message, 0, 0)
    return message, stack

"""A panel's message sits in the middle of its view, over it, and lets the mouse through."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QWidget
from pytestqt.qtbot import QtBot

from gui.overlay import message_over


def test_the_message_is_centred_over_the_view_and_lets_the_mouse_through(qtbot: QtBot) -> None:
    panel = QWidget()
    qtbot.addWidget(panel)
    view = QTableView()
    message, stack = message_over(view, "Nothing here yet", "someMessage")
    panel.setLayout(stack)
    panel.resize(400, 300)
    panel.show()
    assert message.text() == "Nothing here yet" and message.objectName() == "someMessage"
    assert message.geometry() == view.geometry()  # one cell: the label covers the view
    assert message.alignment() == Qt.AlignmentFlag.AlignCenter
    assert message.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    assert stack.indexOf(view) == 0 and stack.indexOf(message) == 1  # the label on top
    panel.close()

"""What a newcomer sees in a database without devices: the three ways to begin."""

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """In the middle of the window: add a device, import a logger file, or open the samples."""

    add_requested = Signal()
    import_requested = Signal()
    sample_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        heading = QLabel("No devices yet")
        heading.setStyleSheet("font-size: 16pt; font-weight: 600")
        text = QLabel(
            "Add the instruments you look after, or import a data logger's file: its channels "
            "become devices. The sample data shows what FieldLog does with three years of "
            "rounds; it opens in a file of its own and leaves this one as it is."
        )
        text.setWordWrap(True)
        text.setMaximumWidth(520)
        self.add_button = self._button("&Add a Device…", "addFirstDevice", self.add_requested)
        self.import_button = self._button("&Import a Logger File…", "importFirstFile",
                                          self.import_requested)  # fmt: skip
        self.sample_button = self._button("Open the &Sample Data", "openSampleData",
                                          self.sample_requested)  # fmt: skip
        self._arrange(heading, text)

    def _button(self, text: str, name: str, signal: SignalInstance) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setMinimumHeight(36)
        button.clicked.connect(signal.emit)
        return button

    def _arrange(self, heading: QLabel, text: QLabel) -> None:
        buttons = QHBoxLayout()
        for button in (self.add_button, self.import_button, self.sample_button):
            buttons.addWidget(button)
        column = QVBoxLayout()
        column.addWidget(heading, alignment=Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(text, alignment=Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(12)
        column.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column)
        outer.addStretch(2)
        self.setTabOrder(self.add_button, self.import_button)
        self.setTabOrder(self.import_button, self.sample_button)

"""What a newcomer sees in a database without devices: the three ways to begin."""

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

COLUMN_WIDTH = 600


class EmptyState(QWidget):
    """In the middle of the window: add a device, import a logger file, or open the samples."""

    add_requested = Signal()
    import_requested = Signal()
    sample_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        heading = QLabel("No devices yet")
        heading.setStyleSheet("font-size: 16pt; font-weight: 600")
        text = QLabel(
            "Add the instruments you look after, or import a data logger's file: its channels "
            "become devices. The sample data shows what FieldLog does with three years of "
            "rounds; it opens in a file of its own and leaves this one as it is."
        )
        text.setWordWrap(True)
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
        """A column of fixed width in the middle (a wrapped label under an alignment flag
        gets no height of its own)."""
        buttons = QHBoxLayout()
        for button in (self.add_button, self.import_button, self.sample_button):
            buttons.addWidget(button)
        box = QWidget()
        box.setFixedWidth(COLUMN_WIDTH)
        column = QVBoxLayout(box)
        heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(heading)
        column.addWidget(text)
        column.addSpacing(12)
        column.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setFocusProxy(self.add_button)
        self.setTabOrder(self.add_button, self.import_button)
        self.setTabOrder(self.import_button, self.sample_button)

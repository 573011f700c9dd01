"""The failed-launch dialog: a labelled button for every action a launch error can offer, and a
window that knows what each one does."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.launch_errors import Action, UpgradeFailedError
from gui.launch_dialogs import BUTTONS, chosen, failure_dialog
from gui.main_window import MainWindow
from tests.core.test_launch_errors import launch_error_classes
from tests.gui.windows import shown_window


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    yield from shown_window(qtbot, tmp_path)


def test_every_action_has_a_button_and_a_handler(window: MainWindow, tmp_path: Path) -> None:
    assert set(BUTTONS) == set(Action) and all(label.strip() for label in BUTTONS.values())
    assert set(window.lifecycle.failure_handlers(tmp_path / "site.db", demo=False)) == set(Action)


@pytest.mark.parametrize("cls", launch_error_classes(), ids=lambda cls: cls.__name__)
def test_each_error_gets_one_labelled_button_per_action(qtbot: QtBot, cls, tmp_path) -> None:
    exc = cls(tmp_path / "site.db", "the exact line")
    box = failure_dialog(None, tmp_path / "site.db", exc, True, tmp_path / "fieldlog.log")
    qtbot.addWidget(box)
    failure = exc.failure(True)
    assert box.objectName() == f"launchFailure-{failure.kind}"
    assert failure.title in box.text() and failure.summary in box.text()
    assert "the exact line" in box.detailedText() and str(tmp_path / "fieldlog.log") in (
        box.detailedText()
    )
    buttons = [b for b in box.buttons() if b.property("choice")]
    assert [b.property("choice") for b in buttons] == [a.name for a in failure.actions]
    assert [b.text() for b in buttons] == [BUTTONS[a] for a in failure.actions]


def test_the_button_clicked_is_the_action_chosen(qtbot: QtBot, tmp_path: Path) -> None:
    exc = UpgradeFailedError(tmp_path / "site.db", "failed", tmp_path / "backup.db")
    box = failure_dialog(None, tmp_path / "site.db", exc, False, tmp_path / "fieldlog.log")
    qtbot.addWidget(box)
    assert "Backup taken before the upgrade" in box.informativeText()
    other = next(b for b in box.buttons() if b.property("choice") == "OPEN_OTHER")
    other.click()
    assert chosen(box) is Action.OPEN_OTHER
    assert box.icon() == QMessageBox.Icon.Critical

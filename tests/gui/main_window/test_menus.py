"""The window's menus: their keys come once the window has painted."""

from PySide6.QtGui import QKeySequence

from gui.main_window import MainWindow


def test_menu_keys_are_set_once_the_window_has_painted(qtbot, tmp_path) -> None:
    """The shortcuts are assigned one event-loop turn after the first paint (T5)."""
    made = MainWindow(tmp_path / "fieldlog.log")
    qtbot.addWidget(made)
    assert made.menus.open_action.shortcut().isEmpty()
    with qtbot.waitSignal(made.first_painted, timeout=5000):
        made.show()
    qtbot.waitUntil(lambda: not made.menus.open_action.shortcut().isEmpty(), timeout=5000)
    assert made.menus.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert made.menus.find_action.shortcut().toString() == "Ctrl+F"
    assert made.menus.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    made.close()

"""File → Import History: the list of imports, and undoing one through the real dialog."""

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.db import Database
from core.importing.service import import_parsed
from gui.batches_dialog import BatchesDialog
from gui.ops import Ops
from tests.core.importing.support import TEMP, parsed_file, reading_count, samples


def opened(qtbot: QtBot, ops: Ops, db: Database) -> BatchesDialog:
    dialog = BatchesDialog(ops, db)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def cell(dialog: BatchesDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    return item.text() if item is not None else ""


def test_every_import_is_listed_newest_first(qtbot: QtBot, ops: Ops, db: Database,
                                             tmp_path: Path) -> None:  # fmt: skip
    first = import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 3), name="may.csv"),
                          create_devices=True)  # fmt: skip
    import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 5), name="june.csv"))
    dialog = opened(qtbot, ops, db)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    rows = [[cell(dialog, r, c) for c in (1, 3, 4)] for r in range(2)]
    assert rows == [["june.csv", "2", "3"], ["may.csv", "3", "0"]]
    assert dialog.batches[1].id == first.batch_id and dialog.undo_button.isEnabled()
    dialog.close()


def test_undo_asks_then_removes_the_batch(qtbot: QtBot, ops: Ops, db: Database,
                                          tmp_path: Path) -> None:  # fmt: skip
    import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 4)), create_devices=True)
    dialog = opened(qtbot, ops, db)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1 and dialog.undo_button.isEnabled())
    dialog.undo_button.click()
    box = dialog.findChild(QMessageBox, "confirmUndoImport")
    assert box is not None and "4 readings" in box.text()
    with qtbot.waitSignal(dialog.undone, timeout=5000) as undone:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert undone.args[0].readings_removed == 4 and reading_count(db) == 0
    qtbot.waitUntil(lambda: cell(dialog, 0, 7).startswith("undone"))
    assert not dialog.undo_button.isEnabled()
    assert "4 readings removed" in dialog.message.text()
    dialog.close()


def test_cancelling_the_question_changes_nothing(qtbot: QtBot, ops: Ops, db: Database,
                                                 tmp_path: Path) -> None:  # fmt: skip
    import_parsed(db, parsed_file(tmp_path, [TEMP], samples(0, 2)), create_devices=True)
    dialog = opened(qtbot, ops, db)
    qtbot.waitUntil(lambda: dialog.undo_button.isEnabled())
    dialog.undo_button.click()
    box = dialog.findChild(QMessageBox, "confirmUndoImport")
    assert box is not None
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(100)
    assert reading_count(db) == 2 and not ops.busy
    dialog.close()


def test_an_empty_history_says_so(qtbot: QtBot, ops: Ops, db: Database) -> None:
    dialog = opened(qtbot, ops, db)
    qtbot.waitUntil(lambda: "Nothing has been imported" in dialog.message.text())
    assert dialog.table.rowCount() == 0 and not dialog.undo_button.isEnabled()
    dialog.close()

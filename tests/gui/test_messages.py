"""Failure messages: FieldLog's own words, and the details in the log the message points to."""

import logging

import pytest

from core.errors import NotFoundError
from gui.messages import explain


def test_our_errors_speak_for_themselves(caplog: pytest.LogCaptureFixture) -> None:
    assert explain(NotFoundError("There is no device with id 7."), "x") == (
        "There is no device with id 7."
    )
    assert caplog.records == []


def test_a_bug_is_logged_with_its_traceback_and_not_shown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    try:
        raise KeyError("internal detail")
    except KeyError as exc:
        with caplog.at_level(logging.ERROR, logger="fieldlog.gui"):
            text = explain(exc, "The export failed")
    assert text == "The export failed. Nothing was changed; the details are in the log file."
    (record,) = caplog.records
    assert record.exc_info is not None and "internal detail" not in text


def test_a_full_disk_is_said_plainly() -> None:
    full = OSError(28, "No space left on device", "/media/card/out.xlsx")
    text = explain(full, "The export failed", logged=True)
    assert text == (
        "The export failed: the disk holding /media/card/out.xlsx is full. Free some space on "
        "it and try again; nothing was half-written."
    )


def test_a_database_error_is_said_as_the_launch_says_it(monkeypatch) -> None:
    import sqlite3
    from pathlib import Path

    from gui import messages

    monkeypatch.setattr(messages, "open_database_path", Path("/data/site.db"))
    text = explain(sqlite3.OperationalError("database is locked"), "Saving failed", logged=True)
    assert text.startswith("Saving failed: The database /data/site.db is locked by another")

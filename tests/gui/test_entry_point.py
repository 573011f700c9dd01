"""``fieldlog`` starts the window, or the support CLI when given one of its commands."""

import pytest

from core.cli import build_parser
from gui.entry import CLI_COMMANDS, wants_cli


def test_the_dispatcher_knows_every_cli_command() -> None:
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    assert set(sub.choices) == CLI_COMMANDS  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("argv", "cli"),
    [
        ([], False),
        (["--demo"], False),
        (["--db", "db"], False),  # a file named "db" is not the db command
        (["--db", "x.db", "db", "status"], True),
        (["device", "list"], True),
        (["calibration", "list", "7"], True),
        (["--self-test", "--screenshot", "s.png"], False),
    ],
)
def test_wants_cli(argv: list[str], cli: bool) -> None:
    assert wants_cli(argv) is cli

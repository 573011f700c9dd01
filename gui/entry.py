"""``fieldlog``: the window, or with a command (``fieldlog db status``) the support CLI.

Nothing heavy is imported here: the CLI never loads Qt, and the window loads the core only
after its first paint.
"""

import sys
from collections.abc import Sequence

# The subcommands of core.cli (a test keeps the two lists equal).
CLI_COMMANDS = frozenset(
    {"db", "device", "reading", "calibration", "import", "export", "batch", "sync"}
)


def wants_cli(argv: Sequence[str]) -> bool:
    """True when the first word that is not an option (or ``--db``'s value) is a command."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word in CLI_COMMANDS
    return False


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if wants_cli(args):
        from core.cli import main as cli_main

        return cli_main(args)
    from gui.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())

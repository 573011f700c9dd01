"""The two ways long work reports how it is going, so that every caller means the same thing.

* ``Say``: what is being done now, as one line a user can read ("Backing up the database…").
  The launch, restores, downgrades and the sample data report this way; the window shows the
  line in its progress dialog, the CLI prints it.
* ``Progress``: how far, as ``(done, total)`` in the work's own units (bytes of a file read,
  readings written). Imports and exports report this way; the window shows a bar.
"""

from collections.abc import Callable

Say = Callable[[str], None]
Progress = Callable[[int, int], None]

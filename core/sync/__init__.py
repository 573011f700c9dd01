"""The laptop's side of the office server (issue 16): joining it, and pushing readings to it.
Qt-free; the window's Settings → Server and Sync Now are a later step.

- ``store.py``: what a laptop keeps about its server, per database (by the database's origin):
  the server's URL and the laptop's enrolment, in the per-user config folder; its token in the
  OS keyring (``keyring``), or in a file only its user may read where there is no keyring;
- ``client.py``: the HTTP calls (``httpx``), HTTPS unless the server is on this machine;
- ``push.py``: the readings made here, read from the SQLite file in pages and pushed.

The laptop's SQLite file stays its truth: a push changes nothing in it, and what the server
acknowledged is only remembered (``pushed_through``) to send less next time. Since a push is
idempotent on the server, sending a reading again costs time, never a double.
"""

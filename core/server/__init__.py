"""The office server (issue 16): a FastAPI application over the office's PostgreSQL, served by
uvicorn, that the team's laptops sync with. Qt-free, and not part of the laptop app: only
``fieldlog-server`` imports it, with the ``[server]`` extra installed (FastAPI, uvicorn,
pydantic).

It is stateless: everything it knows is in PostgreSQL (``DATABASE_URL``), so an office scales
it by running more processes against the same database. Each process brings the schema to head
when it starts, under the migration lock (``core.postgres.lock_migrations``): N processes, one
migrator.

- ``settings.py``: what the environment says (the database, the body limit);
- ``app.py``: the application, its start (the migration) and ``GET /health``;
- ``logs.py``: structured logs, one JSON object a line on stderr;
- ``limits.py``: the request body limit (413 before anything is read into the application);
- ``cli.py``: ``fieldlog-server serve``, with TLS, or plain HTTP only on loopback.
"""

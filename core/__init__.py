"""FieldLog's core: the database, its migrations and the services, with no Qt."""

# The one place the version is written: pyproject.toml reads it from here, and so do About,
# `fieldlog --version` and the installers. A literal costs nothing at start-up, where
# importlib.metadata cost 90 ms of the cold start (T5).
__version__ = "0.1.0"

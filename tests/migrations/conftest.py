"""The migration suite's fixtures: ``new_database`` runs a test on SQLite and on PostgreSQL."""

from tests.migrations.databases import new_database

__all__ = ["new_database"]

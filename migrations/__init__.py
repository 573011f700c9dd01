"""FieldLog's Alembic environment and revisions (loaded by path, see core/migrate.py)."""

"""The store: articles and their records in SQLite (default) or PostgreSQL."""

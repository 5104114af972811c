"""The embedded database: Django's SQLite backend with writers queued inside the process."""

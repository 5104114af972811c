"""Trigram indexes for substring search on PostgreSQL (names, companies, e-mails).

SQLite has no such indexes and scans; the migration does nothing there. Phone numbers keep
their B-tree index only: a trigram index on them misleads the planner on the import's
`number IN (…)` look-ups."""

from django.db import migrations

INDEXES = [
    ("crm_contact_last_name_trgm", "crm_contact", "UPPER(last_name)"),
    ("crm_contact_first_name_trgm", "crm_contact", "UPPER(first_name)"),
    ("crm_contact_company_name_trgm", "crm_contact", "UPPER(company_name)"),
    ("crm_email_address_trgm", "crm_email", "UPPER(address)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
            if cursor.fetchone() is None:
                return  # without contrib the search still works, by scanning
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, expression in INDEXES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _expression in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("crm", "0002_import_merge_blacklist_removal")]
    operations = [migrations.RunPython(create, drop)]

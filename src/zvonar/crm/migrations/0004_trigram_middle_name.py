"""The middle name gets its trigram index too, so that a name search's OR uses indexes only."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS crm_contact_middle_name_trgm "
            "ON crm_contact USING gin (UPPER(middle_name) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS crm_contact_middle_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("crm", "0003_trigram_search_indexes")]
    operations = [migrations.RunPython(create, drop)]

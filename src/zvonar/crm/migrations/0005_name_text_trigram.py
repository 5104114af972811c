"""One trigram index on the whole name (last, first, middle, company) for the name search.

It replaces the indexes on the last, first and middle name: a search over four ORed columns
got estimates the planner walked whole tables on, and the import paid for four indexes. The
company keeps its own (the company filter). SQLite has no such indexes."""

from django.db import migrations

NAME_TEXT = "UPPER((last_name || ' ' || first_name || ' ' || middle_name || ' ' || company_name))"
REPLACED = ["last_name", "first_name", "middle_name"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS crm_contact_name_text_trgm "
            f"ON crm_contact USING gin ({NAME_TEXT} gin_trgm_ops)"
        )
        for column in REPLACED:
            cursor.execute(f"DROP INDEX IF EXISTS crm_contact_{column}_trgm")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            for column in REPLACED:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS crm_contact_{column}_trgm "
                    f"ON crm_contact USING gin (UPPER({column}) gin_trgm_ops)"
                )
        cursor.execute("DROP INDEX IF EXISTS crm_contact_name_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("crm", "0004_trigram_middle_name")]
    operations = [migrations.RunPython(create, drop)]

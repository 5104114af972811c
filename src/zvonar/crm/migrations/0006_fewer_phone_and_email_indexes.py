"""Indexes the import paid for and no query used: on PostgreSQL the pattern-ops twins of the
phone number and e-mail indexes (searches by ending or substring cannot use them; the e-mail
has its trigram index) and the phone's contact index (the unique (contact, number) index
starts with it). The plain B-trees stay under the names they had."""

from django.db import migrations, models

DROPPED = [
    ("crm_phone_number_ebd7bbf8_like", "crm_phone (number varchar_pattern_ops)"),
    ("crm_email_address_8e363858_like", "crm_email (address varchar_pattern_ops)"),
    ("crm_phone_contact_id_539244da", "crm_phone (contact_id)"),
]


def drop(apps, schema_editor):
    for name, _definition in DROPPED:
        if schema_editor.connection.vendor == "postgresql" or "_like" not in name:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create(apps, schema_editor):
    for name, definition in DROPPED:
        if schema_editor.connection.vendor == "postgresql" or "_like" not in name:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


class Migration(migrations.Migration):
    dependencies = [("crm", "0005_name_text_trigram")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="phone",
                    name="contact",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="phones",
                        to="crm.contact",
                        verbose_name="contact",
                    ),
                ),
                migrations.AlterField(
                    model_name="phone",
                    name="number",
                    field=models.CharField(max_length=20, verbose_name="number"),
                ),
                migrations.AlterField(
                    model_name="email",
                    name="address",
                    field=models.EmailField(max_length=254, verbose_name="e-mail"),
                ),
                migrations.AddIndex(
                    model_name="phone",
                    index=models.Index(fields=["number"], name="crm_phone_number_ebd7bbf8"),
                ),
                migrations.AddIndex(
                    model_name="email",
                    index=models.Index(fields=["address"], name="crm_email_address_8e363858"),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        )
    ]

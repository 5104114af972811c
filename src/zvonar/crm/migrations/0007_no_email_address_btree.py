"""The e-mail address's B-tree: every e-mail search is by substring (the trigram index of
migration 0003 serves it), no query looks an address up exactly, and the import paid for it
with every e-mail written."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crm", "0006_fewer_phone_and_email_indexes")]
    operations = [migrations.RemoveIndex(model_name="email", name="crm_email_address_8e363858")]

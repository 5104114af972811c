"""Operators see only what their permissions allow, in the list, search and exports alike."""

import pytest
from tests.personas import logged_in, make_contact

from zvonar.campaigns.models import Lead
from zvonar.crm.models import Category


@pytest.fixture
def restricted_olga(db, operator_olga, sales_project):
    allowed = Category.objects.create(name="Разрешённая")
    forbidden = Category.objects.create(name="Закрытая")
    operator_olga.phones_hidden = True
    operator_olga.save()
    operator_olga.visible_categories.add(allowed)
    mine = make_contact("+7 912 345 67 89", last_name="Видимый", category=allowed)
    hidden = make_contact("+7 916 123 45 67", last_name="Скрытый", category=forbidden)
    make_contact("+7 903 111 22 33", last_name="Чужой", category=allowed)
    for contact in (mine, hidden):
        Lead.objects.create(project=sales_project, contact=contact)
    return operator_olga


def test_list_and_search_show_only_allowed_categories_with_masked_numbers(restricted_olga):
    """The list shows the allowed contact with a masked number and finds nothing else."""
    client = logged_in(restricted_olga)
    page = client.get("/crm/contacts/").content.decode()
    assert "Видимый" in page and "Скрытый" not in page and "Чужой" not in page
    assert "345" not in page and "89" in page
    for query in ("q=9161234567", "name=Скрытый", "phone=9031112233", "q=Чужой"):
        assert not list(client.get("/crm/contacts/?" + query).context["table"].data), query


def test_export_holds_only_allowed_contacts_with_masked_numbers(restricted_olga):
    """The export of the whole list has one contact and no full number."""
    response = logged_in(restricted_olga).post(
        "/crm/contacts/bulk/", {"action": "export_csv", "scope": "all", "query": ""}
    )
    lines = response.content.decode().splitlines()
    assert len(lines) == 2 and "Видимый" in lines[1]
    assert "912 345" not in lines[1] and "•" in lines[1]


def test_hidden_cards_are_not_reachable(restricted_olga):
    """A card outside the permissions answers 404, the import wizard 403."""
    client = logged_in(restricted_olga)
    from zvonar.crm.models import Contact

    hidden = Contact.objects.get(last_name="Скрытый")
    assert client.get(f"/crm/contacts/{hidden.pk}/").status_code == 404
    assert client.get("/crm/import/").status_code == 403

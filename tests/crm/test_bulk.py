"""Bulk operations on a selection or the whole filtered list, and exports."""

import csv
import io

import openpyxl
import pytest
from tests.personas import logged_in, make_contact

from zvonar.campaigns.models import Lead
from zvonar.crm.models import BlacklistEntry, Category, Contact


@pytest.fixture
def base(db):
    return [
        make_contact("+7 912 345 67 89", last_name="Петров", city="Москва"),
        make_contact("+7 916 123 45 67", last_name="Петрова", city="Москва"),
        make_contact("+7 903 111 22 33", last_name='=HYPERLINK("http://evil")', city="Тула"),
    ]


def post(client, **data):
    return client.post("/crm/contacts/bulk/", data)


def test_change_category_of_the_whole_filtered_list(base, admin_anna):
    """Applied to "the whole filtered list", the action touches exactly the filtered contacts."""
    category = Category.objects.create(name="VIP")
    post(
        logged_in(admin_anna),
        action="set_category",
        scope="all",
        query="q=Петров",
        category=category.pk,
    )
    assert set(Contact.objects.filter(category=category).values_list("last_name", flat=True)) == {
        "Петров",
        "Петрова",
    }


def test_assign_and_add_to_project_on_a_selection(base, admin_anna, operator_olga, sales_project):
    """Selected contacts get the operator and a lead each; a second run adds no duplicate."""
    client = logged_in(admin_anna)
    pks = [base[0].pk, base[1].pk]
    post(client, action="set_responsible", scope="selected", pk=pks, responsible=operator_olga.pk)
    assert Contact.objects.filter(responsible=operator_olga).count() == 2
    post(client, action="add_to_project", scope="selected", pk=pks, project=sales_project.pk)
    post(client, action="add_to_project", scope="selected", pk=pks, project=sales_project.pk)
    assert Lead.objects.filter(project=sales_project).count() == 2


def test_delete_needs_confirmation_and_can_be_restored(base, admin_anna):
    """Delete asks for confirmation, hides the contacts, and the deleted list restores them."""
    client = logged_in(admin_anna)
    post(client, action="delete", scope="selected", pk=[base[0].pk])
    assert Contact.objects.alive().count() == 3
    post(client, action="delete", scope="selected", pk=[base[0].pk], confirm="on")
    assert Contact.objects.alive().count() == 2
    assert "Петров" in client.get("/crm/contacts/deleted/").content.decode()
    client.post("/crm/contacts/deleted/", {"pk": [base[0].pk]})
    assert Contact.objects.alive().count() == 3


def test_blacklist_selection(base, admin_anna):
    """Adding contacts to the blacklist blacklists their numbers globally."""
    post(logged_in(admin_anna), action="blacklist", scope="selected", pk=[base[0].pk])
    assert list(BlacklistEntry.objects.values_list("number", flat=True)) == ["+79123456789"]


def test_csv_export_escapes_formulas(base, admin_anna):
    """The CSV opens in Excel (BOM, semicolon) and a formula-like cell gets an apostrophe."""
    response = post(logged_in(admin_anna), action="export_csv", scope="all", query="")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows) == 4
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in names
    assert "+7 912 345-67-89" in "".join(row[1] for row in rows)


def test_xlsx_export(base, admin_anna):
    """The Excel export holds the same rows, formulas escaped."""
    response = post(logged_in(admin_anna), action="export_xlsx", scope="all", query="q=Москва")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 3


def test_operator_may_export_but_not_change(base, operator_olga):
    """An operator's bulk change is refused; their export holds only what they see."""
    base[0].responsible = operator_olga
    base[0].save()
    client = logged_in(operator_olga)
    category = Category.objects.create(name="VIP")
    post(client, action="set_category", scope="all", query="", category=category.pk)
    assert not Contact.objects.filter(category=category).exists()
    rows = post(client, action="export_csv", scope="all", query="").content.decode().splitlines()
    assert len(rows) == 2 and "Петров" in rows[1]

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


def test_add_a_category_and_a_tag_to_a_project(base, admin_anna, sales_project):
    """The whole list filtered by category and tag goes into the project, only with a phone."""
    from zvonar.crm.models import Tag

    category = Category.objects.create(name="Тёплые")
    tag = Tag.objects.create(name="осень")
    for contact in base[:2]:
        contact.category = category
        contact.save()
        contact.tags.add(tag)
    phoneless = Contact.objects.create(last_name="Безномерный", category=category)
    phoneless.tags.add(tag)
    query = f"category={category.pk}&tags={tag.pk}"
    post(
        logged_in(admin_anna),
        action="add_to_project",
        scope="all",
        query=query,
        project=sales_project.pk,
    )
    assert set(Lead.objects.values_list("contact__last_name", flat=True)) == {"Петров", "Петрова"}


def test_inline_edit_of_a_cell(base, admin_anna, operator_olga):
    """A permitted user edits the city in place; a user without the right gets 403."""
    client = logged_in(admin_anna)
    url = f"/crm/contacts/{base[0].pk}/edit/city/"
    assert 'name="value" value="Москва"' in client.get(url).content.decode()
    assert "Казань" in client.post(url, {"value": "Казань"}).content.decode()
    base[0].refresh_from_db()
    assert base[0].city == "Казань"
    operator_olga.may_edit_card = False
    operator_olga.save()
    base[0].responsible = operator_olga
    base[0].save()
    assert logged_in(operator_olga).post(url, {"value": "Тверь"}).status_code == 403
    assert (
        logged_in(admin_anna).get(f"/crm/contacts/{base[0].pk}/edit/comment_x/").status_code == 404
    )

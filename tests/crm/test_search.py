"""Quick and extended search, saved filters and the column chooser."""

import pytest
from tests.personas import logged_in, make_contact

from zvonar.crm.models import (
    CardField,
    CardTemplate,
    Contact,
    Email,
    SavedFilter,
    Tag,
    UserTablePreference,
)


@pytest.fixture
def base(db, operator_olga):
    petrov = make_contact(
        "+7 912 345 67 89", last_name="Петров", first_name="Пётр", address="ул. Ленина, 1"
    )
    ivanova = make_contact(
        "+7 916 123 45 67", last_name="Иванова", company_name="Ромашка", city="Тула"
    )
    ivanova.custom_fields = {"car": "Лада Веста"}
    ivanova.responsible = operator_olga
    ivanova.save()
    Email.objects.create(contact=petrov, address="petrov@example.ru")
    petrov.tags.add(Tag.objects.create(name="VIP"))
    template = CardTemplate.objects.create(name="Авто")
    CardField.objects.create(template=template, code="car", label="Автомобиль")
    return petrov, ivanova


def names(client, query: str) -> set[str]:
    response = client.get("/crm/contacts/?" + query)
    return {row.display_name for row in response.context["table"].data}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=8 (912) 345-67-89", {"Петров Пётр"}),
        ("q=+79123456789", {"Петров Пётр"}),
        ("q=4567", {"Иванова"}),
        ("q=петров", {"Петров Пётр"}),
        ("q=example.ru", {"Петров Пётр"}),
        ("name=Пётр Петров", {"Петров Пётр"}),
        ("phone=916 123 45 67", {"Иванова"}),
        ("company=ромаш", {"Иванова"}),
        ("address=Тула", {"Иванова"}),
        ("address=Ленина", {"Петров Пётр"}),
        ("email=petrov@", {"Петров Пётр"}),
        ("field=car&field_value=веста", {"Иванова"}),
        ("mine=on", {"Иванова"}),
    ],
)
def test_search(base, admin_anna, operator_olga, query, expected):
    """Each search finds exactly the expected contact."""
    user = operator_olga if "mine" in query else admin_anna
    assert names(logged_in(user), query) == expected


def test_tag_filter(base, admin_anna):
    """Filtering by tag keeps the tagged contact only."""
    tag = Tag.objects.get()
    assert names(logged_in(admin_anna), f"tags={tag.pk}") == {"Петров Пётр"}


def test_saved_filter_and_columns_are_kept_per_user(base, admin_anna):
    """A saved filter shows on the list and the chosen columns stay chosen."""
    client = logged_in(admin_anna)
    client.post("/crm/filters/", {"name": "Тульские", "query": "address=Тула"})
    assert SavedFilter.objects.get().query == "address=Тула"
    assert "Тульские" in client.get("/crm/contacts/").content.decode()
    client.post("/crm/contacts/columns/", {"columns": ["name", "phone", "tags"], "query": ""})
    assert UserTablePreference.objects.get().columns == ["name", "phone", "tags"]
    table = client.get("/crm/contacts/").context["table"]
    assert [column.name for column in table.columns] == ["selection", "name", "phone", "tags"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("name=Петр", {"Петров Пётр Сергеевич"}),
        ("name=пётр петров", {"Петров Пётр Сергеевич"}),
        ("name=Сергеевич", {"Петров Пётр Сергеевич"}),
        ("name=ромашка иванова", {"Иванова"}),
        ("name=Петров Ромашка", set()),
        ("name=ровПётр", set()),
    ],
)
def test_name_search_words_each_in_some_name_field(base, admin_anna, query, expected):
    """Each word of a name search must appear in the last, first or middle name or company."""
    petrov, _ivanova = base
    petrov.middle_name = "Сергеевич"
    petrov.save()
    assert names(logged_in(admin_anna), query) == expected


def test_text_search_lists_newest_first_unless_sorted(db, admin_anna):
    """A name search lists the newest contacts first; a chosen column sort still applies."""
    for index, last in enumerate(["Абрамов", "Яковлев", "Борисов"]):
        make_contact(f"+7 912 345 67 0{index}", last_name=last, first_name="Иван")
    client = logged_in(admin_anna)
    rows = client.get("/crm/contacts/?name=Иван").context["table"].paginated_rows
    assert [row.record.last_name for row in rows] == ["Борисов", "Яковлев", "Абрамов"]
    rows = client.get("/crm/contacts/?name=Иван&sort=name").context["table"].paginated_rows
    assert [row.record.last_name for row in rows] == ["Абрамов", "Борисов", "Яковлев"]
    rows = client.get("/crm/contacts/").context["table"].paginated_rows
    assert [row.record.last_name for row in rows] == ["Абрамов", "Борисов", "Яковлев"]


def test_contact_count_is_capped(db, admin_anna, monkeypatch):
    """Past the cap the list says "N+ contacts" and offers the pages up to the cap only."""
    from zvonar.crm.tables import CappedPaginator

    for index in range(5):
        make_contact(f"+7 912 345 67 1{index}", last_name=f"Клиент{index}")
    client = logged_in(admin_anna)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get("/crm/contacts/")
    assert "5 contacts" in response.content.decode()
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    monkeypatch.setattr("zvonar.crm.views.ContactListView.paginate_by", 2)
    response = client.get("/crm/contacts/?name=Клиент")
    paginator = response.context["table"].paginator
    assert (paginator.capped, paginator.num_pages) == (True, 2)
    assert "4+ contacts" in response.content.decode()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    assert "4+ контактов" in client.get("/crm/contacts/").content.decode()


def test_the_list_pages_a_search_by_the_ids_of_its_matches(db, admin_anna, monkeypatch):
    """The matches' ids are read once in no order (so the database may find them through the
    search's index instead of walking the list's order); up to the cap the page is read by
    those ids in the list's order, past it from the search itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zvonar.crm.tables import CappedPaginator, narrow_to_matches

    for index in range(3):
        make_contact(f"+7 912 345 67 2{index}", last_name=f"Клиент{index}")
    make_contact("+7 912 345 67 29", last_name="Другой")
    queryset = Contact.objects.alive().filter(last_name__startswith="Клиент").order_by("-id")
    with CaptureQueriesContext(connection) as queries:
        paged, count = narrow_to_matches(queryset, Contact.objects.alive())
        page = list(CappedPaginator(paged, 2, count=count).page(1).object_list)
    assert count == 3
    assert [contact.last_name for contact in page] == ["Клиент2", "Клиент1"]
    ids_query, page_query = (query["sql"] for query in queries)
    assert "ORDER BY" not in ids_query and "LIKE" in ids_query
    assert "ORDER BY" in page_query and "LIKE" not in page_query

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    paged, count = narrow_to_matches(queryset, Contact.objects.alive())
    assert (count, paged) == (3, queryset)

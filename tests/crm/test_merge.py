"""Merging two cards of one client and finding duplicates."""

import pytest
from django.utils import timezone
from tests.personas import logged_in, make_contact

from zvonar.calls.models import Call
from zvonar.campaigns.models import Lead, Project
from zvonar.crm.models import Contact, ContactMergeLog, Email
from zvonar.crm.services import do_merge_contacts, find_duplicates, merge_choices_form_fields
from zvonar.tasks.models import Task


@pytest.fixture
def twins(db, sales_project, admin_anna):
    first = make_contact("+7 912 345 67 89", last_name="Петров", first_name="Пётр", city="Москва")
    second = make_contact("+7 916 123 45 67", last_name="Петров", first_name="Пётр", city="Тула")
    second.comment = "любит звонки утром"
    second.custom_fields = {"car": "Лада"}
    second.save()
    Email.objects.create(contact=second, address="petrov@example.ru")
    first_lead = Lead.objects.create(project=sales_project, contact=first)
    second_lead = Lead.objects.create(project=sales_project, contact=second)
    other = Project.objects.create(name="Опрос")
    Lead.objects.create(project=other, contact=second)
    Call.objects.create(number="+79161234567", contact=second, lead=second_lead)
    Task.objects.create(
        title="Перезвонить", due_at=timezone.now(), contact=second, assignee=admin_anna
    )
    return first, second, first_lead


def test_merge_unites_everything_into_the_kept_card(twins, admin_anna, sales_project):
    """Phones, e-mails, leads, calls and tasks move to the kept card; conflicts follow choices."""
    first, second, first_lead = twins
    assert [item["name"] for item in merge_choices_form_fields(first, second)] == ["city"]
    log = do_merge_contacts(first, second, choices={"city": "second"}, acting_user=admin_anna)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.city, first.comment, first.custom_fields) == (
        "Тула",
        "любит звонки утром",
        {"car": "Лада"},
    )
    assert set(first.phones.values_list("number", flat=True)) == {"+79123456789", "+79161234567"}
    assert first.emails.get().address == "petrov@example.ru"
    assert Lead.objects.filter(contact=first).count() == 2
    assert Lead.objects.filter(project=sales_project).get() == first_lead
    assert Call.objects.get().contact == first and Call.objects.get().lead == first_lead
    assert Task.objects.get().contact == first
    assert second.merged_into == first
    assert (log.merged_contact_id, log.merged_by, log.merged_values["city"]) == (
        second.pk,
        admin_anna,
        "Тула",
    )
    assert not Contact.objects.alive().filter(pk=second.pk).exists()


def test_merged_card_url_redirects_to_the_survivor(twins, admin_anna):
    """The other card's address keeps working: it redirects to the kept card."""
    first, second, _lead = twins
    do_merge_contacts(first, second, choices={}, acting_user=admin_anna)
    response = logged_in(admin_anna).get(f"/crm/contacts/{second.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/crm/contacts/{first.pk}/"


def test_merge_screen_posts_the_choices(twins, admin_anna):
    """The merge screen shows the conflict and merges with the chosen value."""
    first, second, _lead = twins
    client = logged_in(admin_anna)
    url = f"/crm/contacts/merge/?first={first.pk}&second={second.pk}"
    page = client.get(url)
    assert "Тула" in page.content.decode() and "Москва" in page.content.decode()
    client.post(url, {"choice_city": "first"})
    first.refresh_from_db()
    assert first.city == "Москва"
    assert ContactMergeLog.objects.get().choices == {"city": "first"}


def test_duplicate_finder_groups_by_phone_and_by_name(db, admin_anna):
    """Cards sharing a number, and cards with the same name and company, are found."""
    make_contact("+7 912 345 67 89", last_name="Иванов")
    make_contact("8 912 345 67 89", last_name="Сидоров")
    make_contact("+7 916 000 00 01", last_name="Кузнецов", first_name="Иван")
    make_contact("+7 916 000 00 02", last_name="кузнецов", first_name="иван")
    groups = find_duplicates(Contact.objects.alive())
    reasons = sorted(str(group["reason"]) for group in groups)
    assert len(groups) == 2, reasons
    assert all(len(group["contacts"]) == 2 for group in groups)
    response = logged_in(admin_anna).get("/crm/contacts/duplicates/")
    assert response.content.decode().count('data-testid="duplicate-group"') == 2


def test_operator_may_not_merge(twins, operator_olga):
    """An operator gets 403 from the merge screen."""
    first, second, _lead = twins
    response = logged_in(operator_olga).get(
        f"/crm/contacts/merge/?first={first.pk}&second={second.pk}"
    )
    assert response.status_code == 403

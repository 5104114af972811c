"""In a real browser: the duplicate finder and the merge screen through a conflict."""

import pytest
from tests.e2e.conftest import screenshot
from tests.e2e.test_import_wizard import log_in
from tests.personas import make_contact, make_user

from zvonar.crm.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_merge_two_cards_choosing_the_other_city(page):
    """Two Петров cards are found as duplicates and merged keeping the second card's city."""
    make_user("anna", is_staff=True, is_superuser=True)
    first = make_contact("+7 912 345 67 89", last_name="Петров", first_name="Пётр", city="Москва")
    second = make_contact("+7 916 123 45 67", last_name="Петров", first_name="Пётр", city="Тула")
    log_in(page, "anna")
    page.goto(page.base_url + "/crm/contacts/duplicates/")
    page.click("[data-testid=merge-link]")
    page.wait_for_url("**/crm/contacts/merge/**")
    conflict = page.locator("[data-testid=conflict-city]")
    assert "Москва" in conflict.inner_text() and "Тула" in conflict.inner_text()
    conflict.locator("input[value=second]").check()
    screenshot(page, "merge-screen")
    page.click("[data-testid=merge-button]")
    page.wait_for_url(f"**/crm/contacts/{first.pk}/")
    phones = page.locator("[data-testid=phones]").inner_text()
    assert "912" in phones and "916" in phones
    first.refresh_from_db()
    assert first.city == "Тула"
    assert Contact.objects.get(pk=second.pk).merged_into_id == first.pk
    page.goto(page.base_url + f"/crm/contacts/{second.pk}/")
    page.wait_for_url(f"**/crm/contacts/{first.pk}/")

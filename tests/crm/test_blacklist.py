"""The blacklist: global and per project, added in any format, removed with a logged reason."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from tests.personas import logged_in, make_contact

from zvonar.campaigns.models import Project
from zvonar.crm.models import BlacklistEntry
from zvonar.crm.queries import is_blacklisted
from zvonar.crm.services import (
    check_dial_allowed,
    do_add_to_blacklist,
    do_import_blacklist,
    do_remove_from_blacklist,
)


def test_number_in_any_format_is_blacklisted_globally(db, admin_anna, sales_project):
    """A number added as "8 (912) 345-67-89" blocks +79123456789 in every project."""
    do_add_to_blacklist("8 (912) 345-67-89", reason="Жалоба", acting_user=admin_anna)
    assert is_blacklisted("+79123456789")
    assert is_blacklisted("+79123456789", sales_project)
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        check_dial_allowed("+79123456789", sales_project)
    assert "в чёрном списке" in error.value.messages[0]
    assert "+7 912 345-67-89" in error.value.messages[0]


def test_project_entry_blocks_only_that_project(db, admin_anna, sales_project):
    """A per-project entry does not block the number elsewhere."""
    other = Project.objects.create(name="Опрос")
    do_add_to_blacklist("+79123456789", project=sales_project, acting_user=admin_anna)
    check_dial_allowed("+79123456789", other)
    with pytest.raises(ValidationError):
        check_dial_allowed("+79123456789", sales_project)


def test_removal_is_logged_and_the_number_can_be_added_again(db, admin_anna, supervisor_sergey):
    """Removing keeps who, when and why; the number may be blacklisted again afterwards."""
    entry = do_add_to_blacklist("+79123456789", acting_user=admin_anna)
    do_remove_from_blacklist(entry, reason="Клиент попросил звонить", acting_user=admin_anna)
    assert not is_blacklisted("+79123456789")
    entry.refresh_from_db()
    assert (entry.removal_reason, entry.removed_by) == ("Клиент попросил звонить", admin_anna)
    again = do_add_to_blacklist("+79123456789", acting_user=supervisor_sergey)
    assert again.pk != entry.pk and is_blacklisted("+79123456789")
    assert BlacklistEntry.objects.count() == 2


def test_import_a_list(db, admin_anna):
    """A pasted list adds every valid number once and reports the rest."""
    result = do_import_blacklist(
        ["+7 912 345 67 89", "89123456789", "не номер", "", "9161234567;спам"],
        acting_user=admin_anna,
    )
    assert result == {"added": 2, "invalid": ["не номер"]}


def test_pages_add_and_remove(db, admin_anna):
    """The admin adds a number on the page, sees it, and removes it with a reason."""
    client = logged_in(admin_anna)
    client.post("/crm/blacklist/add/", {"number": "8 912 345 67 89", "reason": "Жалоба"})
    entry = BlacklistEntry.objects.get()
    assert "+7 912 345-67-89" in client.get("/crm/blacklist/").content.decode()
    client.post(f"/crm/blacklist/{entry.pk}/remove/", {"reason": "Ошибка"})
    entry.refresh_from_db()
    assert entry.removed_at is not None and entry.removal_reason == "Ошибка"


def test_card_shows_the_blacklisted_number(db, admin_anna):
    """The card warns that its number is blacklisted."""
    contact = make_contact("+7 912 345 67 89", last_name="Петров")
    do_add_to_blacklist("+79123456789", acting_user=admin_anna)
    page = logged_in(admin_anna).get(f"/crm/contacts/{contact.pk}/").content.decode()
    assert 'data-testid="blacklisted-warning"' in page


def test_operator_cannot_add(db, operator_olga):
    """An operator may look at the blacklist but not change it."""
    client = logged_in(operator_olga)
    assert client.get("/crm/blacklist/").status_code == 200
    assert client.post("/crm/blacklist/add/", {"number": "+79123456789"}).status_code == 403

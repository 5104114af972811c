"""In a real browser: the import wizard from upload through preview to the finished job."""

import pytest
from tests.e2e.conftest import screenshot
from tests.personas import PASSWORD, make_user

from zvonar.crm.models import BlacklistEntry, Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    "Фамилия;Имя;Телефон;Комментарий",
    "Петров;Пётр;8 (912) 345-67-89;",
    'Иванова;Анна;+7 916 123 45 67;"две\nстроки"',
    "Сидоров;Семён;89161234567;",
    "Без;Телефона;;",
    "Чёрный;Список;+7 903 000 11 22;",
]


def log_in(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_import_wizard_from_upload_to_result(page, settings, tmp_path):
    """The admin uploads a Windows-1251 file, sees the preview, confirms, and gets the counts."""
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("anna", is_staff=True, is_superuser=True)
    BlacklistEntry.objects.create(number="+79030001122")
    path = tmp_path / "clients.csv"
    path.write_bytes("\r\n".join(ROWS).encode("cp1251"))
    log_in(page, "anna")
    page.goto(page.base_url + "/crm/contacts/")
    page.click("[data-testid=import-link]")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=upload-button]")
    page.wait_for_url("**/crm/import/settings/")
    assert "cp1251" in page.locator("[data-testid=import-settings]").inner_text()
    page.click("[data-testid=preview-button]")
    preview = page.locator("[data-testid=preview]")
    statuses = preview.locator("td[data-status]").evaluate_all(
        "cells => cells.map(cell => cell.dataset.status)"
    )
    assert statuses == ["created", "created", "duplicate", "no_phone", "blacklisted"]
    screenshot(page, "import-preview")
    assert not Contact.objects.exists()
    page.click("[data-testid=confirm-button]")
    page.wait_for_selector("[data-testid=import-progress][data-status=done]", timeout=30_000)
    result = page.locator("[data-testid=import-result]")
    assert result.locator("[data-count=created]").inner_text() == "2"
    assert result.locator("[data-count=skipped_duplicate]").inner_text() == "1"
    assert result.locator("[data-count=skipped_blacklisted]").inner_text() == "1"
    screenshot(page, "import-result")
    assert Contact.objects.get(last_name="Иванова").comment == "две\nстроки"

"""In a real browser: the demo's operator logs in to their workplace, the admin to the admin."""

import pytest
from django.core.management import call_command
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.ZVONAR_DEMO_PASSWORD = "demo-browser"
    call_command("demo", contacts=60, verbosity=0)


def log_in(page, username, password="demo-browser"):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_operator_logs_in_and_sees_their_projects(page, demo):
    """operator1 lands on the workplace listing the demo projects they work in."""
    log_in(page, "operator1")
    page.wait_for_url("**/workplace/")
    projects = page.locator("[data-testid=my-projects]")
    assert "Продажа ОСАГО" in projects.inner_text()
    assert "Опрос удовлетворённости" not in projects.inner_text()
    assert "Рабочее место" in page.locator("nav .nav-link.active").inner_text()
    screenshot(page, "workplace-foundation")


def test_wrong_password_keeps_the_operator_out(page, demo):
    """A wrong password shows the error in Russian and no workplace."""
    log_in(page, "operator1", "wrong")
    assert "/accounts/login/" in page.url
    assert "правильные" in page.locator(".alert-danger").inner_text()


def test_admin_reaches_the_admin_site(page, demo):
    """admin logs in and opens the admin site with the project list."""
    log_in(page, "admin")
    page.wait_for_url("**/monitoring/")
    page.click("[data-section=admin]")
    page.wait_for_url("**/admin/")
    page.click("a[href='/admin/campaigns/project/']")
    page.wait_for_url("**/admin/campaigns/project/")
    assert "Продажа ОСАГО" in page.locator("#result_list").inner_text()


def test_language_switch_in_the_browser(page, demo):
    """Switching to English on the login page turns the page English."""
    page.goto(page.base_url + "/accounts/login/")
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    page.locator("button[type=submit]", has_text="Log in").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_page_whose_session_ended_goes_to_the_login_form(page, demo):
    """Logged out in another tab, the contact list's in-place edit does not put the login page
    inside the table cell: the page reloads into the login form."""
    log_in(page, "admin")
    page.wait_for_url("**/monitoring/")
    page.goto(page.base_url + "/crm/contacts/")
    cell = page.locator("[data-testid^=edit-city-]").first
    cell.wait_for()

    other_tab = page.context.new_page()
    other_tab.goto(page.base_url + "/crm/contacts/")
    other_tab.get_by_role("button", name="Выйти").click()
    other_tab.wait_for_url("**/accounts/login/**")

    cell.click()
    page.wait_for_url("**/accounts/login/?next=/crm/contacts/")
    page.locator("#id_username").wait_for()

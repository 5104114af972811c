"""Logging in, landing pages by role, throttling and the language switch."""

import pytest
from django.conf import settings
from django.urls import reverse
from tests.personas import PASSWORD, logged_in


def login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_operator_logs_in_by_username_and_lands_on_workplace(client, operator_olga, sales_project):
    """An operator's login leads to the workplace, which lists their projects."""
    response = login(client, "olga")
    assert response.status_code == 302
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("workplace:home")
    assert "Продажи" in response.content.decode()


@pytest.mark.django_db
def test_login_by_email(client, operator_olga):
    """The e-mail address works as the login too, in any letter case."""
    assert login(client, "OLGA@example.test").status_code == 302


@pytest.mark.django_db
def test_supervisor_lands_on_dashboard_with_projects_and_operators(
    client, supervisor_sergey, sales_project, operator_olga
):
    """A supervisor's landing is the dashboard with their projects and operators."""
    login(client, "sergey")
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("monitoring:dashboard")
    body = response.content.decode()
    assert "Продажи" in body
    assert "Ольга" in body


@pytest.mark.django_db
def test_operator_cannot_open_dashboard(operator_olga, sales_project):
    """The dashboard is refused to a user who supervises nothing."""
    assert logged_in(operator_olga).get(reverse("monitoring:dashboard")).status_code == 403


@pytest.mark.django_db
def test_wrong_password_shows_an_error_in_the_users_language(client, operator_olga):
    """A wrong password keeps the user on the page with a message in Russian by default."""
    response = login(client, "olga", "wrong")
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные" in response.content.decode()


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(client, operator_olga):
    """After the failure limit even the right password is refused for a while."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "olga", "wrong")
    response = login(client, "olga")
    assert response.status_code == 429
    assert "Слишком много" in response.content.decode()


def test_sessions_expire():
    """A session lasts at most a long shift."""
    assert 0 < settings.SESSION_COOKIE_AGE <= 24 * 3600


@pytest.mark.django_db
def test_passwords_are_hashed(operator_olga):
    """No password is stored in clear."""
    assert PASSWORD not in operator_olga.password
    assert operator_olga.password.startswith(("pbkdf2_", "argon2", "bcrypt", "scrypt"))


@pytest.mark.django_db
def test_language_switch_turns_the_page_english(client):
    """Choosing English in the switch makes the next page English."""
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    response = client.get(reverse("accounts:login"))
    assert "Login or e-mail" in response.content.decode()
    client.post(reverse("set_language"), {"language": "ru", "next": "/accounts/login/"})
    assert "Логин или e-mail" in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_section_closed_by_access_settings_is_refused(operator_olga):
    """An operator whose settings open only the workplace cannot open contacts."""
    operator_olga.allowed_sections = ["workplace"]
    operator_olga.save()
    client = logged_in(operator_olga)
    assert client.get(reverse("crm:contact_list")).status_code == 403
    assert client.get(reverse("workplace:home")).status_code == 200


@pytest.mark.django_db
def test_status_change_is_logged_with_start_and_end(operator_olga, sales_project):
    """Each status change closes the previous stretch and opens a new one."""
    client = logged_in(operator_olga)
    client.post(reverse("workplace:status"), {"status": "available", "project": sales_project.pk})
    client.post(reverse("workplace:status"), {"status": "do_not_disturb"})
    log = list(operator_olga.status_log.order_by("started_at"))
    assert [entry.status for entry in log] == ["available", "do_not_disturb"]
    assert log[0].ended_at is not None and log[1].ended_at is None


@pytest.mark.django_db
def test_logging_out_takes_a_waiting_operator_out_of_distribution(sales_project, operator_olga):
    """An operator who logs out while Available goes Offline: a workplace still open in another
    tab gets no more calls."""
    from zvonar.accounts.services import current_status, do_set_operator_status

    do_set_operator_status(operator_olga, "available", project=sales_project)
    client = logged_in(operator_olga)
    assert client.post(reverse("accounts:logout")).status_code == 302
    status = current_status(operator_olga)
    assert (status.status, status.project) == ("offline", sales_project)


@pytest.mark.django_db
def test_logging_out_in_a_call_leaves_the_call_and_its_card(sales_project, operator_olga):
    """In a call the call goes on; the card waits for the next login."""
    from zvonar.accounts.services import current_status, do_set_operator_status

    do_set_operator_status(operator_olga, "talking", project=sales_project)
    logged_in(operator_olga).post(reverse("accounts:logout"))
    assert current_status(operator_olga).status == "talking"

"""Personas and shared fixtures; the header says which database the suite runs on."""

import pytest
from django.conf import settings
from tests.personas import add_member, make_contact, make_user

from zvonar.accounts.models import User
from zvonar.calls.models import Call
from zvonar.campaigns.choices import MembershipRoleChoices, ResultClassChoices
from zvonar.campaigns.models import CallResult, Lead, Project
from zvonar.crm.models import Contact


def pytest_report_header(config):
    from django.db import connection

    engine = connection.vendor
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    return [f"zvonar test database: {engine}", f"zvonar channel layer: {layer}"]


@pytest.fixture(scope="session", autouse=True)
def _end_other_threads_sessions(django_db_setup, django_db_blocker):
    """Async tests and consumers reach the database from asgiref's worker thread, whose
    connection Django cannot close from here; on PostgreSQL it would keep the test database
    from being dropped at the end ("being accessed by other users"). End those sessions
    after the last test, before the database is dropped."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def admin_anna(db) -> User:
    return make_user("anna", first_name="Анна", is_staff=True, is_superuser=True)


@pytest.fixture
def supervisor_sergey(db) -> User:
    return make_user("sergey", first_name="Сергей")


@pytest.fixture
def operator_olga(db) -> User:
    return make_user("olga", first_name="Ольга")


@pytest.fixture
def operator_ivan(db) -> User:
    return make_user("ivan", first_name="Иван")


@pytest.fixture
def sales_project(db, supervisor_sergey, operator_olga, operator_ivan) -> Project:
    """A project supervised by Sergey with Olga and Ivan as operators and one success result."""
    project = Project.objects.create(name="Продажи")
    add_member(project, supervisor_sergey, MembershipRoleChoices.SUPERVISOR)
    add_member(project, operator_olga)
    add_member(project, operator_ivan)
    CallResult.objects.create(
        project=project, name="Согласие", result_class=ResultClassChoices.SUCCESS, is_final=True
    )
    return project


@pytest.fixture
def other_project(db) -> Project:
    return Project.objects.create(name="Чужой проект")


@pytest.fixture
def client_petrov(db, sales_project) -> Contact:
    contact = make_contact("+7 912 345 67 89", last_name="Петров", first_name="Пётр")
    Lead.objects.create(project=sales_project, contact=contact, phone=contact.phones.first())
    return contact


@pytest.fixture
def olgas_call(sales_project, client_petrov, operator_olga) -> Call:
    """Olga's finished call to Petrov, its card not yet saved."""
    lead = client_petrov.leads.get()
    return Call.objects.create(
        project=sales_project,
        lead=lead,
        contact=client_petrov,
        number=lead.phone.number,
        operator=operator_olga,
        state="ended",
    )

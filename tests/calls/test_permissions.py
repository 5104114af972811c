"""Nobody reads what is not theirs: calls, projects and hidden numbers, in pages and API."""

import pytest
from django.urls import reverse
from tests.personas import logged_in

from zvonar.calls.models import Call
from zvonar.crm.phones import format_phone


@pytest.fixture
def ivans_call(sales_project, client_petrov, operator_ivan):
    return Call.objects.create(
        number="+79123456789",
        project=sales_project,
        contact=client_petrov,
        operator=operator_ivan,
        comment="Секретный комментарий Ивана",
    )


@pytest.fixture
def olgas_call(sales_project, client_petrov, operator_olga):
    return Call.objects.create(
        number="+79123456789",
        project=sales_project,
        contact=client_petrov,
        operator=operator_olga,
        comment="Комментарий Ольги",
    )


def test_operator_cannot_read_another_operators_call(operator_olga, ivans_call, olgas_call):
    """Olga sees her own call but not Ivan's: not in the list, the page, nor the API."""
    client = logged_in(operator_olga)
    listing = client.get(reverse("calls:call_list")).content.decode()
    assert "Комментарий Ольги" not in listing  # comments are not in the list at all
    assert reverse("calls:call_detail", args=[olgas_call.pk]) in listing
    assert reverse("calls:call_detail", args=[ivans_call.pk]) not in listing
    assert client.get(reverse("calls:call_detail", args=[ivans_call.pk])).status_code == 404
    assert client.get(reverse("calls:call_detail", args=[olgas_call.pk])).status_code == 200
    api = client.get("/api/v1/calls/").json()
    assert [row["id"] for row in api["results"]] == [olgas_call.pk]
    assert client.get(f"/api/v1/calls/{ivans_call.pk}/").status_code == 404
    contact_page = client.get(reverse("crm:contact_detail", args=[ivans_call.contact_id]))
    assert "Секретный комментарий Ивана" not in contact_page.content.decode()


def test_supervisor_reads_calls_of_their_project(supervisor_sergey, ivans_call, olgas_call):
    """The project's supervisor sees every operator's calls of that project."""
    api = logged_in(supervisor_sergey).get("/api/v1/calls/").json()
    assert {row["id"] for row in api["results"]} == {ivans_call.pk, olgas_call.pk}


def test_supervisor_cannot_read_projects_they_are_not_member_of(
    supervisor_sergey, sales_project, other_project
):
    """A supervisor sees their project and not another one, in the API and the dashboard."""
    client = logged_in(supervisor_sergey)
    api = client.get("/api/v1/projects/").json()
    assert [row["id"] for row in api["results"]] == [sales_project.pk]
    assert client.get(f"/api/v1/projects/{other_project.pk}/").status_code == 404
    dashboard = client.get(reverse("monitoring:dashboard")).content.decode()
    assert "Продажи" in dashboard
    assert "Чужой проект" not in dashboard


def test_supervisor_cannot_read_calls_of_other_projects(
    supervisor_sergey, other_project, operator_ivan
):
    """A call in a project Sergey does not supervise stays invisible to him."""
    call = Call.objects.create(number="+74951234567", project=other_project, operator=operator_ivan)
    client = logged_in(supervisor_sergey)
    assert client.get(reverse("calls:call_detail", args=[call.pk])).status_code == 404


def test_admin_reads_everything(admin_anna, ivans_call, olgas_call, other_project):
    """The admin sees every call and project."""
    client = logged_in(admin_anna)
    assert client.get("/api/v1/calls/").json()["count"] == 2
    assert client.get(f"/api/v1/projects/{other_project.pk}/").status_code == 200


def _written_forms(e164: str) -> list[str]:
    national = e164[2:]
    return [e164, format_phone(e164), national, f"8{national}", national[-7:]]


def test_hidden_number_never_appears_in_an_operators_html(
    operator_olga, client_petrov, olgas_call, sales_project
):
    """With numbers hidden, no page or API answer carries the number in any written form."""
    operator_olga.phones_hidden = True
    operator_olga.save()
    client = logged_in(operator_olga)
    pages = [
        reverse("workplace:home"),
        reverse("crm:contact_list"),
        reverse("crm:contact_list") + "?q=Петров",
        reverse("crm:contact_detail", args=[client_petrov.pk]),
        reverse("calls:call_list"),
        reverse("calls:call_detail", args=[olgas_call.pk]),
        "/api/v1/contacts/",
        f"/api/v1/contacts/{client_petrov.pk}/",
        "/api/v1/calls/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Петров" in body or "calls" in url or url == reverse("workplace:home"), url
        for form in _written_forms("+79123456789"):
            assert form not in body, (url, form)
        assert "89" in body  # the masked form keeps the last two digits


def test_visible_number_is_shown_in_full(operator_olga, client_petrov):
    """Without the hidden-number setting the operator sees the number."""
    body = logged_in(operator_olga).get(reverse("crm:contact_detail", args=[client_petrov.pk]))
    assert format_phone("+79123456789") in body.content.decode()


def test_operator_does_not_see_contacts_outside_their_projects(operator_olga, client_petrov):
    """A contact only in another project stays invisible to the operator."""
    from tests.personas import make_contact

    stranger = make_contact("+74951112233", last_name="Чужаков")
    client = logged_in(operator_olga)
    assert client.get(reverse("crm:contact_detail", args=[stranger.pk])).status_code == 404
    assert "Чужаков" not in client.get(reverse("crm:contact_list")).content.decode()


def test_operator_sees_only_allowed_categories(operator_olga, client_petrov, sales_project):
    """Access settings narrow the contacts an operator sees to chosen categories."""
    from zvonar.campaigns.models import Lead
    from zvonar.crm.models import Category

    vip, regular = Category.objects.create(name="VIP"), Category.objects.create(name="Обычные")
    client_petrov.category = vip
    client_petrov.save()
    operator_olga.visible_categories.set([regular])
    client = logged_in(operator_olga)
    assert client.get(reverse("crm:contact_detail", args=[client_petrov.pk])).status_code == 404
    assert Lead.objects.filter(contact=client_petrov).exists()

"""The admin site works for an Admin on day one, for every registered model, in both languages."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from tests.personas import logged_in

MODELS = [model for model in admin.site._registry if model._meta.app_label != "axes"]


@pytest.fixture
def demo_admin(db):
    call_command("demo", contacts=30, verbosity=0)
    from zvonar.accounts.models import User

    return User.objects.get(username="admin")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_changelist_and_add_page_opens(demo_admin, language):
    """Each model's list, add and first object pages answer 200."""
    client = logged_in(demo_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    with translation.override(language):
        for model in MODELS:
            info = (model._meta.app_label, model._meta.model_name)
            response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
            assert response.status_code == 200, info
            if admin.site._registry[model].has_add_permission(_request(demo_admin)):
                assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, info
            first = model._default_manager.first()
            if first is not None:
                url = reverse("admin:{}_{}_change".format(*info), args=[first.pk])
                assert client.get(url).status_code == 200, info


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_admin_adds_a_phone_in_any_format(demo_admin):
    """A blacklist entry typed as 8 (912)… is stored as E.164; a bad one is refused clearly."""
    from zvonar.crm.models import BlacklistEntry

    client = logged_in(demo_admin)
    url = reverse("admin:crm_blacklistentry_add")
    client.post(url, {"number": "8 (912) 555-44-33", "reason": "просил не звонить"})
    assert BlacklistEntry.objects.filter(number="+79125554433", project=None).exists()
    response = client.post(url, {"number": "12", "reason": "x"})
    assert "недействительный номер" in response.content.decode()


def test_operator_cannot_open_the_admin(db):
    """An operator account is no staff and is sent to the admin's login."""
    from tests.personas import make_user

    client = logged_in(make_user("olga"))
    assert client.get(reverse("admin:index")).status_code == 302

"""The demo data: complete, idempotent, and absent unless loaded."""

import pytest
from django.core.management import call_command

from zvonar.accounts.models import User
from zvonar.campaigns.models import Lead, Project
from zvonar.crm.models import BlacklistEntry, Contact, Phone


@pytest.mark.django_db
def test_no_demo_account_exists_unless_the_demo_was_loaded():
    """A fresh database has no users at all."""
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_loads_everything_once(capsys, settings):
    """The demo brings five users, two projects, 500 contacts across zones and a blacklist."""
    settings.ZVONAR_DEMO_PASSWORD = "s3cret-demo"
    call_command("demo")
    out = capsys.readouterr().out
    for login in ("admin", "supervisor", "operator1", "operator2", "operator3"):
        assert login in out
    assert "s3cret-demo" in out
    assert User.objects.get(username="operator1").check_password("s3cret-demo")
    assert Contact.objects.count() == 500
    assert Phone.objects.values("time_zone").distinct().count() >= 5
    assert set(Project.objects.values_list("dial_mode", flat=True)) == {"predictive", "preview"}
    assert BlacklistEntry.objects.count() >= 3
    counts = (User.objects.count(), Contact.objects.count(), Lead.objects.count())
    call_command("demo")
    assert (User.objects.count(), Contact.objects.count(), Lead.objects.count()) == counts
    assert "already loaded" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_project_is_fully_configured():
    """The predictive project has a card template, results of every class, a script, rules."""
    call_command("demo", contacts=50, verbosity=0)
    project = Project.objects.get(dial_mode="predictive")
    assert project.card_template.fields.count() >= 9
    assert set(project.results.values_list("result_class", flat=True)) == {
        "success",
        "refusal",
        "callback",
        "no_contact",
    }
    assert project.script.steps.count() >= 3
    assert project.retry_rules.count() == 5
    assert project.memberships.filter(role="supervisor").exists()

"""Dialing rules of the call services: blacklist at dial time, manual dial refusals."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from zvonar.calls.services import claim_leads, do_request_manual_call
from zvonar.campaigns.models import Lead
from zvonar.crm.models import BlacklistEntry


@pytest.fixture
def open_all_day(sales_project):
    sales_project.status = "running"
    sales_project.work_days = list(range(7))
    sales_project.work_start = sales_project.local_call_start = time(0)
    sales_project.work_end = sales_project.local_call_end = time(23, 59, 59)
    sales_project.save()
    return sales_project


def test_blacklisted_number_is_never_claimed(open_all_day, client_petrov, admin_anna):
    """A number blacklisted after import is skipped at dial time; removed entries no longer bind."""
    entry = BlacklistEntry.objects.create(number="+79123456789", reason="жалоба")
    assert claim_leads(open_all_day, 5, []) == []
    entry.removed_at = entry.created_at
    entry.save()
    claimed = claim_leads(open_all_day, 5, [])
    assert [call.number for call in claimed] == ["+79123456789"]
    assert Lead.objects.get(contact=client_petrov).state == "in_call"


def test_claimed_lead_is_not_claimed_twice(open_all_day, client_petrov):
    """A lead in a call is not picked again while its call runs."""
    assert len(claim_leads(open_all_day, 5, [])) == 1
    assert claim_leads(open_all_day, 5, []) == []


def test_manual_dial_to_blacklisted_number_is_refused(open_all_day, operator_olga):
    """A manual dial to a blacklisted number is refused with a clear message."""
    BlacklistEntry.objects.create(number="+74951234567", project=open_all_day)
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        do_request_manual_call("8 495 123-45-67", open_all_day, acting_user=operator_olga)
    assert "чёрном списке" in error.value.messages[0]


def test_manual_dial_writes_the_call_for_the_dialer(open_all_day, operator_olga):
    """A manual dial writes a call reserved for the operator and puts her in Dialing."""
    call = do_request_manual_call("+7 383 123-45-67", open_all_day, acting_user=operator_olga)
    assert (call.number, call.operator, call.state) == ("+73831234567", operator_olga, "created")
    assert operator_olga.status_log.get(ended_at=None).status == "dialing"


def test_claim_reads_further_when_the_first_candidates_may_not_be_called(open_all_day):
    """The claim reads a few candidates per call wanted; when the rules turn them all away
    (here: blacklisted, and ahead by priority) it reads on until it finds a callable lead."""
    from tests.personas import make_contact

    for index in range(30):
        number = f"+7495100{index:04d}"
        contact = make_contact(number, last_name=f"Запрещённый{index}")
        Lead.objects.create(
            project=open_all_day, contact=contact, phone=contact.phones.first(), priority=5
        )
        BlacklistEntry.objects.create(number=number, reason="просил не звонить")
    callable_ = make_contact("+74952000000", last_name="Можно")
    Lead.objects.create(project=open_all_day, contact=callable_, phone=callable_.phones.first())
    claimed = claim_leads(open_all_day, 1, [])
    assert [call.number for call in claimed] == ["+74952000000"]

"""Saving a call's card: once, whatever the page sends twice."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from zvonar.calls.models import Call
from zvonar.calls.services import CallbackRequest, CardError, do_save_call_result
from zvonar.campaigns.choices import ResultClassChoices
from zvonar.campaigns.models import CallResult
from zvonar.tasks.models import Task


@pytest.fixture
def callback_result(sales_project):
    return CallResult.objects.create(
        project=sales_project, name="Перезвонить", result_class=ResultClassChoices.CALLBACK
    )


def _save(call, result, operator, **options):
    return do_save_call_result(
        call,
        result=result,
        comment="перезвонить вечером",
        callback=CallbackRequest(due_at=timezone.now() + timedelta(hours=1), automatic=True),
        acting_user=operator,
        **options,
    )


def test_a_second_save_of_the_same_card_is_refused_and_makes_no_second_task(
    olgas_call, callback_result, operator_olga
):
    """Two saves read the call before either wrote it (a double click, two tabs): the guard is
    in the database, so the second is refused even though its object still looks unsaved."""
    stale = Call.objects.get(pk=olgas_call.pk)
    _save(olgas_call, callback_result, operator_olga)
    assert stale.wrap_up_ended_at is None
    with translation.override("ru"), pytest.raises(CardError) as error:
        _save(stale, callback_result, operator_olga)
    assert error.value.messages == ["Эта карточка уже сохранена."]
    assert Task.objects.filter(origin_call=olgas_call).count() == 1


def test_a_refused_save_leaves_the_card_open(olgas_call, callback_result, operator_olga):
    """A save that fails validation claims nothing: the operator fixes the card and saves."""
    with pytest.raises(CardError):
        do_save_call_result(olgas_call, result=callback_result, acting_user=operator_olga)
    olgas_call.refresh_from_db()
    assert olgas_call.wrap_up_ended_at is None
    _save(olgas_call, callback_result, operator_olga)
    olgas_call.refresh_from_db()
    assert olgas_call.result == callback_result
    assert olgas_call.wrap_up_ended_at is not None

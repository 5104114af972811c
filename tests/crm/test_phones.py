"""Phone normalisation: every written form to one E.164 number with its time zone."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from zvonar.crm.phones import InvalidPhone, mask_phone, normalize_phone


@pytest.mark.parametrize(
    "written", ["8 (912) 345-67-89", "+7 912 345 67 89", "9123456789", "+7(912)3456789"]
)
def test_common_russian_forms_give_one_number(written):
    """The usual Russian ways of writing a mobile number normalise to the same E.164 and zone."""
    phone = normalize_phone(written)
    assert phone.e164 == "+79123456789"
    assert phone.time_zone == "Asia/Yekaterinburg"
    assert phone.time_zone_exact
    assert phone.country == "RU"


@pytest.mark.parametrize(
    ("written", "e164", "zone"),
    [
        ("8 (495) 123-45-67", "+74951234567", "Europe/Moscow"),
        ("+7 383 123-45-67", "+73831234567", "Asia/Novosibirsk"),
        ("8 423 222 33 44", "+74232223344", "Asia/Vladivostok"),
        ("+48 22 123 45 67", "+48221234567", "Europe/Warsaw"),
    ],
)
def test_landlines_carry_their_own_zone(written, e164, zone):
    """A landline's area code decides its time zone, also abroad."""
    phone = normalize_phone(written)
    assert (phone.e164, phone.time_zone) == (e164, zone)


@pytest.mark.parametrize("written", ["12345", "+7 000 000 00 00", "телефон", "8 (912) 345-67"])
def test_invalid_phone_is_rejected_with_a_clear_message(written):
    """An invalid number raises InvalidPhone that names the number, in the user's language."""
    with translation.override("en"), pytest.raises(InvalidPhone) as error:
        normalize_phone(written)
    assert written in error.value.messages[0]
    assert "phone number" in error.value.messages[0]
    with translation.override("ru"), pytest.raises(InvalidPhone) as error:
        normalize_phone(written)
    assert "номер" in error.value.messages[0]


def test_empty_phone_is_rejected():
    """An empty cell is no phone number."""
    with translation.override("en"), pytest.raises(InvalidPhone, match="empty"):
        normalize_phone("  ")


def test_mask_keeps_only_the_last_two_digits():
    """A masked number shows no digit but the last two."""
    masked = mask_phone("+79123456789")
    assert masked.endswith("89")
    assert sum(ch.isdigit() for ch in masked) == 2


@given(st.text(max_size=40))
def test_normalisation_never_crashes(text):
    """Arbitrary text either normalises to a valid E.164 or raises InvalidPhone, nothing else."""
    try:
        phone = normalize_phone(text)
    except InvalidPhone:
        return
    assert phone.e164.startswith("+")
    assert phone.e164[1:].isdigit()
    assert phone.time_zone


@given(st.from_regex(r"\A9[0-9]{9}\Z"))
def test_any_ten_digit_mobile_round_trips(digits):
    """Ten digits starting with 9, the 8-prefixed and the +7 forms agree whenever valid."""
    try:
        plain = normalize_phone(digits)
    except InvalidPhone:
        return
    assert normalize_phone("8" + digits) == plain
    assert normalize_phone("+7 " + digits) == plain

"""Property-based tests: phone normalisation and the file reader never crash on any input."""

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zvonar.crm.importing import ImportFileError, ImportOptions, open_table
from zvonar.crm.phones import InvalidPhone, _is_valid_plus7, normalize_phone

PHONE_ALPHABET = st.sampled_from(list("0123456789 +-().#*xetдоб\u00a0/"))


@given(st.text(max_size=40) | st.text(PHONE_ALPHABET, max_size=25))
@settings(max_examples=400, deadline=None)
def test_normalize_phone_returns_e164_or_raises_invalid_phone(raw):
    """Any text either normalises to a valid E.164 number or raises InvalidPhone."""
    try:
        phone = normalize_phone(raw, with_region=False)
    except InvalidPhone as error:
        assert error.messages
    else:
        assert phone.e164.startswith("+") and phone.e164[1:].isdigit()
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone.e164))


@given(st.from_regex(r"[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["8", "+7", "7", ""]))
@settings(max_examples=300, deadline=None)
def test_fast_russian_path_agrees_with_the_full_parser(national, prefix):
    """The import's shortcut for +7 numbers gives what phonenumbers gives."""
    raw = prefix + national
    number = phonenumbers.parse("+7" + national)
    if not phonenumbers.is_valid_number(number):
        with pytest.raises(InvalidPhone):
            normalize_phone(raw, "RU", with_region=False)
        return
    phone = normalize_phone(raw, "RU", with_region=False)
    assert phone.e164 == "+7" + national
    assert phone.country == phonenumbers.region_code_for_number(number)


@given(st.from_regex(r"[0-9]{10}", fullmatch=True))
@settings(max_examples=500, deadline=None)
def test_compiled_plus7_validity_is_the_librarys(national):
    """The import's compiled +7 validity check answers as phonenumbers.is_valid_number does."""
    number = phonenumbers.PhoneNumber(country_code=7, national_number=int(national))
    expected = national[0] != "0" and phonenumbers.is_valid_number(number)
    assert _is_valid_plus7(national) == expected


def test_compiled_plus7_validity_for_every_four_digit_prefix():
    """Each of the 10,000 four-digit starts of a +7 number, as the library judges it."""
    for prefix in range(10_000):
        national = f"{prefix:04d}{prefix * 7919 % 1_000_000:06d}"
        number = phonenumbers.PhoneNumber(country_code=7, national_number=int(national))
        expected = national[0] != "0" and phonenumbers.is_valid_number(number)
        assert _is_valid_plus7(national) == expected, national


@given(st.binary(max_size=600) | st.text(max_size=300).map(lambda text: text.encode("utf-8")))
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_reader_never_crashes(tmp_path, content):
    """Any bytes named .csv are read into rows or refused with ImportFileError, nothing else."""
    path = tmp_path / "any.csv"
    path.write_bytes(content)
    try:
        _format, _header, rows = open_table(path, ImportOptions())
        for _line, cells in rows:
            assert all(isinstance(cell, str) for cell in cells)
    except ImportFileError as error:
        assert str(error)

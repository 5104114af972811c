"""Phone numbers: parse any written form into E.164 and derive region and time zone."""

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from phonenumbers import geocoder
from phonenumbers import timezone as phone_timezone

# phonenumbers gives a single zone for Russian landlines (area codes) but every Russian zone for
# mobiles. The big three operators' DEF codes were issued per macro-region, so the home zone of
# these codes is a sound first guess; other mobile codes stay "not exact" (see NormalizedPhone).
RUSSIAN_MOBILE_HOME_ZONES = {
    **dict.fromkeys(
        ("910", "911", "915", "916", "917", "918", "920", "921", "925", "926", "928", "985"),
        "Europe/Moscow",
    ),
    **dict.fromkeys(("912", "922"), "Asia/Yekaterinburg"),
    **dict.fromkeys(("913", "923"), "Asia/Novosibirsk"),
    **dict.fromkeys(("914", "924"), "Asia/Vladivostok"),
}
RUSSIAN_MOBILE_HOME_REGIONS = {
    "Europe/Moscow": ("Центральный регион", "Central Russia"),
    "Asia/Yekaterinburg": ("Урал", "Ural"),
    "Asia/Novosibirsk": ("Сибирь", "Siberia"),
    "Asia/Vladivostok": ("Дальний Восток", "Far East"),
}
UNKNOWN_ZONE = "Etc/Unknown"


@dataclass(frozen=True)
class NormalizedPhone:
    e164: str
    country: str
    region: str
    time_zone: str
    time_zone_exact: bool


class InvalidPhone(ValidationError):
    """A written phone number that is no valid number."""


def normalize_phone(
    raw: str, default_region: str | None = None, *, with_region: bool = True
) -> NormalizedPhone:
    """Parse a phone written any common way; raise InvalidPhone with a message for the user.

    with_region=False skips the (slow) geographic description, for bulk imports."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone(_("The phone number is empty."), code="empty")
    region = default_region or settings.ZVONAR_DEFAULT_PHONE_REGION
    if _PLAIN_PHONE_CHARACTERS.issuperset(text):
        digits = text.translate(_PUNCTUATION_REMOVED)  # the import's usual case, at C speed
    else:
        digits = "".join(ch for ch in text if ch.isdigit())
    if region == "RU":
        national = _russian_national_number(text, digits)
        if national is not None:
            return _normalize_russian(raw, national, with_region)
    # Russian habit: a trunk prefix 8 before ten digits means +7.
    if region == "RU" and len(digits) == 11 and digits[0] == "8" and not text.startswith("+"):
        text = "+7" + digits[1:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhone(
            _("“%(phone)s” is not a phone number.") % {"phone": raw}, code="unparsable"
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise _invalid(raw)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    country = phonenumbers.region_code_for_number(number) or ""
    time_zone, exact = _zone_of(number, e164, country)
    return NormalizedPhone(
        e164=e164,
        country=country,
        region=region_name(e164) if with_region else "",
        time_zone=time_zone,
        time_zone_exact=exact,
    )


def _invalid(raw: str) -> InvalidPhone:
    return InvalidPhone(
        _("“%(phone)s” is not a valid phone number: check the digits and the country code.")
        % {"phone": raw},
        code="invalid",
    )


def _zone_of(number, e164: str, country: str) -> tuple[str, bool]:
    zones = [zone for zone in phone_timezone.time_zones_for_number(number) if zone != UNKNOWN_ZONE]
    time_zone, exact = (zones[0], True) if len(zones) == 1 else ("", False)
    if not exact and country == "RU":
        home = RUSSIAN_MOBILE_HOME_ZONES.get(e164[2:5])
        # An unknown Russian mobile code: Moscow time is the law's reference, and the scheduler
        # treats a not-exact zone conservatively.
        time_zone, exact = (home, True) if home else ("Europe/Moscow", False)
    elif not exact and zones:
        time_zone = zones[0]
    return time_zone, exact


_PLAIN_PHONE_CHARACTERS = frozenset("0123456789 ()-.+\u00a0")
_PUNCTUATION_REMOVED = str.maketrans("", "", " ()-.+\u00a0")


def _russian_national_number(text: str, digits: str) -> str | None:
    """The ten national digits of a plainly written +7 number, or None for the full parser."""
    if not _PLAIN_PHONE_CHARACTERS.issuperset(text) or "+" in text[1:]:
        return None
    if len(digits) == 11 and (digits[0] == "7" or (digits[0] == "8" and text[0] != "+")):
        return digits[1:]
    if len(digits) == 10 and text[0] != "+":
        return digits
    return None


@lru_cache(maxsize=200_000)
def _russian_prefix(prefix: str) -> tuple[str, str, bool]:
    # Country and zone of a +7 number follow from its first national digits; validity does not
    # always (e.g. 930…), so it is checked per number.
    number = phonenumbers.parse("+7" + prefix + "0" * (10 - len(prefix)), None)
    country = phonenumbers.region_code_for_number(number) or ""
    time_zone, exact = _zone_of(number, "+7" + prefix, country)
    return country, time_zone, exact


_TYPE_DESCS = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


def _desc_pattern(desc, length: int) -> str | None:
    if desc is None or not desc.national_number_pattern:
        return None
    if desc.possible_length and length not in desc.possible_length:
        return None
    return desc.national_number_pattern


@lru_cache(maxsize=1)
def _plus7_rules() -> list[tuple[re.Pattern | None, re.Pattern | None, re.Pattern | None]]:
    """Per region of +7 (Russia, Kazakhstan), in phonenumbers' order: its leading digits, its
    general pattern and one pattern for all of its number types, for ten-digit numbers."""
    rules = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[7]:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        general = _desc_pattern(metadata.general_desc, 10)
        types = [_desc_pattern(getattr(metadata, name), 10) for name in _TYPE_DESCS]
        combined = "|".join(f"(?:{pattern})" for pattern in types if pattern)
        rules.append(
            (
                re.compile(metadata.leading_digits) if metadata.leading_digits else None,
                re.compile(general) if general else None,
                re.compile(combined) if combined else None,
            )
        )
    return rules


def _is_valid_plus7(national: str) -> bool:
    """phonenumbers.is_valid_number for +7 and ten national digits, with the patterns compiled
    once: the library walks every number type with a regex each, per number (7 µs against
    0.9 µs; about 6 CPU-seconds of a million-row import). Same answers: tests compare it with
    the library."""
    if national[0] == "0":
        return False
    for leading, general, types in _plus7_rules():
        valid = bool(
            general and types and general.fullmatch(national) and types.fullmatch(national)
        )
        if leading is not None:
            if leading.match(national):
                return valid  # the library picks this region by its leading digits
        elif valid:
            return True
    return False


def _normalize_russian(raw: str, national: str, with_region: bool) -> NormalizedPhone:
    # The import's hot path: a plainly written Russian number skips the general parser.
    if not _is_valid_plus7(national):
        raise _invalid(raw)
    country, time_zone, exact = _russian_prefix(national[:5])
    e164 = "+7" + national
    return NormalizedPhone(
        e164=e164,
        country=country,
        region=region_name(e164) if with_region else "",
        time_zone=time_zone,
        time_zone_exact=exact,
    )


def format_phone(e164: str) -> str:
    """The international written form of an E.164 number, for display."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def mask_phone(e164: str) -> str:
    """A number with every digit but the last two hidden, for users who may not see numbers."""
    written = format_phone(e164)
    total = sum(ch.isdigit() for ch in written)
    seen = 0
    masked = []
    for ch in written:
        if ch.isdigit():
            seen += 1
            masked.append(ch if seen > total - 2 else "•")
        else:
            masked.append(ch)
    return "".join(masked)


@lru_cache(maxsize=4096)
def _describe_cached(e164: str, language: str) -> str:
    number = phonenumbers.parse(e164, None)
    home = RUSSIAN_MOBILE_HOME_ZONES.get(e164[2:5]) if e164.startswith("+79") else None
    if home:
        ru, en = RUSSIAN_MOBILE_HOME_REGIONS[home]
        return ru if language == "ru" else en
    return geocoder.description_for_number(number, language) or geocoder.description_for_number(
        number, "en"
    )


def region_name(e164: str) -> str:
    """The region of a number in the active language (e.g. “Новосибирская обл.”)."""
    try:
        return _describe_cached(e164, (translation.get_language() or "ru")[:2])
    except phonenumbers.NumberParseException:
        return ""

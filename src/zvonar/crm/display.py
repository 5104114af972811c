"""How a phone number is shown to a user: in full, or masked when their numbers are hidden."""

from zvonar.crm.phones import format_phone, mask_phone


def phones_hidden_for(user) -> bool:
    return bool(getattr(user, "phones_hidden", False)) and not getattr(user, "is_admin", False)


def phone_for(user, e164: str) -> str:
    """The number as this user may see it; the only way pages, API and exports show numbers."""
    if not e164:
        return ""
    return mask_phone(e164) if phones_hidden_for(user) else format_phone(e164)

"""Template filter that shows a phone number as the viewing user may see it."""

from django import template

from zvonar.crm.display import phone_for

register = template.Library()


@register.filter
def phone(number: str, user) -> str:
    return phone_for(user, number)

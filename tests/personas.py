"""Helpers that make the people and things tests talk about."""

from django.test import Client

from zvonar.accounts.models import User
from zvonar.campaigns.choices import MembershipRoleChoices
from zvonar.campaigns.models import Project, ProjectMembership
from zvonar.crm.models import Contact, Phone
from zvonar.crm.phones import normalize_phone

PASSWORD = "correct horse battery staple"


def make_user(username: str, **fields) -> User:
    user = User(username=username, email=f"{username}@example.test", **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_contact(number: str, **fields) -> Contact:
    contact = Contact.objects.create(**fields)
    normalized = normalize_phone(number)
    Phone.objects.create(
        contact=contact,
        number=normalized.e164,
        country=normalized.country,
        time_zone=normalized.time_zone,
        time_zone_exact=normalized.time_zone_exact,
        is_primary=True,
    )
    return contact


def add_member(project: Project, user: User, role=MembershipRoleChoices.OPERATOR) -> None:
    ProjectMembership.objects.create(project=project, user=user, role=role)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client

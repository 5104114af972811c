"""Changes to the contact base: blacklist, merge, bulk operations, imports, saved preferences."""

import threading

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zvonar.crm.models import (
    BlacklistEntry,
    Contact,
    ContactMergeLog,
    Email,
    ImportJob,
    Phone,
    SavedFilter,
    UserTablePreference,
)
from zvonar.crm.phones import format_phone, normalize_phone
from zvonar.crm.queries import is_blacklisted

MERGE_FIELDS = [
    "kind",
    "last_name",
    "first_name",
    "middle_name",
    "company_name",
    "company",
    "position",
    "address",
    "city",
    "comment",
    "category",
    "responsible",
    "source",
]


def may_manage_base(user) -> bool:
    """Admins and supervisors import, merge, blacklist and change contacts in bulk."""
    from zvonar.campaigns.queries import is_supervisor

    return user.is_authenticated and (user.is_admin or is_supervisor(user))


# ---------------------------------------------------------------- blacklist


def check_dial_allowed(number: str, project=None) -> None:
    """Raise ValidationError when the number may not be dialed (globally or in the project).

    The dialer calls this at dial time and the workplace before a manual dial."""
    if is_blacklisted(number, project):
        raise ValidationError(
            _("The number %(number)s is in the blacklist: it may not be called.")
            % {"number": format_phone(number)},
            code="blacklisted",
        )


def do_add_to_blacklist(raw_number: str, *, project=None, reason: str = "", acting_user):
    """Add a number written in any form; an already active entry is returned unchanged."""
    number = normalize_phone(raw_number, with_region=False).e164
    existing = BlacklistEntry.objects.active().filter(number=number, project=project).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return BlacklistEntry.objects.create(
                number=number, project=project, reason=reason, created_by=acting_user
            )
    except IntegrityError:  # added by someone else in the same instant
        return BlacklistEntry.objects.active().get(number=number, project=project)


def do_remove_from_blacklist(entry: BlacklistEntry, *, reason: str, acting_user) -> None:
    """Deactivate the entry; it stays as the log of who removed it, when and why."""
    entry.removed_at = timezone.now()
    entry.removed_by = acting_user
    entry.removal_reason = reason
    entry.save(update_fields=["removed_at", "removed_by", "removal_reason"])


def do_import_blacklist(lines, *, project=None, reason: str = "", acting_user) -> dict:
    """Add every number of a text list (one a line, or the first cell of a CSV line)."""
    from zvonar.crm.phones import InvalidPhone

    added, invalid = 0, []
    for line in lines:
        raw = line.replace(",", ";").split(";")[0].strip()
        if not raw:
            continue
        try:
            before = BlacklistEntry.objects.active().count()
            do_add_to_blacklist(raw, project=project, reason=reason, acting_user=acting_user)
            added += BlacklistEntry.objects.active().count() - before
        except InvalidPhone:
            invalid.append(raw)
    return {"added": added, "invalid": invalid}


# ---------------------------------------------------------------- merge


def merge_choices_form_fields(first: Contact, second: Contact) -> list[dict]:
    """The fields in which the two cards differ, each with both values, for the merge screen."""
    conflicts = []
    for name in MERGE_FIELDS:
        left, right = getattr(first, name), getattr(second, name)
        if left != right and left not in (None, "") and right not in (None, ""):
            label = Contact._meta.get_field(name).verbose_name
            conflicts.append({"name": name, "label": label, "first": left, "second": right})
    codes = sorted(set(first.custom_fields) | set(second.custom_fields))
    for code in codes:
        left, right = first.custom_fields.get(code), second.custom_fields.get(code)
        if left != right and left not in (None, "") and right not in (None, ""):
            conflicts.append(
                {"name": f"custom:{code}", "label": code, "first": left, "second": right}
            )
    return conflicts


@transaction.atomic
def do_merge_contacts(survivor: Contact, other: Contact, *, choices: dict, acting_user):
    """Merge `other` into `survivor`: conflicts as chosen ("first" keeps the survivor's value,
    "second" takes the other's), empty fields filled, phones, e-mails, tags, leads, calls and
    tasks moved; `other` keeps existing with merged_into so its links lead to the survivor."""
    from zvonar.calls.models import Call
    from zvonar.campaigns.models import Lead
    from zvonar.tasks.models import Task

    if survivor.pk == other.pk:
        raise ValidationError(_("A card cannot be merged with itself."))
    snapshot = {name: _plain(getattr(other, name)) for name in MERGE_FIELDS}
    snapshot["custom_fields"] = other.custom_fields
    snapshot["phones"] = list(other.phones.values_list("number", flat=True))
    changed = set()
    for name in MERGE_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(other, name)
        if theirs in (None, ""):
            continue
        if mine in (None, "") or choices.get(name) == "second":
            setattr(survivor, name, theirs)
            changed.add(name)
    for code, theirs in other.custom_fields.items():
        mine = survivor.custom_fields.get(code)
        if theirs not in (None, "") and (
            mine in (None, "") or choices.get(f"custom:{code}") == "second"
        ):
            survivor.custom_fields[code] = theirs
            changed.add("custom_fields")
    if changed:
        survivor.save(update_fields=[*changed, "updated_at"])

    numbers = set(survivor.phones.values_list("number", flat=True))
    for phone in other.phones.all():
        if phone.number in numbers:
            Lead.objects.filter(phone=phone).update(
                phone=survivor.phones.filter(number=phone.number).first()
            )
            phone.delete()
        else:
            phone.contact = survivor
            phone.is_primary = False
            phone.save(update_fields=["contact", "is_primary"])
    addresses = {address.lower() for address in survivor.emails.values_list("address", flat=True)}
    for email in other.emails.all():
        if email.address.lower() in addresses:
            email.delete()
        else:
            Email.objects.filter(pk=email.pk).update(contact=survivor, is_primary=False)
    survivor.tags.add(*other.tags.all())

    # One lead per project: where both cards were in a project the survivor's lead stays
    # and the other's calls point to it.
    survivor_leads = dict(survivor.leads.values_list("project_id", "pk"))
    for lead in other.leads.all():
        if lead.project_id in survivor_leads:
            Call.objects.filter(lead=lead).update(lead_id=survivor_leads[lead.project_id])
            lead.delete()
        else:
            Lead.objects.filter(pk=lead.pk).update(contact=survivor)
    Call.objects.filter(contact=other).update(contact=survivor)
    Task.objects.filter(contact=other).update(contact=survivor)
    Contact.objects.filter(company=other).update(company=survivor)
    Contact.objects.filter(merged_into=other).update(merged_into=survivor)
    other.merged_into = survivor
    other.save(update_fields=["merged_into", "updated_at"])
    return ContactMergeLog.objects.create(
        survivor=survivor,
        merged_contact_id=other.pk,
        choices=choices,
        merged_values=snapshot,
        merged_by=acting_user,
    )


def _plain(value):
    if hasattr(value, "pk"):
        return value.pk
    return value


def find_duplicates(contacts: QuerySet[Contact], limit: int = 200) -> list[dict]:
    """Groups of visible cards sharing a phone number, then cards with the same name and company."""
    from django.db.models import Count

    from zvonar.crm.lookups import ContactNameText
    from zvonar.crm.lookups import UnicodeLower as Lower

    groups = []
    shared = (
        Phone.objects.filter(contact__in=contacts)
        .values("number")
        .annotate(cards=Count("contact", distinct=True))
        .filter(cards__gt=1)
        .order_by("number")[:limit]
    )
    for row in shared:
        members = list(contacts.filter(phones__number=row["number"]).distinct()[:10])
        groups.append(
            {"reason": _("Same phone"), "key": format_phone(row["number"]), "contacts": members}
        )
    same_name = (
        contacts.exclude(last_name="")
        .annotate(l=Lower("last_name"), f=Lower("first_name"), c=Lower("company_name"))
        .values("l", "f", "c")
        .annotate(cards=Count("id"))
        .filter(cards__gt=1)
        .order_by("l", "f")[:limit]
    )
    for row in same_name:
        candidates = (
            contacts.alias(name_text=ContactNameText())
            .filter(name_text__ucontains=row["l"])
            .filter(name_text__ucontains=row["f"])
            .alias(l=Lower("last_name"), f=Lower("first_name"), c=Lower("company_name"))
            .filter(l=row["l"], f=row["f"], c=row["c"])
            .order_by("pk")[:50]
        )
        members = [
            contact
            for contact in candidates
            if (contact.last_name.lower(), contact.first_name.lower(), contact.company_name.lower())
            == (row["l"], row["f"], row["c"])
        ][:10]
        key = " ".join(part for part in (row["l"], row["f"], row["c"]) if part).title()
        groups.append({"reason": _("Same name and company"), "key": key, "contacts": members})
    return groups


# ---------------------------------------------------------------- bulk operations


def _require_manager(acting_user) -> None:
    if not may_manage_base(acting_user):
        raise PermissionDenied


def do_set_category(contacts: QuerySet[Contact], category, *, acting_user) -> int:
    _require_manager(acting_user)
    return Contact.objects.filter(pk__in=contacts.values("pk")).update(
        category=category, updated_at=timezone.now()
    )


def do_assign_responsible(contacts: QuerySet[Contact], responsible, *, acting_user) -> int:
    _require_manager(acting_user)
    return Contact.objects.filter(pk__in=contacts.values("pk")).update(
        responsible=responsible, updated_at=timezone.now()
    )


def do_add_contacts_to_project(contacts: QuerySet[Contact], project, *, acting_user) -> dict:
    """Leads for the contacts with a phone that are not yet in the project."""
    from zvonar.campaigns.models import Lead

    _require_manager(acting_user)
    ids = set(contacts.values_list("pk", flat=True))
    already = set(
        Lead.objects.filter(project=project, contact_id__in=ids).values_list(
            "contact_id", flat=True
        )
    )
    phone_of: dict[int, int] = {}
    for contact_id, phone_id in (
        Phone.objects.filter(contact_id__in=ids - already)
        .order_by("-is_primary", "id")
        .values_list("contact_id", "id")
    ):
        phone_of.setdefault(contact_id, phone_id)
    Lead.objects.bulk_create(
        [Lead(project=project, contact_id=pk, phone_id=phone) for pk, phone in phone_of.items()],
        batch_size=2000,
    )
    return {
        "added": len(phone_of),
        "already": len(already),
        "no_phone": len(ids - already - phone_of.keys()),
    }


def do_blacklist_contacts(
    contacts: QuerySet[Contact], *, project=None, reason="", acting_user
) -> int:
    _require_manager(acting_user)
    added = 0
    for number in (
        Phone.objects.filter(contact__in=contacts.values("pk"))
        .values_list("number", flat=True)
        .distinct()
    ):
        if not is_blacklisted(number, project):
            do_add_to_blacklist(number, project=project, reason=reason, acting_user=acting_user)
            added += 1
    return added


def do_delete_contacts(contacts: QuerySet[Contact], *, acting_user) -> int:
    """Soft delete: the cards disappear from lists and dialing and can be restored."""
    _require_manager(acting_user)
    return Contact.objects.filter(pk__in=contacts.values("pk")).update(deleted_at=timezone.now())


def do_restore_contacts(contacts: QuerySet[Contact], *, acting_user) -> int:
    _require_manager(acting_user)
    return Contact.objects.filter(pk__in=contacts.values("pk")).update(deleted_at=None)


def deleted_contacts_visible_to(user) -> QuerySet[Contact]:
    if not may_manage_base(user):
        return Contact.objects.none()
    deleted = Contact.objects.filter(merged_into=None).exclude(deleted_at=None)
    if user.is_admin:
        return deleted
    return deleted.filter(
        Q(leads__project__memberships__user=user) | Q(responsible=user) | Q(created_by=user)
    ).distinct()


# ---------------------------------------------------------------- preferences


def do_save_table_columns(user, table: str, columns: list[str]) -> None:
    UserTablePreference.objects.update_or_create(
        user=user, table=table, defaults={"columns": columns}
    )


def do_save_filter(user, *, name: str, query: str, shared: bool = False) -> SavedFilter:
    return SavedFilter.objects.create(user=user, name=name, query=query, shared=shared)


def saved_filters_for(user) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(Q(user=user) | Q(shared=True))


# ---------------------------------------------------------------- imports


def do_start_import(*, uploaded_path: str, original_name: str, options: dict, acting_user):
    """Create the job and start it in a thread once the transaction commits."""
    _require_manager(acting_user)
    job = ImportJob.objects.create(
        original_name=original_name, options=options, created_by=acting_user
    )
    job.file.name = uploaded_path
    job.save(update_fields=["file"])
    transaction.on_commit(lambda: start_import_thread(job.pk))
    return job


def start_import_thread(job_id: int) -> None:
    from django.db import connection

    from zvonar.crm.importing import run_import_job

    def run() -> None:
        try:
            run_import_job(job_id)
        finally:
            connection.close()

    threading.Thread(target=run, name=f"import-{job_id}", daemon=True).start()


# ---------------------------------------------------------------- inline edit

INLINE_FIELDS = ("city", "address", "position", "company_name", "comment", "source")


def may_edit_contact(user) -> bool:
    return user.is_authenticated and (user.is_admin or user.may_edit_card)


def do_update_contact_field(contact: Contact, field: str, value: str, *, acting_user) -> None:
    """Change one plain text field of a card (the list's inline edit)."""
    if field not in INLINE_FIELDS or not may_edit_contact(acting_user):
        raise PermissionDenied
    limit = Contact._meta.get_field(field).max_length
    setattr(contact, field, value.strip()[:limit] if limit else value.strip())
    contact.save(update_fields=[field, "updated_at"])

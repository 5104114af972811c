"""Pages of the contact base: list, card, import wizard, merge, blacklist, deleted contacts."""

import csv
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from zvonar.accounts.choices import SectionChoices
from zvonar.accounts.mixins import SectionRequiredMixin
from zvonar.calls.queries import calls_visible_to
from zvonar.campaigns.queries import projects_supervised_by
from zvonar.crm import services
from zvonar.crm.display import phone_for
from zvonar.crm.filtersets import ContactFilterSet
from zvonar.crm.forms import (
    BlacklistEntryForm,
    BlacklistImportForm,
    BlacklistRemoveForm,
    ContactBulkForm,
    ContactImportForm,
    ContactImportSettingsForm,
    SavedFilterForm,
)
from zvonar.crm.importing import (
    ImportFileError,
    ImportOptions,
    check_mapping,
    escape_formula,
    field_choices,
    guess_mapping,
    preview,
)
from zvonar.crm.models import Contact, ImportJob, SavedFilter
from zvonar.crm.queries import (
    access_contact,
    blacklist_visible_to,
    contacts_visible_to,
    is_blacklisted,
)
from zvonar.crm.tables import (
    CappedPaginator,
    ContactTable,
    DeletedContactTable,
    chosen_columns,
    narrow_to_matches,
)
from zvonar.tasks.queries import tasks_visible_to

SESSION_KEY = "crm_import"


class ManagerRequiredMixin(SectionRequiredMixin):
    """Pages that change the base in bulk: admins and supervisors."""

    section = SectionChoices.CONTACTS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.may_manage_base(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ContactListView(SectionRequiredMixin, SingleTableMixin, FilterView):
    section = SectionChoices.CONTACTS
    template_name = "crm/contact_list.html"
    table_class = ContactTable
    filterset_class = ContactFilterSet
    paginate_by = 50

    def get_queryset(self):
        return (
            contacts_visible_to(self.request.user)
            .select_related("category", "responsible")
            .prefetch_related("phones", "tags")
        )

    def paginate_queryset(self, queryset, page_size):
        # The table pages the list (with a capped count); the list view's own paging would
        # count every match once more.
        return None, None, queryset, False

    def get_table_data(self):
        data, self.match_count = narrow_to_matches(self.object_list, self.get_queryset())
        return data

    def get_table_pagination(self, table):
        return {
            "per_page": self.paginate_by,
            "paginator_class": CappedPaginator,
            "count": self.match_count,
        }

    def get_table_kwargs(self):
        return {"user": self.request.user, "columns": chosen_columns(self.request.user)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            saved_filters=services.saved_filters_for(user),
            save_filter_form=SavedFilterForm(),
            bulk_form=ContactBulkForm(
                contacts=Contact.objects.none(),
                users=_operators(),
                projects=projects_supervised_by(user),
            ),
            may_manage=services.may_manage_base(user),
            all_columns=ContactTable.column_choices(),
            shown_columns=chosen_columns(user),
            query_string=self.request.GET.urlencode(),
        )
        return context


def _operators():
    from zvonar.accounts.models import User

    return User.objects.filter(is_active=True).order_by("username")


class ContactColumnsView(SectionRequiredMixin, View):
    section = SectionChoices.CONTACTS

    def post(self, request):
        valid = {code for code, _label in ContactTable.column_choices()}
        columns = [code for code in request.POST.getlist("columns") if code in valid]
        services.do_save_table_columns(request.user, "contacts", columns or ["name", "phone"])
        return redirect(reverse("crm:contact_list") + "?" + request.POST.get("query", ""))


class SavedFilterCreateView(SectionRequiredMixin, View):
    section = SectionChoices.CONTACTS

    def post(self, request):
        form = SavedFilterForm(request.POST)
        query = request.POST.get("query", "")
        if form.is_valid():
            services.do_save_filter(
                request.user,
                name=form.cleaned_data["name"],
                query=query,
                shared=form.cleaned_data["shared"] and services.may_manage_base(request.user),
            )
            messages.success(request, _("The filter is saved."))
        return redirect(reverse("crm:contact_list") + "?" + query)


class SavedFilterDeleteView(SectionRequiredMixin, View):
    section = SectionChoices.CONTACTS

    def post(self, request, pk):
        get_object_or_404(SavedFilter, pk=pk, user=request.user).delete()
        return redirect("crm:contact_list")


class ContactBulkView(SectionRequiredMixin, View):
    """One action on the selected contacts or on the whole filtered list."""

    section = SectionChoices.CONTACTS

    def post(self, request):
        user = request.user
        query = request.POST.get("query", "")
        from django.http import QueryDict

        visible = contacts_visible_to(user)
        form = ContactBulkForm(
            request.POST,
            contacts=visible,
            users=_operators(),
            projects=projects_supervised_by(user),
        )
        back = reverse("crm:contact_list") + "?" + query
        if not form.is_valid():
            messages.error(request, _("Choose an action and the contacts."))
            return redirect(back)
        data = form.cleaned_data
        if data["scope"] == "all":
            contacts = ContactFilterSet(QueryDict(query), queryset=visible, request=request).qs
        else:
            contacts = visible.filter(pk__in=[contact.pk for contact in data["pk"]])
        action = data["action"]
        if action in ("export_csv", "export_xlsx"):
            return export_contacts(user, contacts, action == "export_xlsx")
        try:
            message = self.apply(action, contacts, data, user)
        except PermissionDenied:
            messages.error(request, _("You may not change contacts in bulk."))
            return redirect(back)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(back)
        messages.success(request, message)
        return redirect(back)

    def apply(self, action, contacts, data, user) -> str:
        if action == "set_category":
            count = services.do_set_category(contacts, data["category"], acting_user=user)
        elif action == "set_responsible":
            count = services.do_assign_responsible(contacts, data["responsible"], acting_user=user)
        elif action == "add_to_project":
            if data["project"] is None:
                raise ValidationError(_("Choose the project."))
            result = services.do_add_contacts_to_project(
                contacts, data["project"], acting_user=user
            )
            return (
                _(
                    "Added to the project: %(added)s; already there: %(already)s; "
                    "without a phone: %(no_phone)s."
                )
                % result
            )
        elif action == "blacklist":
            count = services.do_blacklist_contacts(contacts, acting_user=user)
        else:
            if not data["confirm"]:
                raise ValidationError(_("Tick the confirmation to delete contacts."))
            count = services.do_delete_contacts(contacts, acting_user=user)
        return _("Done for %(count)s.") % {"count": count}


EXPORT_HEADER = [
    ("name", "Name"),
    ("phones", "Phones"),
    ("emails", "E-mails"),
    ("company", "Company"),
    ("position", "Position"),
    ("address", "Address"),
    ("city", "City"),
    ("category", "Category"),
    ("responsible", "Responsible"),
    ("tags", "Tags"),
    ("comment", "Comment"),
    ("created", "Created"),
]


def export_rows(user, contacts):
    """The header then one row per contact, numbers as the user may see them."""
    yield [_(label) for _code, label in EXPORT_HEADER]
    for contact in (
        contacts.select_related("category", "responsible")
        .prefetch_related("phones", "emails", "tags")
        .iterator(chunk_size=2000)
    ):
        yield [
            escape_formula(value)
            for value in (
                contact.display_name,
                ", ".join(phone_for(user, phone.number) for phone in contact.phones.all()),
                ", ".join(email.address for email in contact.emails.all()),
                contact.company_name,
                contact.position,
                contact.address,
                contact.city,
                contact.category or "",
                contact.responsible or "",
                ", ".join(tag.name for tag in contact.tags.all()),
                contact.comment,
                timezone.localtime(contact.created_at).strftime("%d.%m.%Y %H:%M"),
            )
        ]


def export_contacts(user, contacts, xlsx: bool) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if not xlsx:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="contacts-{stamp}.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 only with the BOM
        writer = csv.writer(response, delimiter=";")
        writer.writerows(export_rows(user, contacts))
        return response
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in export_rows(user, contacts):
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"contacts-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class ContactDetailView(SectionRequiredMixin, DetailView):
    section = SectionChoices.CONTACTS
    template_name = "crm/contact_detail.html"
    context_object_name = "contact"

    def get_queryset(self):
        return contacts_visible_to(self.request.user).select_related(
            "category", "responsible", "company"
        )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A merged card's address keeps working: it leads to the card it was merged into.
            contact = Contact.objects.filter(pk=kwargs["pk"]).exclude(merged_into=None).first()
            seen = set()
            while contact is not None and contact.merged_into_id and contact.pk not in seen:
                seen.add(contact.pk)
                contact = contact.merged_into
            if contact is not None and contacts_visible_to(request.user).filter(pk=contact.pk):
                return redirect("crm:contact_detail", pk=contact.pk)
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contact = self.object
        user = self.request.user
        phones = list(contact.phones.all())
        for phone in phones:
            phone.blacklisted = is_blacklisted(phone.number)
        context.update(
            phones=phones,
            calls=calls_visible_to(user)
            .filter(contact=contact)
            .select_related("operator", "result", "project")[:50],
            tasks=tasks_visible_to(user).filter(contact=contact).select_related("assignee"),
            leads=contact.leads.select_related("project", "last_result"),
            merges=contact.merge_logs.select_related("merged_by"),
        )
        return context


class ContactInlineEditView(SectionRequiredMixin, View):
    """One cell of the list: GET gives its input, POST saves it and gives the cell back."""

    section = SectionChoices.CONTACTS

    def dispatch(self, request, *args, **kwargs):
        if kwargs["field"] not in services.INLINE_FIELDS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk, field):
        contact = access_contact(request.user, pk)
        if not services.may_edit_contact(request.user):
            raise PermissionDenied
        return render(
            request,
            "crm/inline_edit.html",
            {"contact": contact, "field": field, "value": getattr(contact, field)},
        )

    def post(self, request, pk, field):
        contact = access_contact(request.user, pk)
        services.do_update_contact_field(
            contact, field, request.POST.get("value", ""), acting_user=request.user
        )
        return render(
            request,
            "crm/inline_cell.html",
            {"contact": contact, "field": field, "value": getattr(contact, field)},
        )


# ---------------------------------------------------------------- import wizard


class ContactImportView(ManagerRequiredMixin, View):
    """Step 1: upload. The file is kept aside; nothing is written to the base."""

    template_name = "crm/import_upload.html"

    def get(self, request):
        jobs = ImportJob.objects.filter(created_by=request.user)[:10]
        return render(request, self.template_name, {"form": ContactImportForm(), "jobs": jobs})

    def post(self, request):
        form = ContactImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "jobs": []})
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()[:6] or ".csv"
        relative = f"imports/upload-{uuid.uuid4().hex}{suffix}"
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        request.session[SESSION_KEY] = {"path": relative, "name": upload.name}
        return redirect("crm:import_settings")


class ContactImportSettingsView(ManagerRequiredMixin, View):
    """Step 2: encoding, delimiter, mapping, target, duplicates; preview; then confirm."""

    template_name = "crm/import_settings.html"

    def upload(self, request):
        upload = request.session.get(SESSION_KEY)
        if not upload or not (Path(settings.MEDIA_ROOT) / upload["path"]).exists():
            raise Http404
        return upload, Path(settings.MEDIA_ROOT) / upload["path"]

    def get(self, request):
        upload, path = self.upload(request)
        options = ImportOptions()
        return self.render_page(request, upload, path, options, data=None)

    def post(self, request):
        upload, path = self.upload(request)
        options = ImportOptions(
            encoding=request.POST.get("encoding", "auto"),
            delimiter=request.POST.get("delimiter", "auto"),
            has_header=bool(request.POST.get("has_header")),
        )
        return self.render_page(request, upload, path, options, data=request.POST)

    def render_page(self, request, upload, path, options, data):
        context = {"upload": upload}
        try:
            file_format, header, rows = preview(path, options)
        except ImportFileError as error:
            context["file_error"] = str(error)
            form = ContactImportSettingsForm(
                data,
                initial={
                    "encoding": options.encoding,
                    "delimiter": options.delimiter,
                    "has_header": True,
                    "policy": "skip",
                },
                projects=projects_supervised_by(request.user),
            )
            context["form"] = form
            return render(request, self.template_name, context)
        initial = {
            "encoding": options.encoding,
            "delimiter": options.delimiter,
            "has_header": options.has_header,
            "policy": "skip",
        }
        for index, code in enumerate(guess_mapping(header)):
            initial[f"column_{index}"] = code
        form = ContactImportSettingsForm(
            data,
            initial=initial,
            header=header,
            field_choices=field_choices(),
            projects=projects_supervised_by(request.user),
        )
        context.update(form=form, file_format=file_format, header=header)
        if data is not None and form.is_valid():
            options.mapping = form.mapping()
            options.policy = form.cleaned_data["policy"]
            options.category_id = getattr(form.cleaned_data["category"], "pk", None)
            options.project_id = getattr(form.cleaned_data["project"], "pk", None)
            try:
                check_mapping(options.mapping)
            except ImportFileError as error:
                context["file_error"] = str(error)
                return render(request, self.template_name, context)
            if "confirm" in data:
                options.encoding, options.delimiter = (
                    file_format.encoding or "auto",
                    file_format.delimiter or "auto",
                )
                job = services.do_start_import(
                    uploaded_path=upload["path"],
                    original_name=upload["name"],
                    options=options.as_dict(),
                    acting_user=request.user,
                )
                request.session.pop(SESSION_KEY, None)
                return redirect("crm:import_job", pk=job.pk)
            _format, _header, rows = preview(path, options)
            context["rows"] = [
                {"row": row, "cells": row.cells + [""] * (len(header) - len(row.cells))}
                for row in rows
            ]
            context["previewed"] = True
        return render(request, self.template_name, context)


class ImportJobView(ManagerRequiredMixin, DetailView):
    """The progress and the result of an import; the page polls itself while it runs."""

    template_name = "crm/import_job.html"
    context_object_name = "job"

    def get_queryset(self):
        jobs = ImportJob.objects.all()
        return jobs if self.request.user.is_admin else jobs.filter(created_by=self.request.user)

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["crm/import_job_progress.html"]
        return [self.template_name]


class ImportRejectedView(ImportJobView):
    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if not job.rejected_file:
            raise Http404
        return FileResponse(
            job.rejected_file.open("rb"),
            as_attachment=True,
            filename=f"rejected-{job.pk}.csv",
            content_type="text/csv; charset=utf-8",
        )


SAMPLES = {
    "persons": [
        ["Фамилия", "Имя", "Отчество", "Телефон", "Телефон", "E-mail", "Город", "Теги"],
        [
            "Петров",
            "Пётр",
            "Петрович",
            "+7 912 345-67-89",
            "8 (495) 123-45-67",
            "petrov@example.ru",
            "Москва",
            "VIP",
        ],
    ],
    "companies": [
        ["Компания", "Телефон компании", "ФИО", "Должность", "Телефон", "E-mail"],
        [
            "ООО Ромашка",
            "+7 495 123-45-67",
            "Петров Пётр Петрович",
            "Директор",
            "+7 912 345-67-89",
            "petrov@romashka.ru",
        ],
    ],
}


def import_sample(request, kind):
    if kind not in SAMPLES:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sample-{kind}.csv"'
    response.write("\ufeff")
    csv.writer(response, delimiter=";").writerows(SAMPLES[kind])
    return response


# ---------------------------------------------------------------- merge and duplicates


class DuplicateListView(ManagerRequiredMixin, View):
    def get(self, request):
        groups = services.find_duplicates(contacts_visible_to(request.user))
        return render(request, "crm/duplicate_list.html", {"groups": groups})


class ContactMergeView(ManagerRequiredMixin, View):
    """Two cards side by side; the user picks the value of each conflicting field."""

    def contacts(self, request):
        visible = contacts_visible_to(request.user)
        try:
            first = get_object_or_404(visible, pk=int(request.GET.get("first", 0)))
            second = get_object_or_404(visible, pk=int(request.GET.get("second", 0)))
        except ValueError as error:
            raise Http404 from error
        if first.pk == second.pk:
            raise Http404
        return first, second

    def get(self, request):
        first, second = self.contacts(request)
        return render(
            request,
            "crm/contact_merge.html",
            {
                "first": first,
                "second": second,
                "conflicts": services.merge_choices_form_fields(first, second),
                "first_phones": [phone_for(request.user, p.number) for p in first.phones.all()],
                "second_phones": [phone_for(request.user, p.number) for p in second.phones.all()],
            },
        )

    def post(self, request):
        first, second = self.contacts(request)
        choices = {
            item["name"]: request.POST.get(f"choice_{item['name']}", "first")
            for item in services.merge_choices_form_fields(first, second)
        }
        services.do_merge_contacts(first, second, choices=choices, acting_user=request.user)
        messages.success(request, _("The cards are merged."))
        return redirect("crm:contact_detail", pk=first.pk)


# ---------------------------------------------------------------- blacklist


class BlacklistListView(SectionRequiredMixin, ListView):
    section = SectionChoices.CONTACTS
    template_name = "crm/blacklist.html"
    context_object_name = "entries"
    paginate_by = 100

    def get_queryset(self):
        entries = blacklist_visible_to(self.request.user).select_related("project", "created_by")
        if number := self.request.GET.get("number", "").strip():
            digits = "".join(ch for ch in number if ch.isdigit())
            entries = entries.filter(number__contains=digits)
        return entries

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        projects = projects_supervised_by(self.request.user)
        context.update(
            form=BlacklistEntryForm(projects=projects),
            import_form=BlacklistImportForm(projects=projects),
            may_manage=services.may_manage_base(self.request.user),
            removed=(
                removed_blacklist_entries(self.request.user)
                if services.may_manage_base(self.request.user)
                else []
            ),
        )
        return context


def removed_blacklist_entries(user):
    from zvonar.crm.models import BlacklistEntry

    entries = BlacklistEntry.objects.exclude(removed_at=None).select_related(
        "project", "removed_by"
    )
    if not user.is_admin:
        entries = entries.filter(project__in=projects_supervised_by(user))
    return entries.order_by("-removed_at")[:50]


class BlacklistAddView(ManagerRequiredMixin, View):
    def post(self, request):
        form = BlacklistEntryForm(request.POST, projects=projects_supervised_by(request.user))
        if form.is_valid():
            if form.cleaned_data["project"] is None and not request.user.is_admin:
                messages.error(request, _("Only an administrator blacklists a number everywhere."))
            else:
                services.do_add_to_blacklist(
                    form.cleaned_data["number"],
                    project=form.cleaned_data["project"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
                messages.success(request, _("The number is in the blacklist."))
        else:
            for errors in form.errors.values():
                messages.error(request, errors[0])
        return redirect("crm:blacklist_list")


class BlacklistImportView(ManagerRequiredMixin, View):
    def post(self, request):
        form = BlacklistImportForm(
            request.POST, request.FILES, projects=projects_supervised_by(request.user)
        )
        if form.is_valid():
            project = form.cleaned_data["project"]
            if project is None and not request.user.is_admin:
                messages.error(request, _("Only an administrator blacklists a number everywhere."))
                return redirect("crm:blacklist_list")
            result = services.do_import_blacklist(
                form.lines(),
                project=project,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
            messages.success(
                request,
                _("Numbers added: %(added)s; not numbers: %(invalid)s.")
                % {"added": result["added"], "invalid": len(result["invalid"])},
            )
        return redirect("crm:blacklist_list")


class BlacklistRemoveView(ManagerRequiredMixin, View):
    def post(self, request, pk):
        entry = get_object_or_404(blacklist_visible_to(request.user), pk=pk)
        if entry.project_id is None and not request.user.is_admin:
            raise PermissionDenied
        form = BlacklistRemoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for removal."))
        else:
            services.do_remove_from_blacklist(
                entry, reason=form.cleaned_data["reason"], acting_user=request.user
            )
            messages.success(request, _("The number is removed from the blacklist."))
        return redirect("crm:blacklist_list")


# ---------------------------------------------------------------- deleted contacts


class DeletedContactListView(ManagerRequiredMixin, SingleTableMixin, ListView):
    template_name = "crm/deleted_list.html"
    table_class = DeletedContactTable
    paginate_by = 50

    def get_queryset(self):
        return services.deleted_contacts_visible_to(self.request.user).order_by("-deleted_at")

    def get_table_kwargs(self):
        return {"user": self.request.user}

    def post(self, request):
        contacts = self.get_queryset().filter(pk__in=request.POST.getlist("pk"))
        count = services.do_restore_contacts(contacts, acting_user=request.user)
        messages.success(request, _("Restored: %(count)s.") % {"count": count})
        return HttpResponseRedirect(reverse("crm:deleted_list"))

"""Forms of the contact base: import wizard, blacklist, bulk operations, merge, saved filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zvonar.crm.choices import DuplicatePolicyChoices
from zvonar.crm.importing import DELIMITERS, ENCODINGS
from zvonar.crm.models import Category
from zvonar.crm.phones import InvalidPhone, normalize_phone

ENCODING_CHOICES = [("auto", _("Detect automatically")), *ENCODINGS]
DELIMITER_CHOICES = [("auto", _("Detect automatically")), *DELIMITERS]
MAX_UPLOAD_BYTES = 512 * 1024 * 1024


class ContactImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or Excel .xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 MB."))
        return upload


class ContactImportSettingsForm(forms.Form):
    """Encoding, delimiter, column mapping, target and duplicate policy of one upload."""

    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODING_CHOICES)
    delimiter = forms.ChoiceField(label=_("Delimiter"), choices=DELIMITER_CHOICES)
    has_header = forms.BooleanField(label=_("The first row holds column titles"), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)
    policy = forms.ChoiceField(
        label=_("When a contact with the phone exists"),
        choices=DuplicatePolicyChoices.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, header=(), field_choices=(), projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.columns = []
        for index, title in enumerate(header):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=title or f"#{index + 1}", choices=field_choices, required=False
            )
            self.columns.append(self[name])

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"column_{index}", "") for index in range(len(self.columns))]


class BlacklistEntryForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=40)
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=None,
        required=False,
        empty_label=_("All projects"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects

    def clean_number(self):
        try:
            return normalize_phone(self.cleaned_data["number"], with_region=False).e164
        except InvalidPhone as error:
            raise forms.ValidationError(error.messages[0]) from error


class BlacklistImportForm(forms.Form):
    numbers = forms.CharField(
        label=_("Numbers, one a line"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    file = forms.FileField(label=_("or a text/CSV file"), required=False)
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=None, required=False, empty_label=_("All projects")
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects

    def lines(self) -> list[str]:
        lines = self.cleaned_data["numbers"].splitlines()
        if upload := self.cleaned_data.get("file"):
            lines += upload.read(10 * 1024 * 1024).decode("utf-8", "replace").splitlines()
        return lines


class BlacklistRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for removal"), max_length=255)


class ContactBulkForm(forms.Form):
    ACTIONS = [
        ("export_csv", _("Export CSV")),
        ("export_xlsx", _("Export Excel")),
        ("set_category", _("Change category")),
        ("set_responsible", _("Assign responsible operator")),
        ("add_to_project", _("Add to a project")),
        ("blacklist", _("Add to the blacklist")),
        ("delete", _("Delete")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=[("selected", _("the selected contacts")), ("all", _("the whole filtered list"))],
        initial="selected",
    )
    pk = forms.ModelMultipleChoiceField(queryset=None, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=None, required=False)
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, required=False)
    confirm = forms.BooleanField(label=_("Yes, delete them"), required=False)

    def __init__(self, *args, contacts=None, users=None, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pk"].queryset = contacts
        self.fields["responsible"].queryset = users
        self.fields["project"].queryset = projects


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Name of the filter"), max_length=150)
    shared = forms.BooleanField(label=_("Visible to everybody"), required=False)

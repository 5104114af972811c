"""Contacts (persons and companies), their phones and e-mails, card templates, the blacklist."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zvonar.crm.choices import (
    ContactKindChoices,
    FieldTypeChoices,
    ImportStatusChoices,
    PhoneKindChoices,
)
from zvonar.crm.phones import format_phone, region_name


class Category(models.Model):
    """A group of contacts (miniCRM's “category”), also the unit of per-user visibility."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    color = models.CharField(_("colour"), max_length=7, default="#6c757d")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CardTemplate(models.Model):
    """The set of custom fields a project's card shows."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("card template")
        verbose_name_plural = _("card templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CardField(models.Model):
    """One typed custom field of a card template; values live in Contact.custom_fields[code]."""

    template = models.ForeignKey(
        CardTemplate,
        verbose_name=_("card template"),
        on_delete=models.CASCADE,
        related_name="fields",
    )
    code = models.SlugField(_("code"), max_length=50)
    label = models.CharField(_("label"), max_length=150)
    field_type = models.CharField(
        _("type"), max_length=20, choices=FieldTypeChoices.choices, default=FieldTypeChoices.TEXT
    )
    options = models.JSONField(
        _("options"), default=list, blank=True, help_text=_("Choices of a select field.")
    )
    required = models.BooleanField(_("required"), default=False)
    editable_by_operator = models.BooleanField(_("editable by operator"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("card field")
        verbose_name_plural = _("card fields")
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="card_field_code_unique")
        ]

    def __str__(self) -> str:
        return self.label


class ContactQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at=None, merged_into=None)


class Contact(models.Model):
    """A client: a person, or a company with contact persons."""

    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=ContactKindChoices.choices,
        default=ContactKindChoices.PERSON,
    )
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)
    company_name = models.CharField(_("company name"), max_length=255, blank=True, db_index=True)
    company = models.ForeignKey(
        "self",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_persons",
        limit_choices_to={"kind": ContactKindChoices.COMPANY},
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    city = models.CharField(_("city"), max_length=150, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="contacts")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_contacts",
    )
    source = models.CharField(_("source"), max_length=150, blank=True)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        editable=False,
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "company_name", "id"]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.last_name, self.first_name, self.middle_name) if part
        )

    @property
    def display_name(self) -> str:
        if self.kind == ContactKindChoices.COMPANY:
            return self.company_name or str(_("Company without a name"))
        return self.full_name or self.company_name or str(_("Contact without a name"))

    @property
    def primary_phone(self):
        phones = list(self.phones.all())
        return next((phone for phone in phones if phone.is_primary), phones[0] if phones else None)


class Phone(models.Model):
    """A contact's number, always stored as E.164 with the zone its calls are timed by."""

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="phones",
        db_index=False,  # phone_unique_per_contact starts with it
    )
    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(
        _("kind"), max_length=10, choices=PhoneKindChoices.choices, default=PhoneKindChoices.MOBILE
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    time_zone_exact = models.BooleanField(_("time zone exact"), default=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    comment = models.CharField(_("comment"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "number"], name="phone_unique_per_contact")
        ]
        # One B-tree for equality; db_index would add a pattern index no search uses.
        indexes = [models.Index(fields=["number"], name="crm_phone_number_ebd7bbf8")]

    def __str__(self) -> str:
        return format_phone(self.number)

    @property
    def region(self) -> str:
        return region_name(self.number)


class Email(models.Model):
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="emails"
    )
    address = models.EmailField(_("e-mail"))
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-is_primary", "id"]
        # Every search is by substring, through the trigram index (migration 0003); no B-tree.

    def __str__(self) -> str:
        return self.address


class BlacklistQuerySet(models.QuerySet):
    def active(self):
        return self.filter(removed_at=None)


class BlacklistEntry(models.Model):
    """A number never to be dialed: everywhere (no project) or in one project."""

    number = models.CharField(_("number"), max_length=20, db_index=True)
    project = models.ForeignKey(
        "campaigns.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="blacklist",
        help_text=_("Empty: the number is blacklisted in every project."),
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removal_reason = models.CharField(_("reason for removal"), max_length=255, blank=True)

    objects = BlacklistQuerySet.as_manager()

    class Meta:
        verbose_name = _("blacklisted number")
        verbose_name_plural = _("blacklist")
        ordering = ["-created_at"]
        constraints = [
            # Removed entries stay as the log of their removal, so only active ones are unique.
            models.UniqueConstraint(
                fields=["number", "project"],
                condition=models.Q(removed_at=None),
                name="blacklist_unique_per_project",
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=models.Q(project=None, removed_at=None),
                name="blacklist_unique_global",
            ),
        ]

    def __str__(self) -> str:
        return format_phone(self.number)


class ImportJob(models.Model):
    """One upload of a contacts file, run in the background after the user confirmed it."""

    file = models.FileField(_("file"), upload_to="imports/")
    original_name = models.CharField(_("file name"), max_length=255)
    options = models.JSONField(_("options"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportStatusChoices.choices,
        default=ImportStatusChoices.PENDING,
    )
    error = models.TextField(_("error"), blank=True)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    merged = models.PositiveIntegerField(_("merged"), default=0)
    skipped_no_phone = models.PositiveIntegerField(_("skipped: no phone"), default=0)
    skipped_duplicate = models.PositiveIntegerField(_("skipped: duplicate"), default=0)
    skipped_blacklisted = models.PositiveIntegerField(_("skipped: blacklisted"), default=0)
    invalid = models.PositiveIntegerField(_("invalid"), default=0)
    rejected_file = models.FileField(_("rejected rows"), upload_to="imports/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == "done" else 0
        return min(100, round(100 * self.rows_processed / self.rows_total))


class SavedFilter(models.Model):
    """A named contact search, private to its author or shared with everybody."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_contact_filters",
    )
    name = models.CharField(_("name"), max_length=150)
    query = models.TextField(_("query"), blank=True)
    shared = models.BooleanField(_("shared"), default=False)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserTablePreference(models.Model):
    """The columns a user chose for one table."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="table_preferences",
    )
    table = models.CharField(_("table"), max_length=100)
    columns = models.JSONField(_("columns"), default=list)

    class Meta:
        verbose_name = _("table preference")
        verbose_name_plural = _("table preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "table"], name="table_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.table}"


class ContactMergeLog(models.Model):
    """Who merged which card into which, with the field choices and the lost card's values."""

    survivor = models.ForeignKey(
        Contact,
        verbose_name=_("kept card"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="merge_logs",
    )
    merged_contact_id = models.PositiveIntegerField(_("merged card"))
    choices = models.JSONField(_("field choices"), default=dict)
    merged_values = models.JSONField(_("merged card's values"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("merge of contacts")
        verbose_name_plural = _("merges of contacts")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"#{self.merged_contact_id} → #{self.survivor_id}"

"""Reading contact files (CSV in any common encoding, XLSX) and importing them in batches."""

import codecs
import contextlib
import csv
import datetime
import gc
import io
import itertools
import json
import queue
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zvonar.crm.choices import (
    ContactKindChoices,
    DuplicatePolicyChoices,
    FieldTypeChoices,
    PhoneKindChoices,
)
from zvonar.crm.models import (
    BlacklistEntry,
    CardField,
    Category,
    Contact,
    Email,
    Phone,
    Tag,
)
from zvonar.crm.phones import InvalidPhone, normalize_phone

# (codec, label); "auto" asks the detector.
ENCODINGS = [
    ("utf-8-sig", "UTF-8"),
    ("cp1251", "Windows-1251"),
    ("koi8_r", "KOI8-R"),
    ("utf-16", "UTF-16"),
    ("cp1250", "Windows-1250"),
]
DELIMITERS = [(";", ";"), (",", ","), ("\t", "Tab"), ("|", "|")]
SAMPLE_BYTES = 256 * 1024
BATCH_SIZE = 5000
# csv refuses longer fields; a comment of 1 MB is no contact, it is broken quoting.
csv.field_size_limit(1024 * 1024)

STANDARD_FIELDS = [
    ("full_name", gettext_lazy("Full name (last, first, middle)")),
    ("last_name", gettext_lazy("Last name")),
    ("first_name", gettext_lazy("First name")),
    ("middle_name", gettext_lazy("Middle name")),
    ("company_name", gettext_lazy("Company")),
    ("company_phone", gettext_lazy("Company phone")),
    ("position", gettext_lazy("Position")),
    ("phone", gettext_lazy("Phone")),
    ("email", gettext_lazy("E-mail")),
    ("address", gettext_lazy("Address")),
    ("city", gettext_lazy("City")),
    ("comment", gettext_lazy("Comment")),
    ("source", gettext_lazy("Source")),
    ("tags", gettext_lazy("Tags (comma separated)")),
    ("category", gettext_lazy("Category")),
    ("responsible", gettext_lazy("Responsible operator (login)")),
]
TEXT_FIELDS = (
    "last_name",
    "first_name",
    "middle_name",
    "position",
    "address",
    "city",
    "comment",
    "source",
)
_TEXT_FIELD_SET = frozenset(TEXT_FIELDS)
# Header words users write, lower-cased, to the field they mean.
HEADER_SYNONYMS = {
    "фио": "full_name",
    "ф.и.о.": "full_name",
    "full name": "full_name",
    "name": "full_name",
    "клиент": "full_name",
    "контактное лицо": "full_name",
    "фамилия": "last_name",
    "last name": "last_name",
    "surname": "last_name",
    "nazwisko": "last_name",
    "имя": "first_name",
    "first name": "first_name",
    "imię": "first_name",
    "отчество": "middle_name",
    "middle name": "middle_name",
    "компания": "company_name",
    "организация": "company_name",
    "company": "company_name",
    "firma": "company_name",
    "телефон компании": "company_phone",
    "company phone": "company_phone",
    "должность": "position",
    "position": "position",
    "телефон": "phone",
    "тел": "phone",
    "тел.": "phone",
    "мобильный": "phone",
    "мобильный телефон": "phone",
    "рабочий телефон": "phone",
    "домашний телефон": "phone",
    "phone": "phone",
    "mobile": "phone",
    "telefon": "phone",
    "numer": "phone",
    "email": "email",
    "e-mail": "email",
    "почта": "email",
    "эл. почта": "email",
    "адрес": "address",
    "address": "address",
    "adres": "address",
    "город": "city",
    "city": "city",
    "miasto": "city",
    "комментарий": "comment",
    "примечание": "comment",
    "comment": "comment",
    "источник": "source",
    "source": "source",
    "теги": "tags",
    "метки": "tags",
    "tags": "tags",
    "категория": "category",
    "category": "category",
    "kategoria": "category",
    "ответственный": "responsible",
    "responsible": "responsible",
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the user."""


@dataclass
class FileFormat:
    kind: str  # csv, xlsx
    encoding: str = ""
    delimiter: str = ""


@dataclass
class ImportOptions:
    encoding: str = "auto"
    delimiter: str = "auto"
    has_header: bool = True
    mapping: list[str] | None = None  # one field code per column; "" ignores the column
    category_id: int | None = None
    project_id: int | None = None
    tag_ids: list[int] = field(default_factory=list)
    policy: str = DuplicatePolicyChoices.SKIP
    source: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "ImportOptions":
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class ParsedRow:
    line: int
    cells: list[str]
    values: dict = field(default_factory=dict)
    phones: list = field(default_factory=list)
    company_phones: list = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    custom: dict = field(default_factory=dict)
    category: str = ""
    responsible: str = ""
    errors: list[str] = field(default_factory=list)
    status: str = ""  # created, updated, merged, no_phone, duplicate, blacklisted, invalid


@dataclass
class ImportSummary:
    total: int = 0
    created: int = 0
    updated: int = 0
    merged: int = 0
    skipped_no_phone: int = 0
    skipped_duplicate: int = 0
    skipped_blacklisted: int = 0
    invalid: int = 0

    def count(self, status: str) -> None:
        attribute = {
            "no_phone": "skipped_no_phone",
            "duplicate": "skipped_duplicate",
            "blacklisted": "skipped_blacklisted",
        }.get(status, status)
        setattr(self, attribute, getattr(self, attribute) + 1)

    def lines(self) -> list[str]:
        return [
            _("Rows read: %(count)s") % {"count": self.total},
            _("Created: %(count)s") % {"count": self.created},
            _("Updated: %(count)s") % {"count": self.updated},
            _("Merged: %(count)s") % {"count": self.merged},
            _("Skipped, no phone: %(count)s") % {"count": self.skipped_no_phone},
            _("Skipped, duplicate: %(count)s") % {"count": self.skipped_duplicate},
            _("Skipped, blacklisted: %(count)s") % {"count": self.skipped_blacklisted},
            _("Invalid: %(count)s") % {"count": self.invalid},
        ]


# ---------------------------------------------------------------- reading the file


def detect_format(path: Path, encoding: str = "auto", delimiter: str = "auto") -> FileFormat:
    """What the file is; raise ImportFileError for empty, binary or undecodable files."""
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise ImportFileError(_("The file is empty."))
    if sample.startswith(b"PK\x03\x04"):
        return FileFormat(kind="xlsx")
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) are not supported: save the file as .xlsx or CSV.")
        )
    if encoding == "auto":
        encoding = detect_encoding(sample)
    text = _decode_sample(sample, encoding)
    if delimiter == "auto":
        delimiter = detect_delimiter(text)
    return FileFormat(kind="csv", encoding=encoding, delimiter=delimiter)


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = sum(1 for byte in sample[:8192] if byte < 9 or 13 < byte < 32)
    return b"\x00" in sample[:8192] or controls > len(sample[:8192]) // 100


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _looks_binary(sample):
        raise ImportFileError(
            _("The file is not a text table (CSV) nor an Excel file: it looks like binary data.")
        )
    with contextlib.suppress(UnicodeDecodeError):
        # A sample may end inside a multi-byte character; the incremental decoder keeps it.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8-sig"
    best = charset_normalizer.from_bytes(
        sample, cp_isolation=["cp1251", "koi8_r", "cp1250"], preemptive_behaviour=False
    ).best()
    if best is None:
        raise ImportFileError(
            _("The encoding of the file cannot be recognized: choose it in the list.")
        )
    return best.encoding


def _decode_sample(sample: bytes, encoding: str) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except (UnicodeDecodeError, LookupError) as error:
        raise _encoding_error(encoding, sample[: getattr(error, "start", 0)]) from error


def _encoding_error(encoding: str, before: bytes) -> ImportFileError:
    label = dict(ENCODINGS).get(encoding, encoding)
    return ImportFileError(
        _(
            "The file is not in the %(encoding)s encoding (line %(line)s cannot be read): "
            "choose another encoding."
        )
        % {"encoding": label, "line": before.count(b"\n") + 1}
    )


def detect_delimiter(text: str) -> str:
    lines = text.splitlines()[:50]
    if len(lines) > 1 and not text.endswith("\n"):
        lines = lines[:-1]  # the sample may cut the last line
    best, best_score = ";", -1.0
    for delimiter, _label in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not widths:
            continue
        width, times = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        score = times / len(widths) + width / 1000
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_rows(path: Path, file_format: FileFormat) -> Iterator[list[str]]:
    """Every row of the file as a list of strings, streamed; raises ImportFileError."""
    if file_format.kind == "xlsx":
        yield from _read_xlsx(path)
        return
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=file_format.encoding, newline="")
        reader = csv.reader(text, delimiter=file_format.delimiter, strict=True)
        try:
            for row in reader:
                if "\x00" in "".join(row):
                    raise ImportFileError(
                        _("The file is not a text table (CSV): line %(line)s holds binary data.")
                        % {"line": reader.line_num}
                    )
                yield row
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _(
                    "The file is not in the %(encoding)s encoding (near line %(line)s): "
                    "choose another encoding."
                )
                % {
                    "encoding": dict(ENCODINGS).get(file_format.encoding, file_format.encoding),
                    "line": reader.line_num + 1,
                }
            ) from error
        except csv.Error as error:
            raise ImportFileError(
                _(
                    "The file is broken near line %(line)s (%(error)s): check the quotes "
                    "or choose another delimiter."
                )
                % {"line": reader.line_num, "error": error}
            ) from error


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path) -> Iterator[list[str]]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as error:
        raise ImportFileError(_("The Excel file cannot be opened: it is damaged.")) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            cells = [_cell_text(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()
            yield cells
    finally:
        workbook.close()


def open_table(path: Path, options: ImportOptions) -> tuple[FileFormat, list[str], Iterator]:
    """The format, the header and an iterator of (line, cells) of the data rows."""
    file_format = detect_format(path, options.encoding, options.delimiter)
    rows = (row for row in read_rows(path, file_format) if "".join(row).strip())
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("The file is empty."))
    if options.has_header:
        header, start = [cell.strip() for cell in first], 2
    else:
        header, start = [f"#{number}" for number in range(1, len(first) + 1)], 1
        rows = itertools.chain([first], rows)
    return file_format, header, zip(itertools.count(start), rows, strict=False)


# ---------------------------------------------------------------- mapping


def field_choices() -> list[tuple[str, str]]:
    """Every field a column can go to: standard fields, then the card templates' fields."""
    choices = [("", _("— do not import —"))] + [
        (code, str(label)) for code, label in STANDARD_FIELDS
    ]
    for card_field in CardField.objects.select_related("template").order_by("template", "order"):
        choices.append((f"custom:{card_field.code}", f"{card_field.label} ({card_field.template})"))
    return list(dict(choices).items())


def guess_mapping(header: list[str]) -> list[str]:
    custom = {}
    for card_field in CardField.objects.all():
        custom.setdefault(card_field.label.lower(), f"custom:{card_field.code}")
        custom.setdefault(card_field.code.lower(), f"custom:{card_field.code}")
    mapping = []
    for title in header:
        key = " ".join(title.lower().replace("_", " ").split()).rstrip(":")
        code = HEADER_SYNONYMS.get(key) or custom.get(key, "")
        if not code and ("телефон" in key or "phone" in key):
            code = "phone"
        mapping.append(code)
    return mapping


def mapping_from_names(header: list[str], names: dict | list) -> list[str]:
    """A mapping given as {column title: field} (the CLI's map.json) or a list."""
    if isinstance(names, list):
        return [str(code or "") for code in names]
    return [str(names.get(title, "") or "") for title in header]


def check_mapping(mapping: list[str]) -> None:
    if "phone" not in mapping and "company_phone" not in mapping:
        raise ImportFileError(
            _("No column is mapped to a phone: only contacts with a phone can be imported.")
        )
    known = {code for code, _label in field_choices()}
    unknown = [code for code in mapping if code and code not in known]
    if unknown:
        raise ImportFileError(
            _("Unknown fields in the mapping: %(fields)s.") % {"fields": ", ".join(unknown)}
        )


# ---------------------------------------------------------------- one row


class RowParser:
    """Turns the cells of a row into contact values, collecting the row's problems."""

    def __init__(self, mapping: list[str]):
        self.mapping = mapping
        self.card_fields = {
            f"custom:{card_field.code}": card_field for card_field in CardField.objects.all()
        }
        self.columns = [(index, code) for index, code in enumerate(mapping) if code]
        self.region = settings.ZVONAR_DEFAULT_PHONE_REGION
        self.validate_email = _compiled_email_validator()

    def parse(self, line: int, cells: list[str]) -> ParsedRow:
        row = ParsedRow(line=line, cells=cells)
        width = len(cells)
        for index, code in self.columns:
            if index >= width:
                break
            value = cells[index].strip()
            if not value:
                continue
            if code in _TEXT_FIELD_SET:
                row.values[code] = value[:500] if code == "address" else value
            elif code in ("phone", "company_phone"):
                target = row.phones if code == "phone" else row.company_phones
                for part in _split_phones(value):
                    try:
                        target.append(normalize_phone(part, self.region, with_region=False))
                    except InvalidPhone as error:
                        row.errors.append(error.messages[0])
            elif code == "full_name":
                parts = value.split()
                for name, part in zip(
                    ("last_name", "first_name", "middle_name"), parts, strict=False
                ):
                    row.values.setdefault(name, part[:150])
                if len(parts) > 3:
                    row.values["middle_name"] = " ".join(parts[2:])[:150]
            elif code == "email":
                for address in value.replace(",", " ").replace(";", " ").split():
                    try:
                        self.validate_email(address)
                    except ValidationError:
                        row.errors.append(
                            _("“%(email)s” is not an e-mail address.") % {"email": address}
                        )
                    else:
                        row.emails.append(address)
            elif code == "tags":
                row.tags.extend(tag.strip()[:100] for tag in value.split(",") if tag.strip())
            elif code == "category":
                row.category = value[:150]
            elif code == "responsible":
                row.responsible = value
            elif code == "company_name":
                row.values["company_name"] = value[:255]
            elif code in self.card_fields:
                self._parse_custom(row, self.card_fields[code], value)
        return row

    def _parse_custom(self, row: ParsedRow, card_field: CardField, value: str) -> None:
        kind = card_field.field_type
        try:
            if kind == FieldTypeChoices.NUMBER:
                number = float(value.replace(",", ".").replace(" ", ""))
                row.custom[card_field.code] = int(number) if number.is_integer() else number
            elif kind == FieldTypeChoices.DATE:
                row.custom[card_field.code] = _parse_date(value).isoformat()
            elif kind == FieldTypeChoices.CHECKBOX:
                row.custom[card_field.code] = value.lower() in ("1", "да", "yes", "true", "+", "y")
            elif kind == FieldTypeChoices.MULTI_SELECT:
                row.custom[card_field.code] = [part.strip() for part in value.split(",")]
            else:
                row.custom[card_field.code] = value
        except ValueError:
            row.errors.append(
                _("“%(value)s” is not a valid value of “%(field)s”.")
                % {"value": value, "field": card_field.label}
            )


def _compiled_email_validator() -> EmailValidator:
    # Django compiles the validator's patterns lazily, behind a proxy whose every use cost more
    # than the match itself (a fifth of parsing a row); these are the same patterns, compiled.
    validator = EmailValidator()
    for name in ("user_regex", "domain_regex", "literal_regex"):
        pattern = getattr(EmailValidator, name)
        setattr(validator, name, re.compile(pattern.pattern, pattern.flags))
    return validator


def _split_phones(value: str) -> list[str]:
    for separator in (",", ";", "/", "\n"):
        if separator in value:
            return [part for part in value.split(separator) if part.strip()]
    return [value]


def _parse_date(value: str) -> datetime.date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y"):
        with contextlib.suppress(ValueError):
            return datetime.datetime.strptime(value, pattern).date()
    raise ValueError(value)


# ---------------------------------------------------------------- the import


@dataclass
class BatchPlan:
    """One batch as decided by the reading thread: every row's fate and the rows to write."""

    rows: list[ParsedRow]
    categories: list = field(default_factory=list)  # Category instances with their ids
    tags: list = field(default_factory=list)  # Tag instances with their ids
    # New companies, then new contacts: each row's own values over contact_defaults.
    contacts: list[dict] = field(default_factory=list)
    contact_defaults: dict = field(default_factory=dict)
    phones: list[dict] = field(default_factory=list)
    emails: list[dict] = field(default_factory=list)
    tag_links: list = field(default_factory=list)
    created: list[tuple[int, ParsedRow]] = field(default_factory=list)
    changed: list[tuple[int, ParsedRow, dict]] = field(default_factory=list)
    # (contact id, number) of every phone the batch leaves in the base: what a look-up of the
    # next batches must find while this one is still being written.
    owners: list[tuple[int, str]] = field(default_factory=list)


class ContactImporter:
    """Imports rows in batches: duplicates and the blacklist are looked up once per batch.

    The reading thread parses and classifies batch N+1 while a writer thread, with its own
    database connection, writes batch N (`BatchWriter`); the numbers of batches not yet
    committed are kept in memory, so that classifying needs no wait for the writer. A dry
    run, SQLite, and an import inside a caller's transaction write in the reading thread."""

    def __init__(
        self,
        options: ImportOptions,
        *,
        acting_user=None,
        dry_run: bool = False,
        pipelined: bool | None = None,
    ):
        from zvonar.campaigns.models import Project

        self.options = options
        self.acting_user = acting_user
        self.dry_run = dry_run
        self.pipelined = pipelined
        self.summary = ImportSummary()
        self.project = Project.objects.get(pk=options.project_id) if options.project_id else None
        self.category = (
            Category.objects.get(pk=options.category_id) if options.category_id else None
        )
        self.tag_ids = list(options.tag_ids)
        self.categories: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self.users: dict[str, int | None] = {}
        self.companies: dict[str, int] = {}
        self.rejected: list[tuple[ParsedRow, str]] = []
        self.processed = 0
        self._in_flight: dict[int, list[tuple[int, str]]] = {}
        self._in_flight_lock = threading.Lock()
        self._next_ids: dict[str, int] = {}
        self._sequences: dict[str, str] = {}

    # The caller decides where rejected rows go; run() hands them over per batch.
    def run(
        self,
        rows: Iterator,
        parser: RowParser,
        *,
        on_batch: Callable[["ContactImporter", int], None] | None = None,
    ) -> ImportSummary:
        # Ids are drawn from PostgreSQL's sequences ahead of the writes; a dry run and a caller's
        # transaction need every write on this connection.
        pipelined = (
            self.pipelined is not False
            and connection.vendor == "postgresql"
            and not self.dry_run
            and not connection.in_atomic_block
        )
        context = transaction.atomic() if self.dry_run else contextlib.nullcontext()
        with context:
            writer = BatchWriter(self, on_batch, threaded=pipelined)
            try:
                for batch in _batched(rows, BATCH_SIZE):
                    parsed = [parser.parse(line, list(cells)) for line, cells in batch]
                    writer.check()
                    writer.submit(self.plan_batch(parsed))
                writer.finish()
            except BaseException:
                writer.abandon()
                raise
            if self.dry_run:
                transaction.set_rollback(True)
        return self.summary

    def classify(self, rows: list[ParsedRow]) -> dict[str, int]:
        """Mark each row's status without writing; returns number -> existing contact id."""
        numbers = {phone.e164 for row in rows for phone in row.phones + row.company_phones}
        # Taken before the look-ups: a batch committed meanwhile is then found by one or both.
        with self._in_flight_lock:
            pending = [owner for owners in self._in_flight.values() for owner in owners]
        blacklisted = set(
            BlacklistEntry.objects.active()
            .filter(number__any_of=numbers)
            .filter(_project_condition(self.project))
            .values_list("number", flat=True)
        )
        # Two simple index look-ups rather than a join, whose plan goes wrong while the import
        # grows the tables faster than the statistics follow.
        owners = list(
            Phone.objects.filter(number__any_of=numbers).values_list("contact_id", "number")
        )
        alive = set(
            Contact.objects.alive()
            .filter(pk__any_of={contact_id for contact_id, _number in owners})
            .values_list("pk", flat=True)
        )
        owners = [(contact_id, number) for contact_id, number in owners if contact_id in alive]
        owners += [(contact_id, number) for contact_id, number in pending if number in numbers]
        existing: dict[str, int] = {}
        # The oldest contact holding a number is the one a duplicate goes to.
        for contact_id, number in sorted(owners, reverse=True):
            existing[number] = contact_id
        seen: set[str] = set()
        for row in rows:
            if row.errors:
                row.status = "invalid"
            elif not (row.phones or row.company_phones):
                row.status = "no_phone"
            else:
                row.phones = [phone for phone in row.phones if phone.e164 not in blacklisted]
                row.company_phones = [
                    phone for phone in row.company_phones if phone.e164 not in blacklisted
                ]
                own = [phone.e164 for phone in row.phones or row.company_phones]
                if not own:
                    row.status = "blacklisted"
                elif any(number in existing for number in own):
                    row.status = "existing"
                elif any(number in seen for number in own):
                    # A repeat inside the file: the first row of the batch already holds it.
                    row.status = "duplicate"
                else:
                    row.status = "new"
                seen.update(own)
        return existing

    def plan_batch(self, rows: list[ParsedRow]) -> BatchPlan:
        """Classify a batch and build everything it writes; reads the base, writes nothing."""
        existing = self.classify(rows)
        policy = self.options.policy
        for row in rows:
            if row.status == "existing" and policy == DuplicatePolicyChoices.SKIP:
                row.status = "duplicate"
        plan = BatchPlan(rows=rows)
        self._resolve_lookups(plan)
        self._plan_new(plan, [row for row in rows if row.status == "new"])
        for row in rows:
            if row.status == "existing":
                own = [phone.e164 for phone in row.phones or row.company_phones]
                pk = next(existing[number] for number in own if number in existing)
                plan.changed.append((pk, row, self._contact_values(row)))
                plan.owners += [(pk, number) for number in own]
        with self._in_flight_lock:
            self._in_flight[id(plan)] = plan.owners
        return plan

    def write_batch(self, plan: BatchPlan) -> None:
        """Write one planned batch; the caller holds the transaction."""
        if plan.categories:
            Category.objects.bulk_create(plan.categories)
        if plan.tags:
            Tag.objects.bulk_create(plan.tags)
        insert_rows(Contact, plan.contacts, plan.contact_defaults)
        insert_rows(Phone, plan.phones, _PHONE_DEFAULTS)
        insert_rows(Email, plan.emails)
        if plan.tag_links:
            Contact.tags.through.objects.bulk_create(plan.tag_links, ignore_conflicts=True)
        self._change(plan.changed)
        if self.project is not None:
            self._add_leads(plan.created + [(pk, row) for pk, row, _values in plan.changed])

    def finish_batch(self, plan: BatchPlan) -> None:
        """Count a written (committed) batch and release its numbers."""
        with self._in_flight_lock:
            self._in_flight.pop(id(plan), None)
        policy = self.options.policy
        for row in plan.rows:
            if row.status == "existing":
                row.status = "updated" if policy == DuplicatePolicyChoices.UPDATE else "merged"
            elif row.status == "new":
                row.status = "created"
            self.summary.total += 1
            self.summary.count(row.status)
            if row.status in ("invalid", "no_phone", "duplicate", "blacklisted"):
                self.rejected.append((row, _reason(row)))
        self.processed += len(plan.rows)

    # -- lookups of names given in the file

    def _resolve_lookups(self, plan: BatchPlan) -> None:
        from zvonar.accounts.models import User

        rows = plan.rows
        wanted = {row.category for row in rows if row.category} - self.categories.keys()
        if wanted:
            for category in Category.objects.filter(name__in=wanted):
                self.categories[category.name] = category.pk
            missing = sorted(wanted - self.categories.keys())
            for name, pk in zip(missing, self._allocate_ids(Category, len(missing)), strict=True):
                plan.categories.append(Category(pk=pk, name=name))
                self.categories[name] = pk
        wanted = {tag for row in rows for tag in row.tags} - self.tags.keys()
        if wanted:
            for tag in Tag.objects.filter(name__in=wanted):
                self.tags[tag.name] = tag.pk
            missing = sorted(wanted - self.tags.keys())
            for name, pk in zip(missing, self._allocate_ids(Tag, len(missing)), strict=True):
                plan.tags.append(Tag(pk=pk, name=name))
                self.tags[name] = pk
        wanted = {row.responsible for row in rows if row.responsible} - self.users.keys()
        if wanted:
            for user in User.objects.filter(username__in=wanted):
                self.users[user.username] = user.pk
            for name in wanted - self.users.keys():
                self.users[name] = None
        for row in rows:
            if (
                row.responsible
                and self.users.get(row.responsible) is None
                and row.status in ("new", "existing")
            ):
                row.errors.append(
                    _("There is no user with the login “%(login)s”.") % {"login": row.responsible}
                )
                row.status = "invalid"
        companies = {
            row.values["company_name"]
            for row in rows
            if row.status in ("new", "existing") and _is_person_of_company(row)
        } - self.companies.keys()
        if companies:
            for pk, name in (
                Contact.objects.alive()
                .filter(kind=ContactKindChoices.COMPANY, company_name__in=companies)
                .order_by("pk")
                .values_list("pk", "company_name")
            ):
                self.companies.setdefault(name, pk)

    def _allocate_ids(self, model, count: int) -> list[int]:
        """Ids for rows the writer inserts later, drawn now so that rows can refer to them."""
        if count == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                if table not in self._sequences:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                    self._sequences[table] = cursor.fetchone()[0]
                # The sequence named once: looking it up for each id cost the database 3
                # CPU-seconds per million ids, 0.4 without.
                cursor.execute(
                    "SELECT string_agg(nextval(%s::regclass)::text, ',') "
                    "FROM generate_series(1, %s)",
                    [self._sequences[table], count],
                )
                return list(map(int, cursor.fetchone()[0].split(",")))
            # Elsewhere the writer is this thread: every earlier batch is written already.
            cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')  # noqa: S608
            start = max(cursor.fetchone()[0] + 1, self._next_ids.get(table, 1))
            if connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                sequence = cursor.fetchone()
                start = max(start, sequence[0] + 1 if sequence else 1)
        self._next_ids[table] = start + count
        return list(range(start, start + count))

    def _contact_values(self, row: ParsedRow) -> dict:
        values = {name: value for name, value in row.values.items() if name in TEXT_FIELDS}
        values["company_name"] = row.values.get("company_name", "")
        if row.category:
            values["category_id"] = self.categories[row.category]
        elif self.category is not None:
            values["category_id"] = self.category.pk
        if row.responsible:
            values["responsible_id"] = self.users[row.responsible]
        if self.options.source and not values.get("source"):
            values["source"] = self.options.source
        return values

    def _contact_template(self) -> dict:
        template = {"id": None, **_row_template(Contact)}
        template.update(created_at=timezone.now(), updated_at=timezone.now())
        template["created_by_id"] = getattr(self.acting_user, "pk", None)
        return template

    def _plan_new(self, plan: BatchPlan, rows: list[ParsedRow]) -> None:
        if not rows:
            return
        plan.contact_defaults = self._contact_template()
        self._plan_companies(plan, rows)
        ids = self._allocate_ids(Contact, len(rows))
        for pk, row in zip(ids, rows, strict=True):
            values = {"id": pk, **self._contact_values(row)}
            if row.custom:
                values["custom_fields"] = row.custom
            person = any(row.values.get(name) for name in ("last_name", "first_name"))
            if values["company_name"] and not person:
                values["kind"] = ContactKindChoices.COMPANY
            if _is_person_of_company(row):
                values["company_id"] = self.companies.get(values["company_name"])
            plan.contacts.append(values)
            plan.created.append((pk, row))
        self._plan_related(plan, plan.created, primary=True)

    def _plan_companies(self, plan: BatchPlan, rows: list[ParsedRow]) -> None:
        # A row with a person and a company makes the company a card of its own, once.
        missing: dict[str, ParsedRow] = {}
        for row in rows:
            name = row.values.get("company_name", "")
            if _is_person_of_company(row) and name not in self.companies:
                missing.setdefault(name, row)
        ids = self._allocate_ids(Contact, len(missing))
        for pk, (name, row) in zip(ids, missing.items(), strict=True):
            self.companies[name] = pk
            category_id = self._contact_values(row).get("category_id")
            plan.contacts.append(
                {
                    "id": pk,
                    "kind": ContactKindChoices.COMPANY,
                    "company_name": name,
                    "category_id": category_id,
                }
            )
            phones = _phones_of(pk, row.company_phones)
            plan.phones += phones
            plan.owners += [(pk, phone["number"]) for phone in phones]

    def _plan_related(self, plan: BatchPlan, pairs, *, primary: bool) -> None:
        for pk, row in pairs:
            phones = _phones_of(pk, row.phones or row.company_phones, primary=primary)
            plan.phones += phones
            plan.owners += [(pk, phone["number"]) for phone in phones]
            plan.emails += [
                {"contact_id": pk, "address": address, "is_primary": index == 0 and primary}
                for index, address in enumerate(dict.fromkeys(row.emails))
            ]
            if row.tags or self.tag_ids:
                tag_ids = {self.tags[name] for name in row.tags} | set(self.tag_ids)
                plan.tag_links += [
                    Contact.tags.through(contact_id=pk, tag_id=tag_id) for tag_id in tag_ids
                ]

    def _change(self, changed: list[tuple[int, ParsedRow, dict]]) -> None:
        if not changed:
            return
        contacts = Contact.objects.in_bulk([pk for pk, _row, _values in changed])
        overwrite = self.options.policy == DuplicatePolicyChoices.UPDATE
        fields = set()
        for pk, row, values in changed:
            contact = contacts[pk]
            for name, value in values.items():
                if value and (overwrite or not getattr(contact, name)):
                    setattr(contact, name, value)
                    fields.add(name)
            for code, value in row.custom.items():
                if overwrite or contact.custom_fields.get(code) in (None, ""):
                    contact.custom_fields[code] = value
                    fields.add("custom_fields")
        if fields:
            Contact.objects.bulk_update(contacts.values(), sorted(fields | {"updated_at"}))
        numbers = set(
            Phone.objects.filter(contact__in=contacts).values_list("contact_id", "number")
        )
        plan = BatchPlan(rows=[])
        self._plan_related(plan, [(pk, row) for pk, row, _values in changed], primary=False)
        # Existing contacts may already have some of the numbers: let the database skip them.
        Phone.objects.bulk_create(
            [
                Phone(**phone)
                for phone in plan.phones
                if (phone["contact_id"], phone["number"]) not in numbers
            ],
            ignore_conflicts=True,
        )
        insert_rows(Email, plan.emails)
        if plan.tag_links:
            Contact.tags.through.objects.bulk_create(plan.tag_links, ignore_conflicts=True)

    def _add_leads(self, pairs) -> None:
        from zvonar.campaigns.models import Lead

        ids = [pk for pk, _row in pairs]
        already = set(
            Lead.objects.filter(project=self.project, contact_id__in=ids).values_list(
                "contact_id", flat=True
            )
        )
        phone_of: dict[int, int] = {}
        for contact_id, phone_id in (
            Phone.objects.filter(contact_id__in=set(ids) - already)
            .order_by("-is_primary", "id")
            .values_list("contact_id", "id")
        ):
            phone_of.setdefault(contact_id, phone_id)
        Lead.objects.bulk_create(
            [
                Lead(project=self.project, contact_id=pk, phone_id=phone_of.get(pk))
                for pk in dict.fromkeys(ids)
                if pk not in already
            ]
        )


class BatchWriter:
    """Writes planned batches, each in its own transaction, in a thread of its own (with its
    own database connection) or in the calling thread; after each commit it counts the batch,
    refreshes statistics now and then, and calls on_batch.

    At most one batch waits while one is written, so memory stays bounded. An error in the
    writer rolls its batch back and is raised in the reading thread at its next hand-over."""

    def __init__(self, importer: ContactImporter, on_batch, *, threaded: bool):
        self.importer = importer
        self.on_batch = on_batch
        self.batches = 0
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        if threaded:
            self.queue: queue.Queue = queue.Queue(maxsize=1)
            self.stop = threading.Event()
            self.thread = threading.Thread(
                target=self._work,
                args=(translation.get_language(),),
                name="contact-import-writer",
                daemon=True,
            )
            self.thread.start()

    def submit(self, plan: BatchPlan) -> None:
        if self.thread is None:
            self._write(plan)
            return
        while True:
            self.check()
            with contextlib.suppress(queue.Full):
                self.queue.put(plan, timeout=0.5)
                return

    def check(self) -> None:
        if self.error is not None:
            raise self.error
        if self.thread is not None and not self.thread.is_alive():
            raise RuntimeError("the import's writer thread has stopped")

    def finish(self) -> None:
        if self.thread is not None:
            self.submit(None)  # type: ignore[arg-type]
            self.thread.join()
        if self.error is not None:
            raise self.error

    def abandon(self) -> None:
        """Stop after the batch being written; the rest is not written."""
        if self.thread is None:
            return
        self.stop.set()
        with contextlib.suppress(queue.Empty):
            self.queue.get_nowait()
        with contextlib.suppress(queue.Full):
            self.queue.put_nowait(None)
        self.thread.join()

    def _work(self, language: str | None) -> None:
        try:
            with translation.override(language):
                while not self.stop.is_set():
                    plan = self.queue.get()
                    if plan is None or self.stop.is_set():
                        break
                    self._write(plan)
        except BaseException as error:  # raised again in the reading thread
            self.error = error
        finally:
            connection.close()

    def _write(self, plan: BatchPlan) -> None:
        with transaction.atomic():
            self.importer.write_batch(plan)
        self.importer.finish_batch(plan)
        self.batches += 1
        if self.batches & (self.batches - 1) == 0:
            _refresh_statistics()
        if self.on_batch:
            self.on_batch(self.importer, self.importer.processed)


def _refresh_statistics() -> None:
    # PostgreSQL plans by statistics gathered when the tables were small; after batch 1, 2, 4,
    # 8, … the import has doubled them, so it refreshes them itself (a sample: milliseconds).
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE crm_contact, crm_phone")


def _batched(iterable, size: int) -> Iterator[tuple]:
    iterator = iter(iterable)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch


def _project_condition(project):
    from django.db.models import Q

    return Q(project=None) | Q(project=project) if project is not None else Q(project=None)


def _is_person_of_company(row: ParsedRow) -> bool:
    return bool(row.values.get("company_name")) and any(
        row.values.get(name) for name in ("last_name", "first_name")
    )


def _phones_of(contact_id: int, phones, primary: bool = True) -> list[dict]:
    unique = list({phone.e164: phone for phone in phones}.values())
    return [
        {
            "contact_id": contact_id,
            "number": phone.e164,
            "country": phone.country,
            "time_zone": phone.time_zone,
            "time_zone_exact": phone.time_zone_exact,
            "is_primary": primary and index == 0,
        }
        for index, phone in enumerate(unique)
    ]


_PHONE_DEFAULTS = {"kind": PhoneKindChoices.MOBILE, "comment": ""}


def _row_template(model) -> dict:
    return {
        field.attname: field.get_default()
        for field in model._meta.concrete_fields
        if not field.primary_key
    }


def insert_rows(model, rows: list[dict], defaults: dict | None = None) -> None:
    """Insert plain rows: each row's values over `defaults`, together every column but those
    the model fills itself.

    On PostgreSQL through COPY, with the text formatted here: several times faster than INSERT,
    and half the CPU of sending every value of every row through the driver's adapters (0.43
    against 0.95 s per 100,000 contacts with their phones and e-mails)."""
    if not rows:
        return
    defaults = defaults or {}
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**{**defaults, **row}) for row in rows])
        return
    columns = list({**defaults, **rows[0]})
    position = {column: index for index, column in enumerate(columns)}
    base = [_copy_text(defaults.get(column)) for column in columns]
    lines = []
    for row in rows:
        line = base.copy()
        for column, value in row.items():
            line[position[column]] = _copy_text(value)
        lines.append("\t".join(line))
    names = ", ".join(f'"{column}"' for column in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy,
    ):
        copy.write("\n".join(lines) + "\n")


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _copy_text(value) -> str:
    """A value as COPY's text format writes it."""
    if value.__class__ is str:
        return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        return _copy_text(json.dumps(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return _copy_text(str(value))


def _reason(row: ParsedRow) -> str:
    if row.status == "invalid":
        return " ".join(row.errors)
    return {
        "no_phone": _("No phone."),
        "duplicate": _("Duplicate: a contact with this phone exists."),
        "blacklisted": _("The phone is in the blacklist."),
    }[row.status]


# ---------------------------------------------------------------- preview, job, CLI


def preview(
    path: Path, options: ImportOptions, limit: int = 20
) -> tuple[FileFormat, list[str], list[ParsedRow]]:
    """The first rows as the import would see them; writes nothing."""
    file_format, header, rows = open_table(path, options)
    mapping = options.mapping if options.mapping is not None else guess_mapping(header)
    parser = RowParser(mapping)
    parsed = [parser.parse(line, cells) for line, cells in itertools.islice(rows, limit)]
    if "phone" in mapping or "company_phone" in mapping:
        importer = ContactImporter(options)
        importer.classify(parsed)
        for row in parsed:
            if row.status == "existing":
                row.status = (
                    "duplicate" if options.policy == DuplicatePolicyChoices.SKIP else options.policy
                )
            elif row.status == "new":
                row.status = "created"
    return file_format, header, parsed


def count_rows(path: Path, options: ImportOptions) -> int:
    """Reads the whole file once, so that a broken file fails before anything is written."""
    _format, _header, rows = open_table(path, options)
    return sum(1 for _row in rows)


class RejectedRowsWriter:
    """The rejected rows with the reason of each, as a CSV Excel opens (UTF-8 with BOM, ;)."""

    def __init__(self, path: Path, header: list[str]):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.handle, delimiter=";")
        self.writer.writerow([_("Line"), *header, _("Reason")])

    def write(self, rejected: list[tuple[ParsedRow, str]]) -> None:
        self.writer.writerows(
            [row.line, *map(escape_formula, row.cells), reason] for row, reason in rejected
        )
        rejected.clear()

    def close(self) -> None:
        self.handle.close()


def escape_formula(value) -> str:
    """A cell a spreadsheet would run as a formula gets an apostrophe in front."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def import_file(
    path: Path,
    options: ImportOptions,
    *,
    acting_user=None,
    dry_run: bool = False,
    rejected_path: Path | None = None,
    on_progress: Callable[[int, int, ImportSummary], None] | None = None,
    pipelined: bool | None = None,
) -> ImportSummary:
    """The whole import of one file: check it all, then write in batches (pipelined=False:
    written by the calling thread, see ContactImporter)."""
    total = count_rows(path, options)
    if total == 0:
        raise ImportFileError(_("The file has no rows below the header."))
    _format, header, rows = open_table(path, options)
    mapping = options.mapping if options.mapping is not None else guess_mapping(header)
    check_mapping(mapping)
    importer = ContactImporter(
        options, acting_user=acting_user, dry_run=dry_run, pipelined=pipelined
    )
    writer = RejectedRowsWriter(rejected_path, header) if rejected_path else None

    def after_batch(importer: ContactImporter, processed: int) -> None:
        if writer:
            writer.write(importer.rejected)
        else:
            importer.rejected.clear()
        if on_progress:
            on_progress(processed, total, importer.summary)

    try:
        with cycle_collection_paused():
            importer.run(rows, RowParser(mapping), on_batch=after_batch)
    finally:
        if writer:
            writer.close()
    return importer.summary


_paused_lock = threading.Lock()
_paused_by = 0
_paused_over_enabled = False


@contextlib.contextmanager
def cycle_collection_paused():
    """Python's cycle collector paused while an import runs (Mercurial's `nogc` does the same
    for its bulk reads). An import allocates several containers per row and keeps thousands
    of rows alive across a batch, so the collector ran over and over, each time also through
    the whole of Django's objects: half of the time spent parsing a row (23 against 11 µs,
    bench/results/import.md). Nothing an import makes is cyclic; reference counting frees it.
    The setting is the process's, so overlapping imports pause it once and the last one to
    finish resumes it."""
    global _paused_by, _paused_over_enabled
    with _paused_lock:
        if _paused_by == 0:
            _paused_over_enabled = gc.isenabled()
            gc.disable()
        _paused_by += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused_by -= 1
            if _paused_by == 0 and _paused_over_enabled:
                gc.enable()


def run_import_job(job_id: int) -> None:
    """Run one pending ImportJob to its end; failures are written on the job, not raised."""
    from zvonar.crm.models import ImportJob

    claimed = ImportJob.objects.filter(pk=job_id, status="pending").update(
        status="running", started_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.get(pk=job_id)
    options = ImportOptions.from_dict(job.options)
    rejected_name = f"imports/rejected-{job.pk}.csv"
    rejected_path = Path(settings.MEDIA_ROOT) / rejected_name

    def progress(processed: int, total: int, summary: ImportSummary) -> None:
        _store(job, summary, rows_processed=processed, rows_total=total)

    try:
        with _language_of(job.created_by):
            summary = import_file(
                Path(job.file.path),
                options,
                acting_user=job.created_by,
                rejected_path=rejected_path,
                on_progress=progress,
            )
    except ImportFileError as error:
        job.status, job.error, job.finished_at = "failed", str(error), timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return
    except Exception as error:  # a job must end in a state the page can show
        job.status, job.error, job.finished_at = "failed", repr(error), timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.rejected_file.name = rejected_name
    _store(job, summary, status="done", finished_at=timezone.now(), rows_processed=summary.total)
    job.save(update_fields=["rejected_file"])


def _store(job, summary: ImportSummary, **extra) -> None:
    values = {
        "created": summary.created,
        "updated": summary.updated,
        "merged": summary.merged,
        "skipped_no_phone": summary.skipped_no_phone,
        "skipped_duplicate": summary.skipped_duplicate,
        "skipped_blacklisted": summary.skipped_blacklisted,
        "invalid": summary.invalid,
        **extra,
    }
    for name, value in values.items():
        setattr(job, name, value)
    type(job).objects.filter(pk=job.pk).update(**values)


@contextlib.contextmanager
def _language_of(user):
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        yield


def load_mapping(path: Path) -> dict | list:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)

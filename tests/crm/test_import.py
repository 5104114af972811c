"""Importing contact files: encodings, delimiters, duplicates, the blacklist and broken files."""

import csv
import io
import os

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from tests.personas import make_contact

from zvonar.campaigns.models import Lead
from zvonar.crm.choices import DuplicatePolicyChoices
from zvonar.crm.importing import (
    ImportFileError,
    ImportOptions,
    detect_format,
    import_file,
    preview,
)
from zvonar.crm.models import BlacklistEntry, Category, Contact, Phone

RUSSIAN_ROWS = [
    ["Фамилия", "Имя", "Телефон", "E-mail", "Комментарий"],
    ["Петров", "Пётр", "+7 (912) 345-67-89", "petrov@example.ru", ""],
    ["Иванова", "Анна", "8 916 123 45 67", "", "VIP"],
    ["Сидоров", "Семён", "89161234567", "", "тот же номер, что у Ивановой"],
    ["Без", "Телефона", "", "", ""],
    ["Кузнецов", "Иван", "12345", "", ""],
    ["Чёрный", "Список", "+7 903 000-11-22", "", ""],
    ["Смирнова", "Ольга", "9031112233", "", 'строка 1\nстрока 2; "кавычки"'],
]
POLISH_ROWS = [
    ["Nazwisko", "Imię", "Telefon"],
    ["Wiśniewska", "Żaneta", "+48 512 345 678"],
    ["Łukasiewicz", "Bożena", "+48 601 234 567"],
    ["Zieliński", "Jędrzej", "+48 601 234 567"],
    ["Dąbrowski", "Świętosław", ""],
    ["Kowalczyk", "Źdźbło", "+48 1"],
    ["Mazur", "Grzegorz", "+7 903 000-11-22"],
    ["Pawłowska", "Ewa", "+48 503 111 222"],
]
EXPECTED = {
    "created": 3,
    "skipped_duplicate": 1,
    "skipped_no_phone": 1,
    "invalid": 1,
    "skipped_blacklisted": 1,
}


@pytest.fixture
def blacklisted(db):
    return BlacklistEntry.objects.create(number="+79030001122", reason="Просил не звонить")


def write_csv(path, rows, encoding="utf-8", delimiter=";"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def counts(summary) -> dict:
    return {name: getattr(summary, name) for name in EXPECTED}


@pytest.mark.parametrize(
    "encoding, rows",
    [
        ("utf-8", RUSSIAN_ROWS),
        ("utf-8-sig", RUSSIAN_ROWS),
        ("cp1251", RUSSIAN_ROWS),
        ("koi8_r", RUSSIAN_ROWS),
        ("utf-16", RUSSIAN_ROWS),
        ("cp1250", POLISH_ROWS),
    ],
)
def test_each_encoding_imports_with_expected_counts(tmp_path, blacklisted, encoding, rows):
    """A semicolon CSV in each supported encoding is detected and imported with the same counts."""
    path = write_csv(tmp_path / "clients.csv", rows * 1, encoding)
    assert detect_format(path).delimiter == ";"
    summary = import_file(path, ImportOptions())
    assert counts(summary) == EXPECTED
    names = set(Contact.objects.values_list("last_name", flat=True))
    assert {rows[1][0], rows[2][0], rows[7][0]} == names


def test_detector_tells_the_russian_single_byte_encodings_apart(tmp_path):
    """Windows-1251 and KOI8-R files are detected as such, not as each other."""
    for encoding in ("cp1251", "koi8_r"):
        path = write_csv(tmp_path / f"{encoding}.csv", RUSSIAN_ROWS * 3, encoding)
        assert detect_format(path).encoding.replace("-", "_") == encoding


@pytest.mark.parametrize("delimiter", ["\t", ",", ";"])
def test_delimiters_are_detected(tmp_path, blacklisted, delimiter):
    """Tab, comma and semicolon delimited files with quoted multi-line fields import alike."""
    path = write_csv(tmp_path / "clients.csv", RUSSIAN_ROWS, "utf-8", delimiter)
    assert detect_format(path).delimiter == delimiter
    assert counts(import_file(path, ImportOptions())) == EXPECTED
    comment = Contact.objects.get(last_name="Смирнова").comment
    assert comment == 'строка 1\nстрока 2; "кавычки"'


def test_xlsx_imports_with_expected_counts(tmp_path, blacklisted):
    """An Excel workbook imports like the CSV, numbers stored as numbers included."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in RUSSIAN_ROWS:
        sheet.append(row)
    sheet["C8"] = 79031112233  # a phone Excel keeps as a number
    sheet.append(["Числов", "Иван", 79261234567])
    path = tmp_path / "clients.xlsx"
    workbook.save(path)
    summary = import_file(path, ImportOptions())
    assert counts(summary) == {**EXPECTED, "created": 4}
    assert Phone.objects.filter(number="+79261234567").exists()


def test_import_into_project_and_category_with_duplicate_policies(tmp_path, sales_project):
    """An existing contact found by phone is skipped, updated or merged as chosen, and leads are
    created once per project."""
    existing = make_contact("+7 912 345 67 89", last_name="Петров", comment="старый")
    Lead.objects.create(project=sales_project, contact=existing)
    category = Category.objects.create(name="Холодная база")
    path = write_csv(tmp_path / "clients.csv", RUSSIAN_ROWS[:3])
    options = ImportOptions(project_id=sales_project.pk, category_id=category.pk)
    summary = import_file(path, options)
    assert (summary.created, summary.skipped_duplicate) == (1, 1)
    assert Lead.objects.filter(project=sales_project).count() == 2
    assert Contact.objects.get(last_name="Иванова").category == category

    options.policy = DuplicatePolicyChoices.MERGE
    summary = import_file(path, options)
    assert (summary.merged, summary.skipped_duplicate) == (2, 0)
    existing.refresh_from_db()
    assert existing.first_name == "Пётр"
    assert existing.emails.get().address == "petrov@example.ru"

    options.policy = DuplicatePolicyChoices.UPDATE
    write_csv(path, [RUSSIAN_ROWS[0], ["Петров-Водкин", "", "89123456789", "", "новый"]])
    assert import_file(path, options).updated == 1
    existing.refresh_from_db()
    assert (existing.last_name, existing.comment) == ("Петров-Водкин", "новый")
    assert Contact.objects.count() == 2
    assert Lead.objects.filter(project=sales_project).count() == 2


def test_company_with_contact_persons(tmp_path, db):
    """A company + contact person file makes one company card and a person linked to it."""
    rows = [
        ["Компания", "Телефон компании", "ФИО", "Должность", "Телефон"],
        ["ООО Ромашка", "+7 495 123-45-67", "Петров Пётр Петрович", "Директор", "+79123456789"],
        ["ООО Ромашка", "+7 495 123-45-67", "Сидорова Анна", "Бухгалтер", "+79161234567"],
    ]
    path = write_csv(tmp_path / "companies.csv", rows)
    assert import_file(path, ImportOptions()).created == 2
    company = Contact.objects.get(kind="company")
    assert company.phones.get().number == "+74951234567"
    assert set(company.contact_persons.values_list("middle_name", flat=True)) == {"Петрович", ""}


def test_rejected_rows_file_lists_each_reason(tmp_path, blacklisted):
    """The rejected rows come back in a CSV with the original cells and the reason."""
    path = write_csv(tmp_path / "clients.csv", RUSSIAN_ROWS)
    rejected = tmp_path / "rejected.csv"
    with translation.override("en"):
        import_file(path, ImportOptions(), rejected_path=rejected)
    lines = list(csv.reader(rejected.read_text("utf-8-sig").splitlines(), delimiter=";"))
    reasons = {line[2]: line[-1] for line in lines[1:]}
    assert reasons["Семён"].startswith("Duplicate")
    assert reasons["Телефона"] == "No phone."
    assert "not a valid phone number" in reasons["Иван"]
    assert "blacklist" in reasons["Список"]


def test_preview_writes_nothing(tmp_path, blacklisted):
    """The preview shows each row's fate and writes no contact."""
    path = write_csv(tmp_path / "clients.csv", RUSSIAN_ROWS, "cp1251")
    file_format, header, rows = preview(path, ImportOptions())
    assert (file_format.encoding, header[0]) == ("cp1251", "Фамилия")
    assert [row.status for row in rows] == [
        "created",
        "created",
        "duplicate",
        "no_phone",
        "invalid",
        "blacklisted",
        "created",
    ]
    assert not Contact.objects.exists()


def test_dry_run_writes_nothing(tmp_path, blacklisted):
    """--dry-run prints the same summary and leaves the base untouched."""
    path = write_csv(tmp_path / "clients.csv", RUSSIAN_ROWS)
    out = io.StringIO()
    with translation.override("en"):
        call_command("import", str(path), "--dry-run", stdout=out)
    assert "Created: 3" in out.getvalue()
    assert not Contact.objects.exists()


def test_command_line_with_mapping_and_project(tmp_path, sales_project):
    """zvonar import with a mapping file and a project prints the summary and creates leads."""
    path = write_csv(tmp_path / "x.csv", [["A", "B"], ["Петров", "89123456789"]], "cp1251")
    mapping = tmp_path / "map.json"
    mapping.write_text('{"A": "last_name", "B": "phone"}')
    out = io.StringIO()
    with translation.override("ru"):
        call_command(
            "import", str(path), "--project", "Продажи", "--mapping", str(mapping), stdout=out
        )
    assert "Создано: 1" in out.getvalue()
    assert Lead.objects.get().contact.last_name == "Петров"


BROKEN_FILES = {
    "wrong encoding": (
        lambda: "Фамилия;Телефон\r\nПетров;89123456789\r\n".encode("cp1251"),
        {"encoding": "utf-8-sig"},
        "не в кодировке UTF-8",
    ),
    "broken quoting": (
        lambda: 'Фамилия;Телефон\r\n"Петров"x;89123456789\r\n'.encode(),
        {},
        "повреждён",
    ),
    "unclosed quote": (
        lambda: 'Фамилия;Телефон\r\n"Петров;89123456789\r\nИванов;89161234567\r\n'.encode(),
        {},
        "повреждён",
    ),
    "empty": (lambda: b"", {}, "пуст"),
    "binary": (lambda: os.urandom(4096), {}, "двоичн"),
    "no phone column": (
        lambda: "Фамилия;Имя\r\nПетров;Пётр\r\n".encode(),
        {},
        "телефон",
    ),
}


@pytest.mark.parametrize("case", BROKEN_FILES)
def test_broken_files_get_a_clear_error_and_write_nothing(tmp_path, db, case):
    """Each broken file is refused with a message in the user's language; nothing is written."""
    content, options, message = BROKEN_FILES[case]
    path = tmp_path / "clients.csv"
    path.write_bytes(content())
    with translation.override("ru"), pytest.raises(ImportFileError) as error:
        import_file(path, ImportOptions(**options))
    assert message in str(error.value)
    assert not Contact.objects.exists()
    with translation.override("en"), pytest.raises(CommandError):
        arguments = [f"--encoding={options['encoding']}"] if options else []
        call_command("import", str(path), *arguments, stdout=io.StringIO())


def test_broken_quoting_late_in_a_big_file_writes_nothing(tmp_path, db):
    """A broken line after thousands of good ones still leaves the base untouched."""
    rows = [["Фамилия", "Телефон"]] + [["Петров", f"8912{n:07d}"] for n in range(5000)]
    path = write_csv(tmp_path / "big.csv", rows)
    with open(path, "ab") as handle:
        handle.write('"Сломанный;89161234567\r\n'.encode())
    with pytest.raises(ImportFileError):
        import_file(path, ImportOptions())
    assert not Contact.objects.exists()


def test_any_of_finds_what_in_finds(db):
    """The import's `any_of` look-up selects the rows `in` selects, also for an empty list."""
    first = make_contact("+7 912 345 67 01", last_name="Первый")
    make_contact("+7 912 345 67 02", last_name="Второй")
    numbers = ["+79123456701", "+79990000000"]
    assert list(Phone.objects.filter(number__any_of=numbers)) == list(
        Phone.objects.filter(number__in=numbers)
    )
    assert list(Contact.objects.filter(pk__any_of={first.pk})) == [first]
    assert not Contact.objects.filter(pk__any_of=[]).exists()
    odd = make_contact("+7 912 345 67 03", last_name='О"Нил, {мл.} NULL')
    names = ['О"Нил, {мл.} NULL', "NULL", "Первый"]
    assert set(Contact.objects.filter(last_name__any_of=names)) == {first, odd}


def test_backslashes_tabs_and_line_breaks_are_stored_as_written(tmp_path, db):
    """Cells with a backslash, a tab, a literal \\N and line breaks, also in a custom field,
    come back from the base exactly as they were in the file."""
    from zvonar.crm.models import CardField, CardTemplate

    template = CardTemplate.objects.create(name="Клиент")
    CardField.objects.create(template=template, code="note", label="Заметка", field_type="text")
    comment = 'таб\tи \\N, "кавычки"\r\nи C:\\путь\\'
    rows = [["Фамилия", "Телефон", "Комментарий", "Заметка"]]
    rows.append(["Обратный\\Слэш", "89123456789", comment, '{"a": \\1}\t'])
    assert import_file(write_csv(tmp_path / "x.csv", rows), ImportOptions()).created == 1
    contact = Contact.objects.get()
    assert (contact.last_name, contact.comment) == ("Обратный\\Слэш", comment)
    assert contact.custom_fields == {"note": '{"a": \\1}'}


def test_the_cycle_collector_pauses_during_imports_and_resumes_after_the_last():
    import gc

    from zvonar.crm.importing import cycle_collection_paused

    assert gc.isenabled()
    first, second = cycle_collection_paused(), cycle_collection_paused()
    first.__enter__()
    second.__enter__()
    assert not gc.isenabled()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the other import still runs
    second.__exit__(None, None, None)
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), cycle_collection_paused():
        raise ZeroDivisionError
    assert gc.isenabled()

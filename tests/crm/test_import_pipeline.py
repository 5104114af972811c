"""The pipelined import (a writer thread writes batch N while batch N+1 is classified) decides
every row as the import written batch by batch in one thread does."""

import csv
import io
import threading

import pytest
from django.db import connection
from django.utils import timezone
from tests.personas import make_contact

from zvonar.campaigns.models import Lead
from zvonar.crm import importing
from zvonar.crm.choices import DuplicatePolicyChoices
from zvonar.crm.importing import ContactImporter, ImportOptions, import_file, run_import_job
from zvonar.crm.models import BlacklistEntry, Category, Contact, ImportJob, Tag

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="only PostgreSQL imports in a writer thread"
    ),
]

HEADER = ["Фамилия", "Имя", "Компания", "Телефон компании", "Телефон", "E-mail", "Категория"]
HEADER += ["Теги", "Комментарий", "Ответственный"]
# Batches of four rows: duplicates of rows in earlier batches, still being written or not.
ROWS = [
    ["Петров", "Пётр", "", "", "+79120000001", "p1@example.ru", "Горячие", "vip", "первый", ""],
    ["Иванова", "Анна", "ООО Ромашка", "+74951234567", "+79120000002", "", "", "", "", ""],
    ["Сидоров", "Семён", "", "", "89120000003", "", "Горячие", "", "", ""],
    ["Кузнецов", "Иван", "", "", "+79120000004", "", "", "", "", "nobody"],
    # batch 2
    ["Петров", "", "", "", "8 912 000-00-01", "p2@example.ru", "", "new", "второй", ""],
    ["Смирнова", "Ольга", "ООО Ромашка", "+74951234567", "+79120000006", "", "", "", "", ""],
    ["Попов", "", "", "", "+79120000004", "", "Холодные", "", "", ""],
    ["Чёрный", "", "", "", "+79030001122", "", "", "", "", ""],
    # batch 3
    ["Фирма", "", "", "", "+7 495 123-45-67", "", "", "", "", ""],
    ["Базовый", "Новый", "", "", "+79160000000", "", "", "", "", ""],
    ["Двойной", "", "", "", "+79120000011, +79120000003", "", "", "", "", ""],
    ["Воскресший", "", "", "", "+79160000099", "", "", "", "", ""],
    # batch 4
    ["Двенадцатый", "", "", "", "+79120000011", "d@example.ru", "", "", "", ""],
    ["Без", "Телефона", "", "", "", "", "", "", "", ""],
]
EXPECTED_SKIP = {
    "total": 14,
    "created": 7,
    "updated": 0,
    "merged": 0,
    "skipped_no_phone": 1,
    "skipped_duplicate": 4,
    "skipped_blacklisted": 1,
    "invalid": 1,
}


def write_file(path):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([HEADER, *ROWS])
    path.write_bytes(buffer.getvalue().encode("cp1251"))
    return path


def prepare_base():
    make_contact("+7 916 000 00 00", last_name="Базовый")
    deleted = make_contact("+7 916 000 00 99", last_name="Удалённый")
    Contact.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    BlacklistEntry.objects.create(number="+79030001122")


def clear_base():
    Lead.objects.all().delete()
    Contact.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    BlacklistEntry.objects.all().delete()


def snapshot():
    """The base by natural keys (ids differ between runs)."""
    contacts = []
    for contact in Contact.objects.prefetch_related("phones", "emails", "tags").select_related(
        "category", "company"
    ):
        contacts.append(
            (
                contact.kind,
                contact.last_name,
                contact.first_name,
                contact.company_name,
                contact.comment,
                contact.category.name if contact.category else "",
                contact.company.company_name if contact.company else "",
                tuple(sorted((p.number, p.is_primary) for p in contact.phones.all())),
                tuple(sorted((e.address, e.is_primary) for e in contact.emails.all())),
                tuple(sorted(tag.name for tag in contact.tags.all())),
                contact.deleted_at is None,
                Lead.objects.filter(contact=contact).count(),
            )
        )
    return sorted(contacts)


def run(tmp_path, monkeypatch, policy, pipelined, project):
    prepare_base()
    rejected = tmp_path / f"rejected-{policy}-{pipelined}.csv"
    options = ImportOptions(policy=policy, project_id=project.pk)
    writers = []
    original = importing.BatchWriter.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        writers.append(self)

    with monkeypatch.context() as patch:
        patch.setattr(importing.BatchWriter, "__init__", spy)
        summary = import_file(
            write_file(tmp_path / "clients.csv"),
            options,
            rejected_path=rejected,
            pipelined=pipelined,
        )
    assert (writers[0].thread is not None) == pipelined
    result = (summary.__dict__, snapshot(), rejected.read_text("utf-8-sig"))
    clear_base()
    return result


@pytest.mark.parametrize("policy", list(DuplicatePolicyChoices.values))
def test_pipelined_import_decides_as_the_one_thread_import(
    tmp_path, monkeypatch, sales_project, policy
):
    """With duplicates of rows in batches still being written, of rows made invalid, of a
    company card, of the base and of a deleted contact, both ways give the same counts, the
    same base and the same rejected rows, for each duplicate policy."""
    monkeypatch.setattr(importing, "BATCH_SIZE", 4)
    one_thread = run(tmp_path, monkeypatch, policy, False, sales_project)
    pipelined = run(tmp_path, monkeypatch, policy, True, sales_project)
    assert pipelined == one_thread
    if policy == DuplicatePolicyChoices.SKIP:
        assert pipelined[0] == EXPECTED_SKIP
    else:
        # Rows 5, 9, 10, 11 and 12 go to the contacts their numbers belong to.
        assert pipelined[0]["created"] == 6
        assert pipelined[0]["updated" if policy == "update" else "merged"] == 5


def test_a_failing_writer_fails_the_import_and_leaves_no_half_batch(tmp_path, monkeypatch):
    """An error while writing batch 2 is raised to the caller, batch 2 is rolled back whole,
    nothing after it is written and the writer thread ends."""
    monkeypatch.setattr(importing, "BATCH_SIZE", 4)
    write_batch = ContactImporter.write_batch
    calls = []

    def failing(self, plan):
        calls.append(plan)
        write_batch(self, plan)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(ContactImporter, "write_batch", failing)
    threads = threading.active_count()
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(write_file(tmp_path / "clients.csv"), ImportOptions())
    assert threading.active_count() == threads
    # Batch 1: Петров, Иванова with her company card, Сидоров.
    assert Contact.objects.count() == 4
    assert not Contact.objects.filter(last_name="Смирнова").exists()


def test_a_failing_writer_leaves_a_clear_job_error(tmp_path, monkeypatch, settings, admin_anna):
    """The wizard's job ends "failed" with the writer's error and the progress of the batches
    that were committed."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(importing, "BATCH_SIZE", 4)
    write_file(tmp_path / "clients.csv")
    job = ImportJob.objects.create(
        file="clients.csv", original_name="clients.csv", options={}, created_by=admin_anna
    )

    def failing(self, plan):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ContactImporter, "write_batch", failing)
    with pytest.raises(RuntimeError):
        run_import_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_processed) == ("failed", 0)
    assert "disk full" in job.error
    assert not Contact.objects.exists()

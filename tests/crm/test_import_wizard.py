"""The import wizard through the test client, the background job and `zvonar worker`."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from tests.personas import logged_in

from zvonar.crm.importing import run_import_job
from zvonar.crm.models import Category, Contact, ImportJob

CSV = "Фамилия;Имя;Телефон\r\nПетров;Пётр;8 912 345-67-89\r\nБезномерный;Иван;\r\n".encode("cp1251")


def upload(client, content=CSV, name="clients.csv"):
    return client.post("/crm/import/", {"file": SimpleUploadedFile(name, content)})


def test_wizard_previews_then_imports_in_the_background(
    admin_anna, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Upload, preview (nothing written), confirm: the job imports and reports the counts."""
    settings.MEDIA_ROOT = tmp_path
    client = logged_in(admin_anna)
    assert upload(client)["Location"] == "/crm/import/settings/"
    page = client.get("/crm/import/settings/").content.decode()
    assert "cp1251" in page and 'value="last_name" selected' in page
    category = Category.objects.create(name="Холодные")
    form = {
        "encoding": "auto",
        "delimiter": "auto",
        "has_header": "on",
        "column_0": "last_name",
        "column_1": "first_name",
        "column_2": "phone",
        "policy": "skip",
        "category": category.pk,
        "preview": "",
    }
    page = client.post("/crm/import/settings/", form).content.decode()
    assert 'data-status="created"' in page and 'data-status="no_phone"' in page
    assert not Contact.objects.exists()
    del form["preview"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/crm/import/settings/", {**form, "confirm": ""})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/crm/import/{job.pk}/" and len(callbacks) == 1
    run_import_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created, job.skipped_no_phone, job.percent) == ("done", 1, 1, 100)
    assert Contact.objects.get().category == category
    progress = client.get(f"/crm/import/{job.pk}/", headers={"HX-Request": "true"})
    assert 'data-count="created">1<' in progress.content.decode()
    rejected = client.get(f"/crm/import/{job.pk}/rejected/")
    assert "Безномерный" in b"".join(rejected.streaming_content).decode("utf-8-sig")


def test_wizard_shows_a_file_error(admin_anna, settings, tmp_path):
    """A binary file gets the error on the settings page, in the user's language."""
    settings.MEDIA_ROOT = tmp_path
    client = logged_in(admin_anna)
    upload(client, bytes(range(256)) * 8)
    page = client.get("/crm/import/settings/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'data-testid="import-error"' in page


def test_worker_runs_pending_jobs(admin_anna, settings, tmp_path):
    """`zvonar worker --once` runs a job left pending."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "left.csv").write_bytes(CSV)
    job = ImportJob.objects.create(
        file="imports/left.csv", original_name="left.csv", options={}, created_by=admin_anna
    )
    call_command("worker", "--once", stdout=io.StringIO())
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 1)


def test_samples_download(admin_anna):
    """Both sample files download as CSV."""
    client = logged_in(admin_anna)
    for kind in ("persons", "companies"):
        assert "Телефон" in client.get(f"/crm/import/sample/{kind}/").content.decode("utf-8-sig")

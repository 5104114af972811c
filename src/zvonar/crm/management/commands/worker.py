"""zvonar worker: run the imports left pending (e.g. by a restart) and then wait for more."""

import time

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from zvonar.crm.choices import ImportStatusChoices
from zvonar.crm.importing import run_import_job
from zvonar.crm.models import ImportJob


class Command(BaseCommand):
    help = "Run pending background jobs (contact imports)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is pending and stop")
        parser.add_argument("--interval", type=float, default=2.0)

    def handle(self, *args, **options):
        # A job "running" for an hour without progress was cut by a restart.
        stale = timezone.now() - timezone.timedelta(hours=1)
        ImportJob.objects.filter(
            Q(status=ImportStatusChoices.RUNNING) & Q(started_at__lt=stale)
        ).update(status=ImportStatusChoices.PENDING)
        while True:
            pending = list(
                ImportJob.objects.filter(status=ImportStatusChoices.PENDING)
                .order_by("created_at")
                .values_list("pk", flat=True)
            )
            for job_id in pending:
                run_import_job(job_id)
                self.stdout.write(f"import {job_id}: {ImportJob.objects.get(pk=job_id).status}")
            if options["once"]:
                return
            time.sleep(options["interval"])

"""`zvonar demo`: load the demo data (idempotent) and print the logins."""

from django.core.management.base import BaseCommand

from zvonar.demo.builder import load_demo
from zvonar.demo.logins import demo_logins_text


class Command(BaseCommand):
    help = "Load demo users, projects and 500 contacts (again: only resets demo passwords)."

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=int, default=500)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, contacts, seed, **options):
        created = load_demo(contacts=contacts, seed=seed)
        if created:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data was already loaded; demo passwords reset.")
        self.stdout.write(demo_logins_text())

"""zvonar import FILE: the import wizard's engine from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zvonar.crm.choices import DuplicatePolicyChoices
from zvonar.crm.importing import (
    ImportFileError,
    ImportOptions,
    import_file,
    load_mapping,
    mapping_from_names,
    open_table,
)


class Command(BaseCommand):
    help = "Import contacts from a CSV or XLSX file and print the summary."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--project", help="project name or id")
        parser.add_argument("--category", help="category name or id (created if missing)")
        parser.add_argument("--encoding", default="auto")
        parser.add_argument("--delimiter", default="auto", help="auto, ';', ',', 'tab' or '|'")
        parser.add_argument("--mapping", type=Path, help="JSON: {column title: field}")
        parser.add_argument(
            "--duplicates", default="skip", choices=[c for c, _l in DuplicatePolicyChoices.choices]
        )
        parser.add_argument("--no-header", action="store_true")
        parser.add_argument("--rejected", type=Path, help="write the rejected rows here")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, **options):
        from zvonar.campaigns.models import Project
        from zvonar.crm.models import Category

        delimiter = {"tab": "\t", "\\t": "\t"}.get(options["delimiter"], options["delimiter"])
        import_options = ImportOptions(
            encoding=options["encoding"],
            delimiter=delimiter,
            has_header=not options["no_header"],
            policy=options["duplicates"],
        )
        if project := options["project"]:
            found = Project.objects.filter(pk=int(project)) if project.isdigit() else None
            found = found or Project.objects.filter(name=project)
            if not found:
                raise CommandError(f"No project {project!r}.")
            import_options.project_id = found[0].pk
        if category := options["category"]:
            if category.isdigit():
                import_options.category_id = Category.objects.get(pk=int(category)).pk
            else:
                import_options.category_id = Category.objects.get_or_create(name=category)[0].pk
        try:
            if options["mapping"]:
                _format, header, _rows = open_table(options["file"], import_options)
                import_options.mapping = mapping_from_names(
                    header, load_mapping(options["mapping"])
                )
            summary = import_file(
                options["file"],
                import_options,
                dry_run=options["dry_run"],
                rejected_path=options["rejected"],
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)

"""`python manage.py import_schools FILE.csv [--dry-run]`: bring Brugwijzer's schools in line with an
official school list. The format is described in schools/importer.py; the import is all or
nothing, and every problem is printed with its line number. Exits with status 1 when there are
problems (nothing imported), 0 otherwise.

It lives in portal, not schools, because it also links schools to their CLB (bridge).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.data_imports import import_school_list


class Command(BaseCommand):
    help = (
        "Import an official school list (CSV: instellingsnummer,naam,straat,postcode,nis_code,lat,lon,net,niveau,clb), "
        "all or nothing, matched on the institution number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8; comma or semicolon).")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, but write nothing.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None

        report = import_school_list(data, dry_run=options["dry_run"], source=path.name)
        if not report.ok:
            for problem in report.sorted_problems:
                self.stderr.write(str(problem))
            count = len(report.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {path.name}; nothing was imported.", returncode=1
            )

        if options["verbosity"] >= 2:
            for change in report.changed:
                if change.action == "create":
                    details = "; ".join(f"{label}: {new}" for label, _old, new in change.display())
                else:
                    details = "; ".join(f"{label}: {old or '—'} → {new or '—'}" for label, old, new in change.display())
                self.stdout.write(
                    f"line {change.line}: {change.action} {change.institution_number} {change.name}: {details}"
                )
        summary = f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged."
        if options["dry_run"]:
            self.stdout.write(f"Dry run, nothing written: {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Schools imported from {path.name}: {summary}"))

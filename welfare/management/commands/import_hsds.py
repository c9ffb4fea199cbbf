"""`python manage.py import_hsds IN.json [--dry-run]`: create or update organisations, locations
and offers from Open Referral HSDS 3.0 — an array of services, or of organizations with nested
services (docs/hsds-profile.md).

All or nothing: every problem is printed with the record's id and the field's path, and then
nothing is imported and the command exits with status 1. Warnings (what could not be mapped and
was left out) do not stop the import. --dry-run checks and reports what would change, without
writing; -v 2 lists the changes of a real import too.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from welfare.hsds import KINDS, HsdsProblem, import_services

LABELS = {"organization": "organisations", "service": "services", "location": "locations"}


def _line(problem: HsdsProblem) -> str:
    where = " ".join(part for part in (problem.record_id and f"record {problem.record_id}", problem.path) if part)
    return f"{where}: {problem.problem}" if where else problem.problem


class Command(BaseCommand):
    help = "Import HSDS 3.0 services (JSON), all or nothing, matched on their HSDS id."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file: an array of HSDS services or organizations.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report, but write nothing.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        payload = self._read(path)
        report = import_services(payload, dry_run=options["dry_run"])
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {_line(warning)}"))
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"error: {_line(error)}")
            count = len(report.errors)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {path.name}; nothing was imported.", returncode=1
            )
        if options["dry_run"] or options["verbosity"] >= 2:
            for change in report.changes:
                self.stdout.write(change)
        summary = "; ".join(
            f"{LABELS[kind]}: {report.created[kind]} created, {report.updated[kind]} updated, "
            f"{report.unchanged[kind]} unchanged"
            for kind in KINDS
        )
        if options["dry_run"]:
            self.stdout.write(f"Dry run, nothing written. {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}. {summary}."))

    def _read(self, path: Path):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.", returncode=1) from None
        try:
            return json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise CommandError(f"{path.name} is not UTF-8 text; nothing was imported.", returncode=1) from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
                "nothing was imported.",
                returncode=1,
            ) from None
        except RecursionError:
            raise CommandError(
                f"{path.name} is nested too deeply to read; nothing was imported.", returncode=1
            ) from None

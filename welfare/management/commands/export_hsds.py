"""`python manage.py export_hsds OUT.json`: every active public offer as a JSON array of Open
Referral HSDS 3.0 services, fully nested (docs/hsds-profile.md). `-` writes to standard output.

Every service is checked against the official schema before the file is written; when one
fails, nothing is written and the command exits with status 1.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from welfare.hsds import export_services, schema_problems


class Command(BaseCommand):
    help = "Export every active public offer as a JSON array of HSDS 3.0 services (OUT.json, or - for stdout)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="The file to write (replaced if it exists), or - for standard output.")

    def handle(self, *args, **options):
        services = export_services()
        problems = [
            f"service {service['id']} at {path or '(the record)'}: {problem}"
            for service in services
            for path, problem in schema_problems(service)
        ]
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError("The export does not match the HSDS schema; nothing was written.", returncode=1)
        text = json.dumps(services, ensure_ascii=False, indent=2) + "\n"
        if options["out"] == "-":
            sys.stdout.write(text)
            return
        path = Path(options["out"])
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(services)} services to {path}."))

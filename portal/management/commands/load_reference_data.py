from django.core.management.base import BaseCommand

from portal.reference import load_reference_data


class Command(BaseCommand):
    help = "Load municipalities, postal codes, languages, life domains and organisation kinds (idempotent)."

    def handle(self, *args, **options):
        report = load_reference_data()
        self.stdout.write(f"Reference data: {report.created} created, {report.updated} updated.")

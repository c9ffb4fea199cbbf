from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DemoDataError, seed_demo


class Command(BaseCommand):
    help = "Load the demo region (the Waasland), idempotently; demo logins only when DEBUG is on."

    def handle(self, *args, **options):
        try:
            report = seed_demo(with_accounts=settings.DEBUG)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())

from django.core.management.base import BaseCommand, CommandError

from bridge.services import remind_and_expire


class Command(BaseCommand):
    help = (
        "Remind welfare organisations of match requests they have not answered, and let requests "
        "expire that stay unanswered (the proposer is told by e-mail). Run it once a day, e.g. from "
        "cron: `15 6 * * * cd /srv/brugwijzer && .venv/bin/python manage.py expire_match_requests`. "
        "Safe to run more often or twice at once: a request is reminded once and expires once. "
        "Days come from the settings MATCH_REMIND_AFTER_DAYS (default 7) and MATCH_EXPIRE_AFTER_DAYS "
        "(default 14), or the options below."
    )

    def add_arguments(self, parser):
        parser.add_argument("--remind-after-days", type=int, help="Override MATCH_REMIND_AFTER_DAYS.")
        parser.add_argument("--expire-after-days", type=int, help="Override MATCH_EXPIRE_AFTER_DAYS.")

    def handle(self, *args, **options):
        try:
            counts = remind_and_expire(
                remind_after_days=options["remind_after_days"], expire_after_days=options["expire_after_days"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Match requests: {counts['reminded']} reminded, {counts['expired']} expired.")

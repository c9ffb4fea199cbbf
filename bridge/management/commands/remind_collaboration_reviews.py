from django.core.management.base import BaseCommand

from bridge.record_services import remind_reviews


class Command(BaseCommand):
    help = (
        "E-mail the partners of collaborations whose review date is at most a week away (or has "
        "passed), once per review date. Run it once a day, e.g. from cron: "
        "`30 6 * * * cd /srv/brugwijzer && .venv/bin/python manage.py remind_collaboration_reviews`. "
        "Safe to run more often or twice at once."
    )

    def handle(self, *args, **options):
        count = remind_reviews()
        self.stdout.write(f"Collaboration reviews: {count} reminded.")

"""Inside Django, for one benchmark database: the requests to measure, sessions to send them with,
and the SQL queries each one runs (in-process, Django's test Client, CaptureQueriesContext).

Prints one JSON object on stdout; bench/run.py calls it once per database. The environment
(DATABASE_URL, SECRET_KEY, …) must be the one gunicorn runs with, or the sessions do not match.
"""

import json
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from generate import API_TOKEN, CITY_NIS, GOVERNMENT_USER, SCHOOL_USER  # noqa: E402

from bridge import data_version  # noqa: E402
from families.models import FamilyNeed, NeedStatus  # noqa: E402
from portal.models import Membership, User  # noqa: E402
from welfare.models import Offer  # noqa: E402

# The city view of the map: Gent and around, as the map asks for it at zoom 12 or so.
CITY_BBOX = "3.60,50.96,3.82,51.08"


def session_for(user: User) -> str:
    """A signed-in session made directly in the database, as a login would leave it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def endpoints() -> list[dict]:
    school_user = User.objects.get(email=SCHOOL_USER)
    government = User.objects.get(email=GOVERNMENT_USER)
    school = Membership.objects.get(user=school_user).school
    need = FamilyNeed.objects.filter(school=school, status=NeedStatus.OPEN).order_by("pk").first()
    return [
        {"name": "floor", "label": "Minimal page (login form): the floor", "path": "/account/login/"},
        {
            "name": "directory_search",
            "label": "Directory search (full page)",
            "path": "/aanbod/?q=huiswerkbegeleiding",
        },
        {
            "name": "directory_filter",
            "label": "Directory filter (htmx partial)",
            "path": "/aanbod/?municipality=Gent&domain=leren&age=8&cost=free_or_low",
            "headers": {"HX-Request": "true"},
        },
        {
            "name": "matching",
            "label": "Matching view of a need",
            "path": f"/samenwerking/noden/{need.pk}/partners/",
            "user": school_user.pk,
        },
        {
            "name": "matches_api",
            "label": "Matches API (JSON, token)",
            "path": f"/api/v1/matches?school={school.institution_number}&domains=leren,opvoeding&min_age=6&max_age=12",
            "headers": {"Authorization": f"Bearer {API_TOKEN}"},
        },
        {
            "name": "map_geojson",
            "label": "Map GeoJSON, city view (Gent)",
            "path": f"/kaart/data.geojson?bbox={CITY_BBOX}",
            "user": government.pk,
        },
        {
            "name": "dashboard",
            "label": "Municipality dashboard (Gent)",
            "path": f"/gemeente/{CITY_NIS}/",
            "user": government.pk,
        },
        {
            # Its numbers are cached until the data behind them changes (bridge.data_version): this
            # one bumps the version before every request, so each is the first view after a change.
            "name": "dashboard_changed",
            "label": "Municipality dashboard (Gent), first view after a change",
            "path": f"/gemeente/{CITY_NIS}/",
            "user": government.pk,
            "bump": True,
        },
    ]


def bump_data_version(cursor) -> None:
    """What any change to a need, offer, collaboration … does (bridge.data_version)."""
    cursor.execute(f"SELECT nextval('{data_version.NAME}')")


def count_queries(items: list[dict]) -> None:
    """Adds `queries` and `status` to each item: one warm-up request, then one counted."""
    clients = {}
    for item in items:
        user_id = item.get("user")
        if user_id not in clients:
            clients[user_id] = Client()
            if user_id is not None:
                clients[user_id].force_login(User.objects.get(pk=user_id))
        client = clients[user_id]
        headers = item.get("headers", {})
        client.get(item["path"], headers=headers)
        if item.get("bump"):
            with connection.cursor() as cursor:
                bump_data_version(cursor)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(item["path"], headers=headers)
        item["queries"] = len(captured.captured_queries)
        item["status"] = response.status_code


def main() -> None:
    items = endpoints()
    count_queries(items)
    users = {item["user"] for item in items if item.get("user")}
    sessions = {str(pk): session_for(User.objects.get(pk=pk)) for pk in users}
    print(
        json.dumps(
            {
                "endpoints": items,
                "sessions": sessions,
                "offers": Offer.objects.count(),
                "public_offers": Offer.objects.public().count(),
                "needs": FamilyNeed.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    main()

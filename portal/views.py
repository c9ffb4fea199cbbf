from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bridge.models import Collaboration
from families.models import LifeDomain
from schools.models import School
from welfare.models import Offer, Organisation


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What Brugwijzer does for each kind of user, live counts and the life domains.

    Always five queries for the page itself (four counts and the life domains), however
    much data there is; the navigation adds its own fixed few for a signed-in user.
    """
    counts = {
        "schools": School.objects.verified().count(),
        "organisations": Organisation.objects.verified().count(),
        "offers": Offer.objects.public().count(),
        "collaborations": Collaboration.objects.exclude(status="proposed").count(),
    }
    life_domains = list(LifeDomain.objects.only("slug", "name", "description", "icon", "position"))
    return render(request, "portal/home.html", {"counts": counts, "life_domains": life_domains})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

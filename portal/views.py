from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bridge.models import Collaboration
from schools.models import School
from welfare.models import Offer, Organisation


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    counts = {
        "schools": School.objects.count(),
        "organisations": Organisation.objects.verified().count(),
        "offers": Offer.objects.public().count(),
        "collaborations": Collaboration.objects.exclude(status="proposed").count(),
    }
    return render(request, "portal/home.html", {"counts": counts})


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

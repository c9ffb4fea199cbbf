"""Collaborations, read-only for now: the list of those a user is part of, and one collaboration.

A later issue builds the full record (agreements, follow-up, evaluation); these pages show what
an accepted match request starts.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst
from django.views.decorators.http import require_GET

from bridge.access import collaborations_visible_to
from bridge.models import CollaborationStatus
from families.models import FamilyNeed

COLLABORATIONS_PER_PAGE = 20


@require_GET
@login_required
def collaboration_list(request: HttpRequest) -> HttpResponse:
    """The user's collaborations, newest first, optionally one status; three queries a page."""
    collaborations = collaborations_visible_to(request.user)
    status = request.GET.get("status", "")
    if status not in CollaborationStatus.values:
        status = ""
    if status:
        collaborations = collaborations.filter(status=status)
    collaborations = (
        collaborations.select_related("school__municipality")
        .prefetch_related("organisations")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(collaborations, COLLABORATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "status": status,
        "statuses": [(value, capfirst(label)) for value, label in CollaborationStatus.choices],
    }
    return render(request, "bridge/collaborations/list.html", context)


@require_GET
@login_required
def collaboration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One collaboration: who, for which needs (described anonymously), since when, and the
    request it came from. 404 for anyone who is not part of it."""
    collaboration = get_object_or_404(
        collaborations_visible_to(request.user)
        .select_related(
            "school__municipality",
            "broker",
            "match_request__offer__organisation",
            "match_request__proposed_by",
            "match_request__answered_by",
        )
        .prefetch_related(
            "organisations",
            "life_domains",
            Prefetch("needs", queryset=FamilyNeed.objects.prefetch_related("life_domains").order_by("title")),
        ),
        pk=pk,
    )
    return render(request, "bridge/collaborations/detail.html", {"collaboration": collaboration})

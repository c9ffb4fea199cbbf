from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from families.models import FamilyNeed, NeedStatus
from schools.access import get_school_for
from schools.forms import SchoolProfileForm
from schools.services import SchoolProfileError, update_school_profile

NEEDS_ON_SCHOOL_PAGE = 10


@require_GET
@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The school's profile and its needs, open ones first: for the people who work with the school.

    A fixed number of queries whatever the number of needs: the school with the visitor's
    relation to it, its bridge figures, the counts per status, the needs and their life domains.
    """
    school = get_school_for(request.user, pk)
    bridge_figures = list(
        school.bridge_figures.select_related("user", "employer").order_by("user__full_name", "user__email")
    )
    needs: list[FamilyNeed] = []
    counts: dict[str, int] = {}
    if school.access.can_view_needs:
        counts = dict(school.needs.order_by().values_list("status").annotate(n=Count("id")))
        needs = list(
            school.needs.annotate(
                open_first=Case(
                    When(status=NeedStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .prefetch_related("life_domains")
            .order_by("open_first", "-created_at", "-id")[:NEEDS_ON_SCHOOL_PAGE]
        )
    total = sum(counts.values())
    return render(
        request,
        "schools/detail.html",
        {
            "school": school,
            "access": school.access,
            "bridge_figures": bridge_figures,
            "needs": needs,
            "open_count": counts.get(NeedStatus.OPEN, 0),
            "addressed_count": counts.get(NeedStatus.ADDRESSED, 0),
            "withdrawn_count": counts.get(NeedStatus.WITHDRAWN, 0),
            "total_count": total,
            "more_needs": total > len(needs),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The profile form, for the school's administrators and moderators."""
    school = get_school_for(request.user, pk, write=True)
    form = SchoolProfileForm(
        request.POST if request.method == "POST" else None,
        school=school,
        can_edit_institution_number=school.access.can_edit_institution_number,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changes = update_school_profile(school=school, by=request.user, data=form.profile_data())
        except SchoolProfileError as error:
            form.add_error(None, str(error))
        else:
            if changes:
                messages.success(request, _("The profile of %(school)s has been saved.") % {"school": school.name})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("schools:detail", pk=school.pk)
    return render(request, "schools/edit.html", {"school": school, "form": form})

"""The municipality dashboard, the barrier form and the bridge views, mounted at /gemeente/.

Who sees what is decided in bridge.dashboard (the dashboard, the municipality's bridge and the
barrier form) and, for one school's bridge, here with schools.access (see `school_bridge`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bridge import bridge_view
from bridge.barrier_forms import BarrierForm
from bridge.dashboard import (
    SMALL_COUNT,
    BarrierError,
    Dashboard,
    DashboardAccess,
    barriers_in,
    can_signal,
    dashboard_access,
    dashboard_municipalities,
    get_dashboard_access,
    get_signal_municipality,
    has_dashboard_role,
    municipality_dashboard,
    school_ties,
    signal_barrier,
    signalling_schools,
)
from bridge.models import BarrierKind
from portal.links import url_maker
from portal.models import Membership
from portal.redirects import local_url
from schools.access import get_school_for

BARRIERS_PER_PAGE = 10
MUNICIPALITIES_PER_PAGE = 50


# --- the index ------------------------------------------------------------------------------------------


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Straight to the user's municipality when there is one; otherwise a chooser.

    A local government goes to its own municipality; CLB staff and bridge figures with schools
    in one municipality go there, with schools in several choose; moderators choose among every
    municipality with a school. Anyone else has no dashboard (403).
    """
    user = request.user
    if not has_dashboard_role(user):
        raise PermissionDenied
    own = (
        Membership.objects.approved()
        .filter(user=user, municipality__isnull=False)
        .values_list("municipality__nis_code", flat=True)
        .first()
    )
    if own and not user.is_moderator:
        return redirect("dashboard:municipality", nis_code=own)
    municipalities = dashboard_municipalities(user).order_by("name_nl", "pk")
    if not user.is_moderator:
        choices = list(municipalities[:2])
        if len(choices) == 1:
            return redirect("dashboard:municipality", nis_code=choices[0].nis_code)
    page = Paginator(municipalities, MUNICIPALITIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "bridge/dashboard/index.html", {"page_obj": page})


# --- the dashboard --------------------------------------------------------------------------------------


def _school_links(dashboard: Dashboard) -> list[dict]:
    """Name and page address (empty when the viewer may not open it) of each school without a
    collaboration: one reverse() for them all."""
    address = url_maker("schools:detail")
    return [
        {"name": school.name, "url": address(school.pk) if school.can_view else ""}
        for school in dashboard.schools_without
    ]


def _barrier_page(request: HttpRequest, access: DashboardAccess):
    kind = request.GET.get("drempel", "")
    if kind not in BarrierKind.values:
        kind = ""
    barriers = barriers_in(access.municipality)
    if kind:
        barriers = barriers.filter(kind=kind)
    page = Paginator(barriers, BARRIERS_PER_PAGE).get_page(request.GET.get("page"))
    return kind, page


def _barrier_context(request: HttpRequest, access: DashboardAccess) -> dict:
    kind, page = _barrier_page(request, access)
    return {
        "access": access,
        "municipality": access.municipality,
        "barrier_kind": kind,
        "barrier_kinds": [(value, capfirst(label)) for value, label in BarrierKind.choices],
        "barrier_page": page,
    }


@require_GET
@login_required
def municipality(request: HttpRequest, nis_code: str) -> HttpResponse:
    """The dashboard of one municipality; with htmx only the barrier list (its filter and pages).

    Everyone who sees a dashboard may open the gap report (bridge.gaps.gap_scope_for), so the
    page links it without asking again."""
    access = get_dashboard_access(request.user, nis_code)
    if request.htmx:
        response = render(request, "bridge/dashboard/municipality.html#barriers", _barrier_context(request, access))
        patch_vary_headers(response, ("HX-Request",))
        return response
    ties = school_ties(request.user, access.municipality, access.ties)
    suppress = access.suppress_small_counts
    dashboard = municipality_dashboard(
        municipality=access.municipality, user=request.user, ties=ties, suppress_small_counts=suppress
    )
    gaps = dashboard.gaps
    context = {
        **_barrier_context(request, access),
        "dashboard": dashboard,
        "charts": dashboard.charts[suppress],
        "schools_without": _school_links(dashboard),
        "small_count": SMALL_COUNT,
        "domains": [
            {
                "domain": domain,
                "open": access.shown(domain.open_needs),
                "addressed": access.shown(domain.addressed_needs),
                "families": access.shown(domain.open_families),
            }
            for domain in dashboard.domains
        ],
        "totals": {
            "open": access.shown(dashboard.open_needs),
            "addressed": access.shown(dashboard.addressed_needs),
            "families": access.shown(dashboard.open_families),
            "with_partner": access.shown(dashboard.needs_with_partner),
            "counted": access.shown(dashboard.needs_counted),
        },
        "share_hidden": dashboard.share_hidden(suppress=suppress),
        "gap_rows": [
            {
                "cell": cell,
                "open": access.shown(cell.open_needs),
                "gaps": access.shown(cell.gaps),
                "covered": access.shown(cell.covered),
                "matchable": access.shown(cell.matchable),
                "families": access.shown(cell.families_in_gaps),
            }
            for cell in gaps.cells
        ],
        "gap_totals": {
            "open": access.shown(gaps.open_needs),
            "gaps": access.shown(gaps.gap_count),
            "covered": access.shown(gaps.covered_count),
            "matchable": access.shown(gaps.matchable_count),
            "families": access.shown(gaps.families_in_gaps),
        },
        "can_signal": ties.can_signal,
    }
    response = render(request, "bridge/dashboard/municipality.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- barriers ------------------------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str | None:
    return local_url(request, request.POST.get("next") or request.GET.get("next"))


@require_http_methods(["GET", "POST"])
@login_required
def barrier_create(request: HttpRequest, nis_code: str) -> HttpResponse:
    """Signal a barrier to the municipality. Afterwards: the dashboard for those who may see it,
    otherwise back where they came from (or this form again) with a thank-you message."""
    municipality = get_signal_municipality(request.user, nis_code)
    schools = signalling_schools(request.user, municipality)
    form = BarrierForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            signal_barrier(
                municipality=municipality,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                school=form.cleaned_data["school"],
                by=request.user,
            )
        except BarrierError as error:
            form.add_error("note", str(error))
        else:
            messages.success(
                request,
                _("Thank you. The barrier has been passed on to %(municipality)s.")
                % {"municipality": municipality.name_nl},
            )
            if dashboard_access(request.user, municipality) is not None:
                return redirect(f"{reverse('dashboard:municipality', kwargs={'nis_code': nis_code})}#barriers")
            return redirect(_safe_next(request) or reverse("dashboard:barrier_create", kwargs={"nis_code": nis_code}))
    return render(
        request,
        "bridge/dashboard/barrier_form.html",
        {
            "form": form,
            "municipality": municipality,
            "next": _safe_next(request) or "",
            "sees_dashboard": dashboard_access(request.user, municipality) is not None,
        },
    )


# --- the bridge views ----------------------------------------------------------------------------------


def _include_ended(request: HttpRequest) -> bool:
    return request.GET.get("beeindigd") == "1"


@require_GET
@login_required
def school_bridge(request: HttpRequest, school_pk: int) -> HttpResponse:
    """One school's bridge: for its approved members, the CLB staff and bridge figures who serve
    it and moderators. Pending members and everyone else: 404."""
    school = get_school_for(request.user, school_pk)
    if not (school.access.moderator or school.access.relation in {"admin", "member", "clb", "bridge_figure"}):
        raise Http404
    view = bridge_view.school_bridge(school=school, user=request.user, include_ended=_include_ended(request))
    return render(
        request,
        "bridge/bridgeview/school.html",
        {
            "school": school,
            "view": view,
            "layout": view.layout,
            "can_signal": can_signal(request.user, school.municipality),
            "sees_dashboard": dashboard_access(request.user, school.municipality) is not None,
        },
    )


@require_GET
@login_required
def municipality_bridge(request: HttpRequest, nis_code: str) -> HttpResponse:
    """A municipality's bridge, for the dashboard's audience; collaborations the viewer takes no
    part in show their form, status and life domains only."""
    access = get_dashboard_access(request.user, nis_code)
    view = bridge_view.municipality_bridge(
        municipality=access.municipality, user=request.user, include_ended=_include_ended(request)
    )
    return render(
        request,
        "bridge/bridgeview/municipality.html",
        {"access": access, "municipality": access.municipality, "view": view, "layout": view.layout},
    )

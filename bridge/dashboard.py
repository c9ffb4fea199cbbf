"""The municipality dashboard (/gemeente/<nis_code>/): what a local government needs to act on.

Who sees a municipality's dashboard (``get_dashboard_access``):

- approved members of the municipality's local government: its aggregates, never a need;
- CLB staff (approved CLB membership) whose CLB guides at least one school in it;
- bridge figures who serve at least one school in it;
- moderators: every municipality.

A local government of another municipality, CLB staff whose CLB guides no school there and a
bridge figure without a school there are told it does not exist (404): it is another entity's
page. Everyone else who is logged in (school and welfare members, pending members, visitors)
gets 403: the page exists, it is just not theirs.

Small counts. Counts of needs and of families below 5 (but not 0) are shown as "< 5" to local
governments and bridge figures: the dashboard counts every school of the municipality, most of
which a bridge figure does not serve, and a municipality with few schools would otherwise let a
small number point at one school's families. CLB staff and moderators read exact numbers: CLB
staff are bound by professional secrecy and already read the needs of the schools they guide,
moderators keep the platform. Collaborations, schools and barriers are about institutions and
structures, not families: they are never suppressed. A share (needs with a partner) is hidden
from suppressed viewers whenever one of its two parts is a small count, since the percentage
would give it away.

Barriers (drempels): bridge figures, approved members of a school and CLB staff signal them for
a municipality where they have a school (``signal_barrier``); moderators may too. The note is
about a structure, not a family, and passes the privacy guard.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bridge import data_version, svg
from bridge.access import Ties, brokered_schools, user_ties
from bridge.bridge_view import STATUS_STYLES
from bridge.candidates import PARTNER_STATUSES
from bridge.gaps import SMALL_COUNT, GapSummary, gap_report, shown_families
from bridge.models import (
    Barrier,
    BarrierKind,
    BridgeFigure,
    Collaboration,
    CollaborationForm,
    CollaborationStatus,
    MatchRequest,
    MatchStatus,
)
from families.models import FamilyNeed, NeedStatus
from families.privacy import validate_no_personal_data
from portal import audit
from portal.models import AuditEvent, Membership, MembershipStatus, Municipality
from schools.models import School

# A school "has a collaboration" while one is being proposed, agreed, running or evaluated.
LIVE_COLLABORATION_STATUSES = (CollaborationStatus.PROPOSED, *PARTNER_STATUSES)
NOTE_MAX_LENGTH = 1000
# How long a municipality's cached numbers live at most (they also go when the data changes).
FIGURES_SECONDS = 15 * 60
OPEN_FILL = "#0d5566"
ADDRESSED_FILL = "#14532d"
SHARE_FILL = "#14532d"
FORM_FILL = "#1e3a8a"
BARRIER_FILL = "#9a3412"


class Viewer:
    MODERATOR = "moderator"
    CLB = "clb"
    BRIDGE_FIGURE = "bridge_figure"
    LOCAL_GOVERNMENT = "local_government"


# --- who sees what ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardAccess:
    """One user's view of one municipality's dashboard; `ties` are the user's (None for a moderator)."""

    municipality: Municipality
    viewer: str
    suppress_small_counts: bool
    ties: Ties | None = field(default=None, compare=False, repr=False)

    @property
    def is_local_government(self) -> bool:
        return self.viewer == Viewer.LOCAL_GOVERNMENT

    def shown(self, count: int) -> int | str:
        """A count of needs or families as this viewer may read it."""
        return shown_families(count, suppress=self.suppress_small_counts)


def dashboard_access(user, municipality: Municipality) -> DashboardAccess | None:
    """The user's view of `municipality`'s dashboard, or None when it is not theirs.

    In order: moderators (exact), CLB staff of a CLB that guides a school there (exact), the
    municipality's own local government (suppressed), a bridge figure serving a school there
    (suppressed). A bridge figure who is also CLB staff reads exact numbers.
    """
    if not user.is_authenticated:
        return None
    if user.is_moderator:
        return DashboardAccess(municipality, Viewer.MODERATOR, suppress_small_counts=False)
    ties = user_ties(user)
    membership = ties.approved
    if membership and membership["clb_id"]:
        guides = School.objects.filter(municipality=municipality, clb_assignment__clb_id=membership["clb_id"])
        if guides.exists():
            return DashboardAccess(municipality, Viewer.CLB, suppress_small_counts=False, ties=ties)
    if membership and membership["municipality_id"] == municipality.pk:
        return DashboardAccess(municipality, Viewer.LOCAL_GOVERNMENT, suppress_small_counts=True, ties=ties)
    if ties.is_bridge_figure and School.objects.filter(municipality=municipality, bridge_figures__user=user).exists():
        return DashboardAccess(municipality, Viewer.BRIDGE_FIGURE, suppress_small_counts=True, ties=ties)
    return None


def has_dashboard_role(user) -> bool:
    """Local governments, CLB staff and bridge figures have dashboards (of some municipality)."""
    if not user.is_authenticated:
        return False
    if user.is_moderator:
        return True
    ties = user_ties(user)
    membership = ties.approved
    return ties.is_bridge_figure or bool(membership and (membership["clb_id"] or membership["municipality_id"]))


def get_dashboard_access(user, nis_code: str) -> DashboardAccess:
    """The access of `user` to the dashboard of the municipality `nis_code`.

    404 for an unknown municipality and for someone whose dashboards are of other
    municipalities; 403 for a logged-in user who has no dashboard at all.
    """
    municipality = Municipality.objects.filter(nis_code=nis_code).first()
    if municipality is None:
        raise Http404
    access = dashboard_access(user, municipality)
    if access is not None:
        return access
    if has_dashboard_role(user):
        raise Http404
    raise PermissionDenied


def dashboard_municipalities(user) -> QuerySet[Municipality]:
    """The municipalities whose dashboard `user` may open, with their number of schools.

    Moderators: every municipality with a school. Local governments: their own. CLB staff and
    bridge figures: the municipalities of the schools they serve.
    """
    municipalities = Municipality.objects.annotate(school_count=Count("schools", distinct=True))
    if not user.is_authenticated:
        return municipalities.none()
    if user.is_moderator:
        return municipalities.filter(school_count__gt=0)
    own = Membership.objects.approved().filter(user=user, municipality__isnull=False).values("municipality_id")
    served = brokered_schools(user).values("municipality_id")
    return municipalities.filter(Q(pk__in=own) | Q(pk__in=served))


# --- the numbers ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainCount:
    """Needs of one life domain: open and addressed, and the families in the open ones."""

    slug: str
    name: str
    icon: str
    position: int
    open_needs: int = 0
    addressed_needs: int = 0
    open_families: int = 0


@dataclass(frozen=True)
class SchoolWithout:
    """A verified school without a live collaboration; `can_view`: the viewer may open its page."""

    pk: int
    name: str
    can_view: bool


@dataclass(frozen=True)
class Dashboard:
    municipality: Municipality
    domains: tuple[DomainCount, ...]
    open_needs: int
    addressed_needs: int
    open_families: int
    needs_with_partner: int
    by_status: tuple[tuple[str, str, int], ...]
    by_form: tuple[tuple[str, str, int], ...]
    gaps: GapSummary
    school_count: int
    schools_without: tuple[SchoolWithout, ...]
    barriers_by_kind: tuple[tuple[str, str, int], ...]
    charts: dict[bool, dict[str, SafeString | None]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def needs_counted(self) -> int:
        """The needs of the share: open and addressed ones (withdrawn needs are left out)."""
        return self.open_needs + self.addressed_needs

    @property
    def collaboration_count(self) -> int:
        return sum(count for _value, _label, count in self.by_status)

    @property
    def barrier_count(self) -> int:
        return sum(count for _value, _label, count in self.barriers_by_kind)

    @property
    def share_percent(self) -> int | None:
        if not self.needs_counted:
            return None
        return round(100 * self.needs_with_partner / self.needs_counted)

    def share_hidden(self, *, suppress: bool) -> bool:
        """Hidden from a suppressed viewer when it would give a small count away: the needs with
        a partner or those without one number 1 to 4."""
        if not suppress:
            return False
        without = self.needs_counted - self.needs_with_partner
        return any(0 < count < SMALL_COUNT for count in (self.needs_with_partner, without))


def _needs(municipality: Municipality) -> QuerySet[FamilyNeed]:
    return FamilyNeed.objects.filter(
        school__municipality=municipality, status__in=[NeedStatus.OPEN, NeedStatus.ADDRESSED]
    )


def _domain_counts(municipality: Municipality) -> tuple[DomainCount, ...]:
    """Needs per life domain and status, in one query; a need in two domains counts in both."""
    rows = (
        _needs(municipality)
        .values(
            "life_domains__slug",
            "life_domains__name",
            "life_domains__icon",
            "life_domains__position",
            "status",
        )
        .annotate(needs=Count("pk", distinct=True), families=Sum("family_count"))
        .order_by()
    )
    counts: dict[str, dict] = {}
    for row in rows:
        slug = row["life_domains__slug"]
        if slug is None:
            continue
        cell = counts.setdefault(
            slug,
            {
                "slug": slug,
                "name": row["life_domains__name"],
                "icon": row["life_domains__icon"],
                "position": row["life_domains__position"],
                "open_needs": 0,
                "addressed_needs": 0,
                "open_families": 0,
            },
        )
        if row["status"] == NeedStatus.OPEN:
            cell["open_needs"] += row["needs"]
            cell["open_families"] += row["families"] or 0
        else:
            cell["addressed_needs"] += row["needs"]
    domains = [DomainCount(**cell) for cell in counts.values()]
    domains.sort(key=lambda domain: (domain.position, domain.name))
    return tuple(domains)


def _need_totals(municipality: Municipality) -> dict[str, int]:
    """Open and addressed needs, families in open needs, and needs with an accepted partner:
    an accepted match request, or a collaboration that is agreed, active or evaluated (what the
    gap report calls covered), in one query."""
    has_partner = Q(Exists(MatchRequest.objects.filter(need_id=OuterRef("pk"), status=MatchStatus.ACCEPTED))) | Q(
        Exists(
            Collaboration.needs.through.objects.filter(
                familyneed_id=OuterRef("pk"), collaboration__status__in=PARTNER_STATUSES
            )
        )
    )
    totals = _needs(municipality).aggregate(
        open_needs=Count("pk", filter=Q(status=NeedStatus.OPEN)),
        addressed_needs=Count("pk", filter=Q(status=NeedStatus.ADDRESSED)),
        open_families=Sum("family_count", filter=Q(status=NeedStatus.OPEN)),
        needs_with_partner=Count("pk", filter=has_partner),
    )
    return {key: value or 0 for key, value in totals.items()}


def _counted(rows, choices) -> tuple[tuple[str, str, int], ...]:
    counts = {row["key"]: row["n"] for row in rows}
    return tuple((value, str(label), counts.get(value, 0)) for value, label in choices)


def _collaboration_counts(municipality: Municipality) -> tuple[tuple, tuple]:
    collaborations = Collaboration.objects.filter(school__municipality=municipality).order_by()
    by_status = collaborations.values(key=F("status")).annotate(n=Count("pk"))
    by_form = collaborations.values(key=F("form")).annotate(n=Count("pk"))
    return _counted(by_status, CollaborationStatus.choices), _counted(by_form, CollaborationForm.choices)


def _schools_without(municipality: Municipality) -> tuple[int, tuple[tuple[int, str], ...]]:
    """The number of verified schools of the municipality, and (pk, name) of those without a live
    collaboration (proposed, agreed, active or evaluated), by name."""
    live = Collaboration.objects.filter(school_id=OuterRef("pk"), status__in=LIVE_COLLABORATION_STATUSES)
    rows = (
        School.objects.verified()
        .filter(municipality=municipality)
        .annotate(has_collaboration=Exists(live))
        .order_by("name", "pk")
        .values_list("pk", "name", "has_collaboration")
    )
    rows = list(rows)
    return len(rows), tuple((pk, name) for pk, name, has_collaboration in rows if not has_collaboration)


@dataclass(frozen=True)
class SchoolTies:
    """Which schools of one municipality the viewer may open, and whether they may signal a
    barrier there: the rules of schools.access (SchoolAccess.can_view) and of `can_signal`,
    read from the viewer's ties in at most one query however many schools there are."""

    moderator: bool = False
    opens: frozenset[int] = frozenset()
    works_with: frozenset[int] = frozenset()

    def may_open(self, school_id: int) -> bool:
        return self.moderator or school_id in self.opens

    @property
    def can_signal(self) -> bool:
        return self.moderator or bool(self.works_with)


def school_ties(user, municipality: Municipality, ties: Ties | None = None) -> SchoolTies:
    """The viewer's ties to the schools of `municipality`: a live (approved or pending) membership
    of the school, an approved membership of the CLB that guides it, or serving it as a bridge
    figure opens a school's page (schools.access); all but the pending membership let them
    signal barriers (`signalling_schools`). Moderators open and signal everything.

    `ties` are the user's (`user_ties`) when the caller has them: a user without a school, an
    approved CLB membership or a bridge figure role, such as a local government, costs no query.
    """
    if not user.is_authenticated:
        return SchoolTies()
    if user.is_moderator:
        return SchoolTies(moderator=True)
    ties = ties or user_ties(user)
    if not ties.touches_schools:
        return SchoolTies()
    tie = CharField()
    own = (
        Membership.objects.live()
        .filter(user=user, school__municipality=municipality)
        .values_list("school_id", "status")
    )
    guided = (
        Membership.objects.approved()
        .filter(user=user, clb__assignments__school__municipality=municipality)
        .values_list("clb__assignments__school_id", Value("clb", output_field=tie))
    )
    served = BridgeFigure.schools.through.objects.filter(
        bridgefigure__user=user, school__municipality=municipality
    ).values_list("school_id", Value("bridge_figure", output_field=tie))
    rows = list(own.order_by().union(guided.order_by(), served, all=True).order_by())
    return SchoolTies(
        opens=frozenset(school_id for school_id, _tie in rows),
        works_with=frozenset(school_id for school_id, kind in rows if kind != MembershipStatus.PENDING),
    )


def barriers_in(municipality: Municipality) -> QuerySet[Barrier]:
    """The municipality's barriers, newest first, with their school."""
    return Barrier.objects.filter(municipality=municipality).select_related("school").order_by("-created_at", "-pk")


def _barrier_counts(municipality: Municipality) -> tuple[tuple[str, str, int], ...]:
    rows = Barrier.objects.filter(municipality=municipality).order_by().values(key=F("kind"))
    return _counted(rows.annotate(n=Count("pk")), BarrierKind.choices)


@dataclass(frozen=True)
class Figures:
    """The dashboard's numbers about the whole municipality: the same for every viewer."""

    domains: tuple[DomainCount, ...]
    totals: dict[str, int]
    by_status: tuple[tuple[str, str, int], ...]
    by_form: tuple[tuple[str, str, int], ...]
    gaps: GapSummary
    barriers_by_kind: tuple[tuple[str, str, int], ...]
    school_count: int
    schools_without: tuple[tuple[int, str], ...]
    charts: dict[bool, dict[str, SafeString | None]]


def municipality_figures(
    municipality: Municipality, *, today: date | None = None, suppress_small_counts: bool = False
) -> Figures:
    """The municipality's numbers, cached until anything they count changes (bridge.data_version),
    the day ends (offers go stale by the day) or FIGURES_SECONDS pass.

    The gap counts rank every open need of the municipality against the offers of Flanders and
    the other counts read all its needs and collaborations: both grow with the data. Cached, the
    numbers cost one small query for the version and one cache read. Labels are translated, so
    the language is part of the key. The verified schools are among them (School is watched),
    and so are the charts: drawn with exact numbers or with small counts suppressed, each the first
    time a viewer needs it (`charts[suppress_small_counts]`; the other may be there too).
    """
    today = today or timezone.localdate()
    key = f"bridge:dashboard:v2:{municipality.pk}:{today.isoformat()}:{get_language()}:{data_version.current()}"
    figures = cache.get(key)
    if figures is None:
        by_status, by_form = _collaboration_counts(municipality)
        report = gap_report(needs=FamilyNeed.objects.filter(school__municipality=municipality), today=today)
        school_count, schools_without = _schools_without(municipality)
        figures = Figures(
            domains=_domain_counts(municipality),
            totals=_need_totals(municipality),
            by_status=by_status,
            by_form=by_form,
            gaps=GapSummary.of(report),
            barriers_by_kind=_barrier_counts(municipality),
            school_count=school_count,
            schools_without=schools_without,
            charts={},
        )
    if suppress_small_counts not in figures.charts:
        drawn = _charts(_dashboard(municipality, figures, schools_without=()), suppress=suppress_small_counts)
        # The charts that show no count of needs or families are the same in both: cache them once.
        other = figures.charts.get(not suppress_small_counts, {})
        drawn = {
            name: other[name] if name in other and other[name] == chart else chart for name, chart in drawn.items()
        }
        figures = replace(figures, charts={**figures.charts, suppress_small_counts: drawn})
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


def _dashboard(municipality: Municipality, figures: Figures, *, schools_without) -> Dashboard:
    return Dashboard(
        municipality=municipality,
        domains=figures.domains,
        by_status=figures.by_status,
        by_form=figures.by_form,
        gaps=figures.gaps,
        school_count=figures.school_count,
        schools_without=schools_without,
        barriers_by_kind=figures.barriers_by_kind,
        charts=figures.charts,
        **figures.totals,
    )


def municipality_dashboard(
    *, municipality: Municipality, user, ties: SchoolTies | None = None, suppress_small_counts: bool = False
) -> Dashboard:
    """Every number of the dashboard, in a fixed number of queries whatever the size of the
    municipality. The caller suppresses small counts for the viewer (DashboardAccess.shown) and
    picks the charts drawn for them (`charts[suppress_small_counts]`). `ties`: the viewer's
    `school_ties`, when the caller has them."""
    figures = municipality_figures(municipality, suppress_small_counts=suppress_small_counts)
    ties = ties or school_ties(user, municipality)
    schools_without = tuple(
        SchoolWithout(pk=pk, name=name, can_view=ties.may_open(pk)) for pk, name in figures.schools_without
    )
    return _dashboard(municipality, figures, schools_without=schools_without)


# --- the charts -----------------------------------------------------------------------------------------


def _status_rows(dashboard: Dashboard) -> list[svg.Row]:
    return [
        svg.Row(
            label=capfirst(label),
            values=(svg.Value.of(count, count),),
            fill=STATUS_STYLES[value].stroke,
        )
        for value, label, count in dashboard.by_status
    ]


def _count_rows(counts) -> list[svg.Row]:
    return [svg.Row(label=capfirst(label), values=(svg.Value.of(count, count),)) for _value, label, count in counts]


def _charts(dashboard: Dashboard, *, suppress: bool) -> dict[str, SafeString | None]:
    """The dashboard's SVG charts for a viewer who reads small counts suppressed or not; the
    template puts a table with the same numbers by each."""
    name = dashboard.municipality.name_nl

    def value(count: int) -> svg.Value:
        return svg.Value.of(count, shown_families(count, suppress=suppress))

    domains = [
        svg.Row(label=domain.name, values=(value(domain.open_needs), value(domain.addressed_needs)))
        for domain in dashboard.domains
    ]
    charts = {
        "needs": svg.bar_chart(
            chart_id="chart-needs",
            title=_("Needs by life domain in %(name)s") % {"name": name},
            desc=_("Open and addressed needs per life domain; the table below gives the same numbers."),
            rows=domains,
            series=(svg.Series(_("Open"), OPEN_FILL), svg.Series(_("Addressed"), ADDRESSED_FILL, hatched=True)),
        )
        if domains
        else None,
        "status": svg.bar_chart(
            chart_id="chart-status",
            title=_("Collaborations by status in %(name)s") % {"name": name},
            desc=_("The number of collaborations in each status; the table next to it gives the same numbers."),
            rows=_status_rows(dashboard),
            series=(svg.Series(_("Collaborations"), FORM_FILL),),
        ),
        "form": svg.bar_chart(
            chart_id="chart-form",
            title=_("Collaborations by form in %(name)s") % {"name": name},
            desc=_("The number of collaborations of each form; the table next to it gives the same numbers."),
            rows=_count_rows(dashboard.by_form),
            series=(svg.Series(_("Collaborations"), FORM_FILL),),
        ),
        "barriers": svg.bar_chart(
            chart_id="chart-barriers",
            title=_("Barriers by kind in %(name)s") % {"name": name},
            desc=_("The number of barriers signalled of each kind; the table next to it gives the same numbers."),
            rows=_count_rows(dashboard.barriers_by_kind),
            series=(svg.Series(_("Barriers"), BARRIER_FILL),),
        )
        if dashboard.barrier_count
        else None,
    }
    hidden = dashboard.share_hidden(suppress=suppress)
    charts["share"] = (
        svg.share_bar(
            chart_id="chart-share",
            title=_("Share of needs with an accepted partner"),
            desc=_("%(percent)s%% of the open and addressed needs have an accepted partner.")
            % {"percent": dashboard.share_percent},
            part=dashboard.needs_with_partner,
            whole=dashboard.needs_counted,
            fill=SHARE_FILL,
            shown=True,
        )
        if dashboard.needs_counted and not hidden
        else None
    )
    return charts


# --- signalling a barrier -------------------------------------------------------------------------------


class BarrierError(Exception):
    """A barrier that cannot be recorded; the message is shown as is."""


def signalling_schools(user, municipality: Municipality) -> QuerySet[School]:
    """The schools of `municipality` a user may name when signalling a barrier: the school of
    their approved membership and the schools they serve as CLB staff or bridge figure; every
    school there for a moderator."""
    schools = School.objects.filter(municipality=municipality)
    if not user.is_authenticated:
        return schools.none()
    if user.is_moderator:
        return schools
    own = Membership.objects.approved().filter(user=user, school__isnull=False).values("school_id")
    return schools.filter(Q(pk__in=own) | Q(pk__in=brokered_schools(user).values("pk")))


def can_signal(user, municipality: Municipality) -> bool:
    """Moderators, and who works with a school in the municipality: its approved members, the
    CLB staff who guide it and the bridge figures who serve it."""
    if not user.is_authenticated:
        return False
    return bool(user.is_moderator) or signalling_schools(user, municipality).exists()


def get_signal_municipality(user, nis_code: str) -> Municipality:
    """The municipality a user signals a barrier for: 404 when it does not exist or when the
    user has nothing to do with it, 403 when they may see its dashboard but not signal (a
    local government receives barriers, it does not signal them)."""
    municipality = Municipality.objects.filter(nis_code=nis_code).first()
    if municipality is None:
        raise Http404
    if can_signal(user, municipality):
        return municipality
    if dashboard_access(user, municipality) is not None:
        raise PermissionDenied
    if has_dashboard_role(user):
        raise Http404
    raise PermissionDenied


@transaction.atomic
def signal_barrier(
    *,
    municipality: Municipality,
    kind: str,
    note: str,
    by,
    school: School | None = None,
) -> Barrier:
    """Record a drempel for `municipality` (and optionally one of its schools), with an audit entry.

    PermissionDenied when `by` may not signal for the municipality or name that school;
    BarrierError for a note that is empty, too long or holds personal data, or an unknown kind.
    """
    if not can_signal(by, municipality):
        raise PermissionDenied
    if school is not None and not signalling_schools(by, municipality).filter(pk=school.pk).exists():
        raise PermissionDenied
    if kind not in BarrierKind.values:
        raise BarrierError(_("Choose one of the listed barriers."))
    note = " ".join((note or "").split())
    if not note:
        raise BarrierError(_("Write a short note about the barrier."))
    if len(note) > NOTE_MAX_LENGTH:
        raise BarrierError(
            _("Keep the note to %(limit)d characters; it has %(count)d.")
            % {"limit": NOTE_MAX_LENGTH, "count": len(note)}
        )
    try:
        validate_no_personal_data(note)
    except ValidationError as error:
        raise BarrierError(" ".join(error.messages)) from error
    barrier = Barrier.objects.create(municipality=municipality, school=school, kind=kind, note=note, reported_by=by)
    audit.record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        obj=barrier,
        changes={
            "municipality": municipality.nis_code,
            "school": school.name if school else None,
            "kind": kind,
            "note": note,
        },
    )
    return barrier

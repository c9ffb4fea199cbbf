"""The gap report: open needs that no partner answers well, by municipality and life domain.

A hiaat (gap) is an open need that

- is not covered yet: no accepted match request and no agreed, active or evaluated
  collaboration takes it up (an ended one no longer does, a proposal not yet), and
- has no good partner: matching finds no suggestion that is not weak (``MatchResult.is_gap``),
  either because no offer is within reach at all or because every offer within reach is full,
  for other ages, works elsewhere or is otherwise a poor fit.

Open needs that are neither are *matchable*: a good partner exists, nobody has arranged it yet.

``gap_report(*, needs, today=None, radius_km=DEFAULT_RADIUS_KM) -> GapReport`` is a batch
version of ``bridge.candidates.suggest_for_need``, with the same verdict for every need but a
fixed number of queries whatever the number of needs: the open needs with their schools,
municipalities, life domains and languages (seven), whether each is covered (annotated on the same
query), the schools' partner organisations (one), then up to three rounds of offers: twice the
witnesses' ids and five queries via ``to_profiles`` (the second time only for the needs the first
leaves unsettled), then up to five for the needs ranked in full.

Most open needs have many good partners, and scoring every one of them for every need made the
report of a city cost seconds. A single good partner settles the verdict (matchable), so the first
rounds fetch a few *witnesses*: for every municipality and life domain of the needs, at most
``FIRST_WITNESSES_PER_CELL``, then for the needs still unsettled ``WITNESSES_PER_CELL``, public,
active offers that serve that municipality and are not full (a full offer is never good), most
likely ones first. Each uncovered need is scored against the witnesses of its municipality and
domains until one is good; every witness is one of the need's own candidates (it serves the need's
municipality and covers one of its domains), so a good witness gives the verdict
``suggest_for_need`` gives. Which witnesses are fetched only decides how many
needs the first rounds settle, never a verdict.

The needs left over (gaps, mostly) are ranked in full in the last round, over ONE candidate pool
for all of them: public offers covering any of their life domains that serve any of their
municipalities, have a location in a bounding box around all their schools, or come to the
family without naming a service area. Each need is ranked in Python over the part of the pool
that ``candidate_offers`` would have given it alone, so a pool drawn wide for many schools never
turns a gap into a match; a gap keeps its best (weak) suggestion and its number of candidates.

A need touching two life domains counts in both domains' cells, so the cells of a municipality
add up to more than its number of needs.

Who sees the report (``gap_scope_for``): CLB staff the schools their CLB guides, bridge figures
the schools they serve, a local government the schools in its municipality, moderators every
school. Local governments see counts only, never a need itself, and small numbers of families are
shown as "< 5" to them (``shown_families``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from bridge.access import brokered_schools
from bridge.candidates import (
    DEFAULT_RADIUS_KM,
    PARTNER_STATUSES,
    bounding_box,
    to_profiles,
)
from bridge.matching import (
    COMES_TO_THE_FAMILY,
    PREFERENCE_FIELDS,
    NeedProfile,
    OfferProfile,
    Point,
    Suggestion,
    rank,
    score_offer,
)
from bridge.models import BridgeFigure, Collaboration, MatchRequest, MatchStatus
from families.models import FamilyNeed, LifeDomain, NeedStatus, Urgency
from portal.lookups import Ids
from portal.models import Language, Membership, Municipality
from schools.models import School
from welfare.models import Capacity, Location, Offer

SMALL_COUNT = 5
COVERING_COLLABORATION_STATUSES = PARTNER_STATUSES
URGENCY_ORDER = {Urgency.HIGH: 0, Urgency.MEDIUM: 1, Urgency.LOW: 2}
# Likely good partners fetched per municipality and life domain before ranking in full (module
# docstring): a few first, more for the needs they leave unsettled.
FIRST_WITNESSES_PER_CELL = 2
WITNESSES_PER_CELL = 20


class Verdict:
    GAP = "gap"
    COVERED = "covered"
    MATCHABLE = "matchable"


# --- who sees what ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapScope:
    """What one user may see of the gap report.

    ``schools``: whose open needs are counted. ``readable_schools``: whose needs may be listed one
    by one (None: all of ``schools``). ``suppress_small_counts``: show families as "< 5".
    """

    schools: QuerySet[School]
    readable_schools: QuerySet[School] | None
    suppress_small_counts: bool

    @property
    def lists_needs(self) -> bool:
        """Local governments see counts only; a local government that is also a broker sees the
        needs of the schools it brokers for."""
        return self.readable_schools is None or self.readable_schools.exists()

    def readable(self, verdicts: Iterable[NeedVerdict]) -> list[NeedVerdict]:
        """The verdicts whose need the user may read one by one."""
        if self.readable_schools is None:
            return list(verdicts)
        readable = set(self.readable_schools.values_list("pk", flat=True))
        return [verdict for verdict in verdicts if verdict.need.school_id in readable]

    def needs(self) -> QuerySet[FamilyNeed]:
        return FamilyNeed.objects.filter(school__in=self.schools.values("pk"))

    def municipalities(self) -> QuerySet[Municipality]:
        """The municipalities of the schools in scope: the choices of the municipality filter."""
        return Municipality.objects.filter(pk__in=self.schools.values("municipality_id"))


def gap_scope_for(user) -> GapScope | None:
    """The user's view of the gap report, or None when they may not see it (403).

    CLB staff (approved membership of a CLB) and bridge figures see the schools they broker for,
    with the needs themselves: they may read those needs anyway (families.access). A local
    government (approved membership of a municipality) sees the schools in its municipality as
    counts only, with small numbers of families hidden: it has no business with single needs.
    Moderators see everything. School and welfare members, pending members and visitors: None.
    """
    if not user.is_authenticated:
        return None
    if user.is_moderator:
        return GapScope(schools=School.objects.all(), readable_schools=None, suppress_small_counts=False)
    membership = Membership.objects.approved().filter(user=user).values("clb_id", "municipality_id").first()
    municipality_id = membership["municipality_id"] if membership else None
    brokered = brokered_schools(user)
    is_broker = bool(membership and membership["clb_id"]) or BridgeFigure.objects.filter(user=user).exists()
    if municipality_id is None:
        if not is_broker:
            return None
        return GapScope(schools=brokered, readable_schools=None, suppress_small_counts=False)
    in_municipality = Q(municipality_id=municipality_id)
    if is_broker:
        in_municipality |= Q(pk__in=brokered.values("pk"))
    return GapScope(
        schools=School.objects.filter(in_municipality),
        readable_schools=brokered if is_broker else School.objects.none(),
        suppress_small_counts=True,
    )


def shown_families(count: int, *, suppress: bool) -> int | str:
    """A number of families as a local government may see it: 1 to 4 families become "< 5"."""
    if suppress and 0 < count < SMALL_COUNT:
        return f"< {SMALL_COUNT}"
    return count


# --- the report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedVerdict:
    """One open need: gap, covered or matchable; for a gap the best (weak) suggestion, if any, and
    the number of (weak) offers within reach. Other verdicts have neither: a need with a good
    partner is settled by the first one found, without ranking the others (module docstring)."""

    need: FamilyNeed
    verdict: str
    best: Suggestion | None = None
    candidates: int = 0

    @property
    def is_gap(self) -> bool:
        return self.verdict == Verdict.GAP


@dataclass(frozen=True)
class GapCell:
    """The counts for one municipality and one life domain."""

    municipality_id: int
    municipality_name: str
    nis_code: str
    domain_slug: str
    domain_name: str
    domain_icon: str
    domain_position: int
    open_needs: int = 0
    gaps: int = 0
    covered: int = 0
    families_in_gaps: int = 0

    @property
    def matchable(self) -> int:
        return self.open_needs - self.gaps - self.covered


@dataclass(frozen=True)
class GapReport:
    cells: tuple[GapCell, ...]
    verdicts: tuple[NeedVerdict, ...]

    @property
    def open_needs(self) -> int:
        return len(self.verdicts)

    @property
    def gaps(self) -> tuple[NeedVerdict, ...]:
        """The gap needs, most urgent first, then the oldest (longest without a partner) first."""
        gaps = [v for v in self.verdicts if v.is_gap]
        gaps.sort(key=lambda v: (URGENCY_ORDER.get(v.need.urgency, 9), v.need.created_at, v.need.pk))
        return tuple(gaps)

    @property
    def gap_count(self) -> int:
        return sum(1 for v in self.verdicts if v.is_gap)

    @property
    def covered_count(self) -> int:
        return sum(1 for v in self.verdicts if v.verdict == Verdict.COVERED)

    @property
    def matchable_count(self) -> int:
        return sum(1 for v in self.verdicts if v.verdict == Verdict.MATCHABLE)

    @property
    def families_in_gaps(self) -> int:
        return sum(v.need.family_count for v in self.verdicts if v.is_gap)

    def cells_in(self, domain_slug: str | None) -> tuple[GapCell, ...]:
        """The cells of one life domain (all cells when None): a need filtered on one domain
        should not show up in the cells of its other domains."""
        if not domain_slug:
            return self.cells
        return tuple(cell for cell in self.cells if cell.domain_slug == domain_slug)


def gap_report(
    *,
    needs: QuerySet[FamilyNeed],
    today: date | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
) -> GapReport:
    """Which of the open `needs` are gaps, covered or matchable, counted by municipality × life domain.

    The caller decides which needs the user may count (`gap_scope_for`). The verdict of every need
    is the one `suggest_for_need` gives it (see the module docstring), in a fixed number of queries.
    """
    today = today or timezone.localdate()
    needs = _with_domains_and_languages(
        needs.filter(status=NeedStatus.OPEN)
        .annotate(
            has_accepted_request=Exists(
                MatchRequest.objects.filter(need_id=OuterRef("pk"), status=MatchStatus.ACCEPTED)
            ),
            has_collaboration=Exists(
                Collaboration.needs.through.objects.filter(
                    familyneed_id=OuterRef("pk"), collaboration__status__in=COVERING_COLLABORATION_STATUSES
                )
            ),
        )
        .order_by("pk")
    )
    uncovered = [need for need in needs if not (need.has_accepted_request or need.has_collaboration)]
    results = _rank_all(uncovered, today=today, radius_km=radius_km)

    verdicts = []
    for need in needs:
        if need.pk not in results:
            verdicts.append(NeedVerdict(need=need, verdict=Verdict.COVERED))
            continue
        result = results[need.pk]
        if result is None or not result.is_gap:
            verdicts.append(NeedVerdict(need=need, verdict=Verdict.MATCHABLE))
            continue
        verdicts.append(
            NeedVerdict(
                need=need,
                verdict=Verdict.GAP,
                best=result.suggestions[0] if result.suggestions else None,
                candidates=result.total,
            )
        )
    return GapReport(cells=_count_cells(verdicts), verdicts=tuple(verdicts))


def _with_domains_and_languages(needs: QuerySet[FamilyNeed]) -> list[FamilyNeed]:
    """The needs, each with `life_domain_list` and `home_language_list`: tuples of LifeDomain and
    Language objects shared between needs, in the models' order. prefetch_related made an object
    and a queryset per need and link: most of the report's time for a city of hundreds of needs.

    Their schools and municipalities are shared objects too (two more queries): select_related
    built a school and a municipality per need, a thousand objects for the needs of one city."""
    needs = list(needs)
    ids = [need.pk for need in needs]
    schools = School.objects.in_bulk({need.school_id for need in needs})
    municipalities = Municipality.objects.in_bulk({school.municipality_id for school in schools.values()})
    for school in schools.values():
        School.municipality.field.set_cached_value(school, municipalities[school.municipality_id])
    for need in needs:
        FamilyNeed.school.field.set_cached_value(need, schools[need.school_id])
    links = {
        "life_domain_list": (FamilyNeed.life_domains.through, "lifedomain", LifeDomain),
        "home_language_list": (FamilyNeed.home_languages.through, "language", Language),
    }
    for attribute, (through, field, model) in links.items():
        rows = list(
            through.objects.filter(Ids(F("familyneed_id"), ids))
            .order_by("familyneed_id", *(f"{field}__{name}" for name in model._meta.ordering), f"{field}_id")
            .values_list("familyneed_id", f"{field}_id")
        )
        objects = model.objects.in_bulk({pk for _need, pk in rows})
        by_need: dict[int, list] = defaultdict(list)
        for need_id, pk in rows:
            by_need[need_id].append(objects[pk])
        for need in needs:
            setattr(need, attribute, tuple(by_need[need.pk]))
    return needs


@dataclass(frozen=True)
class GapSummary:
    """The counts of a gap report without its needs: what the municipality dashboard shows, and
    small enough to cache (``bridge.dashboard.municipality_figures``)."""

    cells: tuple[GapCell, ...]
    open_needs: int
    gap_count: int
    covered_count: int
    matchable_count: int
    families_in_gaps: int

    @classmethod
    def of(cls, report: GapReport) -> GapSummary:
        return cls(
            cells=report.cells,
            open_needs=report.open_needs,
            gap_count=report.gap_count,
            covered_count=report.covered_count,
            matchable_count=report.matchable_count,
            families_in_gaps=report.families_in_gaps,
        )


def _count_cells(verdicts: Iterable[NeedVerdict]) -> tuple[GapCell, ...]:
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(
        lambda: {"open_needs": 0, "gaps": 0, "covered": 0, "families_in_gaps": 0}
    )
    labels: dict[tuple[int, str], dict] = {}
    for verdict in verdicts:
        municipality = verdict.need.school.municipality
        for domain in verdict.need.life_domain_list:
            key = (municipality.pk, domain.slug)
            labels.setdefault(
                key,
                {
                    "municipality_id": municipality.pk,
                    "municipality_name": municipality.name_nl,
                    "nis_code": municipality.nis_code,
                    "domain_slug": domain.slug,
                    "domain_name": domain.name,
                    "domain_icon": domain.icon,
                    "domain_position": domain.position,
                },
            )
            cell = counts[key]
            cell["open_needs"] += 1
            if verdict.verdict == Verdict.COVERED:
                cell["covered"] += 1
            elif verdict.is_gap:
                cell["gaps"] += 1
                cell["families_in_gaps"] += verdict.need.family_count
    cells = [GapCell(**labels[key], **counts[key]) for key in counts]
    cells.sort(key=lambda c: (c.municipality_name.lower(), c.municipality_id, c.domain_position, c.domain_name))
    return tuple(cells)


# --- batch matching ------------------------------------------------------------------------------------


def _rank_all(needs: list[FamilyNeed], *, today: date, radius_km: float) -> dict:
    """need.pk → MatchResult for every need, or None for a need a witness has shown to have a good
    partner (the result of `suggest_for_need` is then not a gap, the rest is not worked out)."""
    if not needs:
        return {}
    points = _school_points({need.school for need in needs})
    partners = _partner_organisation_ids({need.school_id for need in needs})
    profiles = {
        need.pk: _need_profile(need, point=points.get(need.school_id), partners=partners[need.school_id])
        for need in needs
    }
    results: dict = dict.fromkeys(_witnessed(profiles, today=today))
    rest = [need for need in needs if need.pk not in results]
    results.update(_rank_in_full(rest, profiles, today=today, radius_km=radius_km))
    return results


def _witnessed(profiles: dict[int, NeedProfile], *, today: date) -> set[int]:
    """The needs (pks) for which one of the witnesses of their municipality and life domains is a
    good (not weak) suggestion, scored as `rank` scores it.

    In two rounds: the `FIRST_WITNESSES_PER_CELL` likeliest witnesses of every cell settle nearly
    every need (at Flanders scale, 329 of Gent's 330 on the first witness tried); only the needs
    left over fetch up to `WITNESSES_PER_CELL`, and score only the offers not tried on them yet."""
    witnessed: set[int] = set()
    tried: set[int] = set()  # every offer of a round was tried on every unsettled need of its cells
    for per_cell in sorted({min(FIRST_WITNESSES_PER_CELL, WITNESSES_PER_CELL), WITNESSES_PER_CELL}):
        unsettled = {pk: profile for pk, profile in profiles.items() if pk not in witnessed}
        if not unsettled:
            break
        ids, more = _witness_ids(unsettled.values(), per_cell=per_cell)
        new = [pk for pk in ids if pk not in tried]
        if new:
            witnesses = sorted(to_profiles(Offer.objects.filter(Ids(F("pk"), new))), key=_likely_first)
            witnessed |= _settled(unsettled, witnesses, today=today)
            tried.update(new)
        if not more:
            break  # no cell had more offers than this round fetched
    return witnessed


def _settled(profiles: dict[int, NeedProfile], witnesses: list[OfferProfile], *, today: date) -> set[int]:
    """The needs of `profiles` for which one of `witnesses` in their cells is a good suggestion."""
    by_cell: dict[tuple[int, str | None], list[OfferProfile]] = defaultdict(list)
    for offer in witnesses:
        for municipality_id in offer.service_area:
            by_cell[(municipality_id, None)].append(offer)
            for slug in offer.life_domains:
                by_cell[(municipality_id, slug)].append(offer)
    settled = set()
    for pk, profile in profiles.items():
        cells = [(profile.municipality_id, slug) for slug in profile.life_domains] or [(profile.municipality_id, None)]
        tried: set[int] = set()
        for cell in cells:
            if pk in settled:
                break
            for offer in by_cell.get(cell, ()):
                if offer.offer_id in tried:
                    continue
                tried.add(offer.offer_id)
                suggestion = score_offer(profile, offer, today=today, stale_after_days=settings.OFFER_STALE_AFTER_DAYS)
                if suggestion is not None and not suggestion.weak:
                    settled.add(pk)
                    break
    return settled


def _likely_first(offer: OfferProfile) -> tuple:
    """Room available before a waiting list, recently confirmed before long ago or never."""
    confirmed = offer.last_confirmed.toordinal() if offer.last_confirmed else 0
    return (offer.capacity != Capacity.OPEN, -confirmed, offer.offer_id)


def _witness_ids(profiles: Iterable[NeedProfile], *, per_cell: int) -> tuple[list[int], bool]:
    """The ids of at most `per_cell` offers per municipality and life domain of the needs: public,
    not full, serving the municipality, covering the domain (any domain for a need without one),
    room available and recently confirmed first; and whether a cell may hold more (it gave
    `per_cell`)."""
    profiles = list(profiles)
    municipality_ids = {p.municipality_id for p in profiles if p.municipality_id is not None}
    rows = Offer.service_area.through.objects.filter(
        municipality_id__in=municipality_ids,
        offer_id__in=Offer.objects.public().exclude(capacity=Capacity.FULL).values("pk"),
    )
    if all(profile.life_domains for profile in profiles):
        slugs = set().union(*(profile.life_domains for profile in profiles))
        rows = rows.filter(offer__life_domains__slug__in=slugs)
    rows = rows.annotate(
        position=Window(
            RowNumber(),
            partition_by=[F("municipality_id"), F("offer__life_domains")],
            order_by=[
                Case(When(offer__capacity=Capacity.OPEN, then=Value(0)), default=Value(1)).asc(),
                F("offer__last_confirmed").desc(nulls_last=True),
                F("offer_id").asc(),
            ],
        )
    ).filter(position__lte=per_cell)
    # The ids first (a few hundred at most): as a subquery, PostgreSQL read every offer to join them.
    found = list(rows.values_list("municipality_id", "offer__life_domains", "offer_id"))
    per = Counter((municipality_id, domain_id) for municipality_id, domain_id, _pk in found)
    return sorted({pk for _m, _d, pk in found}), any(n >= per_cell for n in per.values())


def _rank_in_full(needs: list[FamilyNeed], profiles: dict[int, NeedProfile], *, today: date, radius_km: float) -> dict:
    """need.pk → MatchResult for every need, over one candidate pool."""
    if not needs:
        return {}
    profiles = {need.pk: profiles[need.pk] for need in needs}
    pool = to_profiles(_candidate_pool(profiles.values(), radius_km=radius_km))
    by_domain: dict[str, list[OfferProfile]] = defaultdict(list)
    for offer in pool:
        for slug in offer.life_domains:
            by_domain[slug].append(offer)

    municipality_names = {need.school.municipality_id: need.school.municipality.name_nl for need in needs}
    language_names = {language.code: language.name_nl for need in needs for language in need.home_language_list}
    domain_names = {domain.slug: domain.name for need in needs for domain in need.life_domain_list}
    results = {}
    for need in needs:
        profile = profiles[need.pk]
        if profile.life_domains:
            options = {offer.offer_id: offer for slug in profile.life_domains for offer in by_domain[slug]}.values()
        else:
            options = pool
        results[need.pk] = rank(
            profile,
            [offer for offer in options if _within_reach(offer, profile, radius_km=radius_km)],
            today=today,
            municipality_names=municipality_names,
            language_names=language_names,
            domain_names=domain_names,
            limit=1,
            stale_after_days=settings.OFFER_STALE_AFTER_DAYS,
        )
    return results


def _need_profile(need: FamilyNeed, *, point: Point | None, partners: frozenset[int]) -> NeedProfile:
    """`bridge.candidates.need_profile` without its queries: point and partners are looked up in bulk."""
    return NeedProfile(
        school_point=point,
        municipality_id=need.school.municipality_id,
        life_domains=frozenset(domain.slug for domain in need.life_domain_list),
        age_min=need.age_min,
        age_max=need.age_max,
        languages=frozenset(language.code for language in need.home_language_list),
        partner_organisation_ids=partners,
        **{name: getattr(need, name) for name in PREFERENCE_FIELDS},
    )


def _school_points(schools: set[School]) -> dict[int, Point | None]:
    """Where each school is, as `bridge.candidates.school_point` says, in at most two queries:
    only municipalities without coordinates of their own need the average of what lies in them."""
    points: dict[int, Point | None] = {}
    missing: dict[int, list[int]] = defaultdict(list)
    for school in schools:
        municipality = school.municipality
        if school.latitude is not None and school.longitude is not None:
            points[school.pk] = (school.latitude, school.longitude)
        elif municipality.latitude is not None and municipality.longitude is not None:
            points[school.pk] = (municipality.latitude, municipality.longitude)
        else:
            missing[school.municipality_id].append(school.pk)
    if missing:
        totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
        for model in (School, Location):
            rows = (
                model.objects.filter(municipality_id__in=missing, latitude__isnull=False, longitude__isnull=False)
                .values("municipality_id")
                .annotate(latitude=Sum("latitude"), longitude=Sum("longitude"), n=Count("pk"))
                .order_by()
            )
            for row in rows:
                total = totals[row["municipality_id"]]
                total[0] += row["latitude"]
                total[1] += row["longitude"]
                total[2] += row["n"]
        for municipality_id, school_ids in missing.items():
            latitude, longitude, n = totals.get(municipality_id, (0.0, 0.0, 0))
            point = (latitude / n, longitude / n) if n else None
            for pk in school_ids:
                points[pk] = point
    return points


def _partner_organisation_ids(school_ids: set[int]) -> dict[int, frozenset[int]]:
    """`bridge.candidates.partner_organisation_ids` for many schools in one query."""
    partners: dict[int, set[int]] = defaultdict(set)
    for school_id, organisation_id in Collaboration.organisations.through.objects.filter(
        collaboration__school_id__in=school_ids, collaboration__status__in=PARTNER_STATUSES
    ).values_list("collaboration__school_id", "organisation_id"):
        partners[school_id].add(organisation_id)
    return defaultdict(frozenset, {pk: frozenset(ids) for pk, ids in partners.items()})


def _candidate_pool(profiles: Iterable[NeedProfile], *, radius_km: float) -> QuerySet[Offer]:
    """The union of every need's `candidate_offers`, and a little more, in one query: public offers
    covering one of the needs' life domains that serve one of their municipalities, have a location
    in one bounding box around all their schools, or come to the family without a service area."""
    profiles = list(profiles)
    slugs = set().union(*(profile.life_domains for profile in profiles))
    municipality_ids = {p.municipality_id for p in profiles if p.municipality_id is not None}
    boxes = [bounding_box(p.school_point, radius_km) for p in profiles if p.school_point is not None]

    offers = Offer.objects.public()
    if all(profile.life_domains for profile in profiles):
        covered = Offer.life_domains.through.objects.filter(lifedomain__slug__in=slugs, offer_id=OuterRef("pk"))
        offers = offers.filter(Exists(covered))
    has_area = Exists(Offer.service_area.through.objects.filter(offer_id=OuterRef("pk")))
    within_reach = (Q(access_outreach=True) | Q(access_at_school=True) | Q(access_online=True)) & ~Q(has_area)
    if municipality_ids:
        serves = Offer.service_area.through.objects.filter(
            offer_id=OuterRef("pk"), municipality_id__in=municipality_ids
        )
        within_reach |= Q(Exists(serves))
    if boxes:
        nearby = Offer.locations.through.objects.filter(
            offer_id=OuterRef("pk"),
            location__latitude__range=(min(b[0] for b in boxes), max(b[1] for b in boxes)),
            location__longitude__range=(min(b[2] for b in boxes), max(b[3] for b in boxes)),
        )
        within_reach |= Q(Exists(nearby))
    return offers.filter(within_reach)


def _within_reach(offer: OfferProfile, need: NeedProfile, *, radius_km: float) -> bool:
    """Would `bridge.candidates.candidate_offers` have given this offer for this need alone?"""
    if offer.access_modes & COMES_TO_THE_FAMILY and not offer.service_area:
        return True
    if need.municipality_id is not None and need.municipality_id in offer.service_area:
        return True
    if need.school_point is not None and offer.locations:
        south, north, west, east = bounding_box(need.school_point, radius_km)
        return any(south <= lat <= north and west <= lon <= east for lat, lon in offer.locations)
    return False

"""The bridge view: the practice guide's picture of one school or one municipality, as SVG.

Left the school sphere (onderwijs): the school with its team's roles, or the schools of the
municipality. Right the welfare sphere (welzijnsveld): the partner organisations of the
collaborations shown. Families at the centre. Between them the bridge: every collaboration as a
card on the bridge, joined to its school and to each of its organisations, labelled with its
status (colour, line pattern and the word) and its life domains; below it the CLB and the
bridge figures who support the bridge.

Who sees what:

- the school view (``school_bridge``) is for the school's approved members, the CLB staff and
  bridge figures who serve it and moderators (bridge.dashboard_views decides; others 404);
- the municipality view has the dashboard's audience (bridge.dashboard.get_dashboard_access).
  A collaboration the viewer takes part in (``collaborations_visible_to``) shows its title and
  links to its record; any other (a local government's view above all) shows its form, status
  and life domains only: the aggregate picture, not the partners' agreements or needs;
- a school links to its page only for who may open it (schools.access), an organisation to
  the directory only when it is verified (the directory shows no other). CLB and bridge figures
  have no page: plain text.

``build_layout`` is pure: it places what ``load_*`` fetched. The loaders cost a fixed number of
queries whatever the number of collaborations.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from bridge.collaboration_views import collaborations_visible_to
from bridge.models import BridgeFigure, CLBSchool, Collaboration, CollaborationStatus
from families.models import LifeDomain
from portal.models import Municipality
from schools.access import access_from, with_access
from schools.models import School
from welfare.models import Organisation

# --- geometry (SVG user units; the SVG scales to the page width) -----------------------------------------

WIDTH = 1000
SCHOOL_X, SCHOOL_W = 30, 250
CARD_X, CARD_W = 370, 260
ORG_X, ORG_W = 720, 250
DECK_TOP = 228  # where the first row starts, below the sphere titles and the families
BRIDGE_TOP = DECK_TOP - 30
PEOPLE_LABEL_SPACE = 44
ARCH = 40
CARD_H, CARD_GAP = 80, 16
ORG_H, ORG_GAP = 70, 14
SCHOOL_MIN_H = 64
TEAM_ROLE_H = 26
PERSON_H, PERSON_GAP = 34, 10
BOTTOM = 24
FAMILIES_R = 62

STATUS_ORDER = {
    CollaborationStatus.ACTIVE: 0,
    CollaborationStatus.AGREED: 1,
    CollaborationStatus.EVALUATED: 2,
    CollaborationStatus.PROPOSED: 3,
    CollaborationStatus.ENDED: 4,
}


@dataclass(frozen=True)
class StatusStyle:
    """A status drawn three ways: colour, line pattern and the word on the card."""

    stroke: str
    dash: str
    width: int


STATUS_STYLES = {
    CollaborationStatus.PROPOSED: StatusStyle("#475569", "3 5", 2),
    CollaborationStatus.AGREED: StatusStyle("#1e3a8a", "10 5", 2),
    CollaborationStatus.ACTIVE: StatusStyle("#14532d", "", 3),
    CollaborationStatus.EVALUATED: StatusStyle("#5b2a86", "12 4 3 4", 2),
    CollaborationStatus.ENDED: StatusStyle("#6b7a86", "1 6", 2),
}


def wrap(text: str, width: int, lines: int) -> list[str]:
    """`text` in at most `lines` lines of about `width` characters; the last one cut with "…"."""
    wrapped = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        last = wrapped[-1]
        wrapped[-1] = (last[: width - 1].rstrip() if len(last) >= width else last) + "…"
    return wrapped


def _reverse(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


# --- what is drawn --------------------------------------------------------------------------------------


@dataclass
class SchoolNode:
    pk: int
    name: str
    url: str | None
    lines: list[str]
    team_roles: list[str] = field(default_factory=list)
    collaboration_count: int = 0
    x: int = SCHOOL_X
    y: int = 0
    w: int = SCHOOL_W
    h: int = SCHOOL_MIN_H

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    @property
    def label(self) -> str:
        return self.name


@dataclass
class OrganisationNode:
    pk: int
    name: str
    kind: str
    url: str | None
    lines: list[str]
    kind_line: str = ""
    card_indexes: list[int] = field(default_factory=list)
    x: int = ORG_X
    y: int = 0
    w: int = ORG_W
    h: int = ORG_H

    @property
    def cy(self) -> int:
        return self.y + self.h // 2


@dataclass
class Card:
    """One collaboration on the bridge."""

    pk: int
    detailed: bool
    title: str
    url: str | None
    school_pk: int
    school_name: str
    organisation_pks: list[int]
    organisation_names: list[str]
    status: str
    status_label: str
    form_label: str
    domains: list[str]
    style: StatusStyle
    heading: str = ""
    status_line: str = ""
    domain_line: str = ""
    x: int = CARD_X
    y: int = 0
    w: int = CARD_W
    h: int = CARD_H

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    @property
    def label(self) -> str:
        """What a screen reader says for the card's link."""
        parts = [self.title, _("status: %(status)s") % {"status": self.status_label}]
        if self.domains:
            parts.append(_("life domains: %(domains)s") % {"domains": ", ".join(self.domains)})
        parts.append(
            _("between %(school)s and %(organisations)s")
            % {"school": self.school_name, "organisations": ", ".join(self.organisation_names)}
        )
        return " — ".join(parts)


@dataclass
class Link:
    """A line from a school to a card, or from a card to an organisation (decorative: the card
    says the same in words)."""

    d: str
    style: StatusStyle


@dataclass
class Person:
    """A CLB or a bridge figure on the bridge."""

    role: str
    name: str
    detail: str
    text: str = ""
    x: int = CARD_X
    y: int = 0
    w: int = CARD_W
    h: int = PERSON_H


@dataclass
class Families:
    url: str | None
    cx: int = WIDTH // 2
    cy: int = 108
    r: int = FAMILIES_R


@dataclass
class BridgeLayout:
    schools: list[SchoolNode]
    organisations: list[OrganisationNode]
    cards: list[Card]
    links: list[Link]
    people: list[Person]
    families: Families
    height: int
    deck_top: int = DECK_TOP
    deck_bottom: int = DECK_TOP
    people_top: int = DECK_TOP
    bridge_bottom: int = DECK_TOP
    width: int = WIDTH
    bridge_top: int = BRIDGE_TOP
    bridge_left: int = SCHOOL_X + SCHOOL_W + 24
    bridge_right: int = ORG_X - 24

    @property
    def sphere_height(self) -> int:
        return self.height - 28

    @property
    def bridge_path(self) -> str:
        """The bridge's outline behind the cards: a deck with an arch underneath."""
        left, right, top, bottom = self.bridge_left, self.bridge_right, self.bridge_top, self.bridge_bottom
        return f"M {left} {top} L {right} {top} L {right} {bottom} Q {WIDTH // 2} {bottom - ARCH} {left} {bottom} Z"

    @property
    def centre(self) -> int:
        return WIDTH // 2

    @property
    def empty_y(self) -> int:
        """Where the bridge says there is no collaboration yet."""
        return self.deck_top + CARD_H // 2

    @property
    def statuses(self) -> list[tuple[str, str, StatusStyle]]:
        """The statuses drawn, for the legend, in the order of the model."""
        drawn = {card.status for card in self.cards}
        return [
            (value, capfirst(str(label)), STATUS_STYLES[value])
            for value, label in CollaborationStatus.choices
            if value in drawn
        ]


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    middle = (x1 + x2) / 2
    return f"M {x1:.1f} {y1:.1f} C {middle:.1f} {y1:.1f} {middle:.1f} {y2:.1f} {x2:.1f} {y2:.1f}"


def build_layout(
    *,
    schools: list[SchoolNode],
    cards: list[Card],
    organisations: list[OrganisationNode],
    people: list[Person],
    families: Families,
) -> BridgeLayout:
    """Place everything: cards grouped by school (each school as tall as its cards, the cards
    centred on it), organisations in the order of the cards they join (fewer crossing lines),
    the CLB and bridge figures below the cards on the bridge."""
    by_school: dict[int, list[Card]] = defaultdict(list)
    for card in cards:
        by_school[card.school_pk].append(card)
    y = DECK_TOP
    placed: list[Card] = []
    for school in schools:
        group = by_school.get(school.pk, [])
        school.collaboration_count = len(group)
        cards_span = len(group) * CARD_H + max(len(group) - 1, 0) * CARD_GAP
        school.h = max(
            cards_span, SCHOOL_MIN_H + 18 * max(len(school.lines) - 1, 0) + TEAM_ROLE_H * len(school.team_roles)
        )
        school.y = y
        card_y = y + (school.h - cards_span) // 2
        for card in group:
            card.y = card_y
            card_y += CARD_H + CARD_GAP
            placed.append(card)
        y += school.h + CARD_GAP * 2
    deck_bottom = max(y - CARD_GAP * 2, DECK_TOP + CARD_H)

    index_of = {card.pk: index for index, card in enumerate(placed)}
    by_pk = {organisation.pk: organisation for organisation in organisations}
    for card in placed:
        for pk in card.organisation_pks:
            if pk in by_pk:
                by_pk[pk].card_indexes.append(index_of[card.pk])
    centre = {card.pk: card.cy for card in placed}
    pk_of = [card.pk for card in placed]

    def target(organisation: OrganisationNode) -> float:
        if not organisation.card_indexes:
            return float("inf")
        return sum(centre[pk_of[i]] for i in organisation.card_indexes) / len(organisation.card_indexes)

    ordered = sorted(organisations, key=lambda o: (target(o), o.name.lower()))
    bottom = DECK_TOP - ORG_GAP
    for organisation in ordered:
        wanted = round(target(organisation)) - ORG_H // 2 if organisation.card_indexes else bottom + ORG_GAP
        organisation.y = max(bottom + ORG_GAP, wanted, DECK_TOP)
        bottom = organisation.y + ORG_H

    links: list[Link] = []
    school_by_pk = {school.pk: school for school in schools}
    for card in placed:
        school = school_by_pk.get(card.school_pk)
        if school is not None:
            links.append(Link(_curve(school.x + school.w, card.cy, card.x, card.cy), card.style))
        for pk in card.organisation_pks:
            organisation = by_pk.get(pk)
            if organisation is not None:
                links.append(Link(_curve(card.x + card.w, card.cy, organisation.x, organisation.cy), card.style))

    people_top = deck_bottom + (PEOPLE_LABEL_SPACE if people else 0)
    person_y = people_top
    for person in people:
        person.y = person_y
        person_y += PERSON_H + PERSON_GAP
    last = (person_y - PERSON_GAP) if people else deck_bottom
    bridge_bottom = last + 12 + ARCH // 2
    height = max(bridge_bottom, bottom, y - CARD_GAP * 2) + BOTTOM
    return BridgeLayout(
        schools=schools,
        organisations=ordered,
        cards=placed,
        links=links,
        people=people,
        families=families,
        height=height,
        deck_bottom=deck_bottom,
        people_top=people_top,
        bridge_bottom=bridge_bottom,
    )


# --- from the database -------------------------------------------------------------------------------------


def _team_roles() -> list[str]:
    return [str(_("care coordinator")), str(_("school management")), str(_("teachers"))]


def _collaborations(schools: Iterable[int], user, *, include_ended: bool) -> QuerySet[Collaboration]:
    readable = collaborations_visible_to(user).filter(pk=OuterRef("pk"))
    collaborations = (
        Collaboration.objects.filter(school_id__in=list(schools))
        .select_related("school")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.select_related("kind").order_by("name")),
            Prefetch("life_domains", queryset=LifeDomain.objects.order_by("position", "name")),
        )
        .annotate(viewer_reads=Exists(readable))
    )
    if not include_ended:
        collaborations = collaborations.exclude(status=CollaborationStatus.ENDED)
    return collaborations


def _card(collaboration: Collaboration) -> Card:
    detailed = bool(collaboration.viewer_reads)
    form_label = capfirst(collaboration.get_form_display())
    status_label = capfirst(collaboration.get_status_display())
    domains = [domain.name for domain in collaboration.life_domains.all()]
    organisations = list(collaboration.organisations.all())
    title = collaboration.title if detailed else form_label
    card = Card(
        pk=collaboration.pk,
        detailed=detailed,
        title=title,
        url=_reverse("bridge:collaboration_detail", pk=collaboration.pk) if detailed else None,
        school_pk=collaboration.school_id,
        school_name=collaboration.school.name,
        organisation_pks=[organisation.pk for organisation in organisations],
        organisation_names=[organisation.name for organisation in organisations],
        status=collaboration.status,
        status_label=status_label,
        form_label=form_label,
        domains=domains,
        style=STATUS_STYLES.get(collaboration.status, STATUS_STYLES[CollaborationStatus.PROPOSED]),
    )
    card.heading = wrap(title, 27, 1)[0]
    card.status_line = wrap(
        f"{status_label} · {form_label}" if detailed else status_label,
        40,
        1,
    )[0]
    card.domain_line = wrap(", ".join(domains) if domains else _("no life domain recorded"), 40, 1)[0]
    return card


def _organisation_nodes(collaborations: list[Collaboration]) -> list[OrganisationNode]:
    nodes: dict[int, OrganisationNode] = {}
    for collaboration in collaborations:
        for organisation in collaboration.organisations.all():
            if organisation.pk not in nodes:
                nodes[organisation.pk] = OrganisationNode(
                    pk=organisation.pk,
                    name=organisation.name,
                    kind=organisation.kind.name,
                    kind_line=wrap(organisation.kind.name, 34, 1)[0],
                    url=_reverse("directory:organisation", pk=organisation.pk) if organisation.is_verified else None,
                    lines=wrap(organisation.name, 30, 2),
                )
    return list(nodes.values())


def _sorted(collaborations: Iterable[Collaboration]) -> list[Collaboration]:
    return sorted(
        collaborations,
        key=lambda c: (c.school.name.lower(), c.school_id, STATUS_ORDER.get(c.status, 9), c.title.lower(), c.pk),
    )


def _people(school_ids: list[int]) -> list[Person]:
    """The CLB(s) that guide the schools and the bridge figures who serve them: two queries."""
    people: list[Person] = []
    clbs: dict[int, list[str]] = defaultdict(list)
    names: dict[int, str] = {}
    for assignment in CLBSchool.objects.filter(school_id__in=school_ids).select_related("clb", "school"):
        names[assignment.clb_id] = assignment.clb.name
        clbs[assignment.clb_id].append(assignment.school.name)
    for pk, name in sorted(names.items(), key=lambda item: item[1].lower()):
        people.append(Person(role=str(_("CLB")), name=name, detail=", ".join(sorted(clbs[pk]))))
    figures = (
        BridgeFigure.objects.filter(schools__in=school_ids)
        .select_related("user", "employer")
        .prefetch_related(Prefetch("schools", queryset=School.objects.filter(pk__in=school_ids).order_by("name")))
        .distinct()
        .order_by("user__full_name", "user__email", "pk")
    )
    for figure in figures:
        people.append(
            Person(
                role=str(_("Bridge figure")),
                name=str(figure.user),
                detail=", ".join(school.name for school in figure.schools.all()),
            )
        )
    for person in people:
        person.text = wrap(f"{person.role}: {person.name}", 40, 1)[0]
    return people


@dataclass
class BridgeView:
    """What a bridge-view page shows: the layout and the same data for the text alternative."""

    layout: BridgeLayout
    schools_without: list[SchoolNode]
    ended_count: int
    include_ended: bool
    readable_count: int

    @property
    def cards(self) -> list[Card]:
        return self.layout.cards


def _ended_count(school_ids: list[int]) -> int:
    return Collaboration.objects.filter(school_id__in=school_ids, status=CollaborationStatus.ENDED).count()


def school_bridge(*, school: School, user, include_ended: bool = False) -> BridgeView:
    """The bridge of one school. The caller has checked that `user` may see it."""
    collaborations = _sorted(_collaborations([school.pk], user, include_ended=include_ended))
    node = SchoolNode(
        pk=school.pk,
        name=school.name,
        url=_reverse("schools:detail", pk=school.pk),
        lines=wrap(school.name, 28, 2),
        team_roles=_team_roles(),
    )
    access = getattr(school, "access", None)
    families_url = (
        _reverse("families:school_needs", school_pk=school.pk) if access is not None and access.can_view_needs else None
    )
    layout = build_layout(
        schools=[node],
        cards=[_card(collaboration) for collaboration in collaborations],
        organisations=_organisation_nodes(collaborations),
        people=_people([school.pk]),
        families=Families(url=families_url),
    )
    return BridgeView(
        layout=layout,
        schools_without=[],
        ended_count=0 if include_ended else _ended_count([school.pk]),
        include_ended=include_ended,
        readable_count=sum(1 for card in layout.cards if card.detailed),
    )


def municipality_bridge(*, municipality: Municipality, user, include_ended: bool = False) -> BridgeView:
    """The bridge of a municipality: its verified schools with collaborations on the left, the
    others listed apart (in the SVG as a count). The caller has checked the dashboard access."""
    schools = list(
        with_access(School.objects.verified().filter(municipality=municipality), user).order_by("name", "pk")
    )
    school_ids = [school.pk for school in schools]
    collaborations = _sorted(_collaborations(school_ids, user, include_ended=include_ended))
    with_collaboration = {collaboration.school_id for collaboration in collaborations}
    nodes, without = [], []
    for school in schools:
        can_view = access_from(school, user).can_view
        node = SchoolNode(
            pk=school.pk,
            name=school.name,
            url=_reverse("schools:detail", pk=school.pk) if can_view else None,
            lines=wrap(school.name, 28, 2),
        )
        (nodes if school.pk in with_collaboration else without).append(node)
    layout = build_layout(
        schools=nodes,
        cards=[_card(collaboration) for collaboration in collaborations],
        organisations=_organisation_nodes(collaborations),
        people=_people(school_ids),
        families=Families(url=f"{_reverse('dashboard:municipality', nis_code=municipality.nis_code)}#needs"),
    )
    return BridgeView(
        layout=layout,
        schools_without=without,
        ended_count=0 if include_ended else _ended_count(school_ids),
        include_ended=include_ended,
        readable_count=sum(1 for card in layout.cards if card.detailed),
    )

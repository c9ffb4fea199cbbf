"""Who may see and act on match requests.

Three sides meet in a match request:

- the school whose need it is: its approved members propose, send and withdraw requests;
- the brokers who serve that school: staff of the CLB that guides it (bridge.CLBSchool, with an
  approved CLB membership) and the bridge figures who serve it. They propose on the school's
  behalf, once the school agreed, and follow up;
- the welfare organisation whose offer is asked: its approved members (administrators and
  members alike) see the request in their inbox once it is sent, and accept or decline it. A
  draft a broker has not sent yet is not theirs to see.

Moderators see and may do everything. Pending members see nothing of their entity's requests.
Everyone else is told a request does not exist (404); a user who may see a request but not act
on it gets 403 when the view asks for `write`.
"""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import In
from django.http import Http404

from bridge.models import BridgeFigure, CLBSchool, Collaboration, MatchRequest, MatchStatus
from portal.access import require
from portal.models import Membership, MembershipStatus
from schools.models import School


@dataclass(frozen=True)
class Ties:
    """A user's live membership (status, school_id, organisation_id, clb_id, municipality_id; a
    user has at most one: membership_one_live_per_user) and whether they are a bridge figure.
    Read once (`user_ties`) and passed along, since many rules of who sees what start from them."""

    membership: dict | None
    is_bridge_figure: bool

    @property
    def approved(self) -> dict | None:
        membership = self.membership
        return membership if membership and membership["status"] == MembershipStatus.APPROVED else None

    @property
    def touches_schools(self) -> bool:
        """Whether any school can be theirs to open (schools.access): through a live membership of
        the school, an approved membership of a CLB, or as a bridge figure."""
        membership, approved = self.membership, self.approved
        school, clb = membership and membership["school_id"], approved and approved["clb_id"]
        return bool(self.is_bridge_figure or school or clb)


def user_ties(user) -> Ties:
    """One query for a user with a live membership, two for one without."""
    is_bridge_figure = BridgeFigure.objects.filter(user=user)
    membership = (
        Membership.objects.live()
        .filter(user=user)
        .values(
            "status",
            "school_id",
            "organisation_id",
            "clb_id",
            "municipality_id",
            is_bridge_figure=Exists(is_bridge_figure),
        )
        .first()
    )
    if membership is None:
        return Ties(None, is_bridge_figure.exists())
    return Ties(membership, membership.pop("is_bridge_figure"))


def _authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _moderator(user) -> bool:
    return _authenticated(user) and bool(user.is_moderator)


def brokered_schools(user) -> QuerySet[School]:
    """Schools `user` serves as a broker: those guided by the CLB of their approved CLB
    membership, and those they serve as a bridge figure. Moderators are not brokers: they get
    what they serve like anyone else (usually nothing)."""
    if not _authenticated(user):
        return School.objects.none()
    guided, served = _brokered_school_ids(user)
    return School.objects.filter(Q(pk__in=guided) | Q(pk__in=served))


def _brokered_school_ids(user) -> tuple[QuerySet, QuerySet]:
    """The ids of the schools `user` serves as CLB staff, and as a bridge figure (see
    brokered_schools)."""
    guided = Membership.objects.approved().filter(user=user, clb__isnull=False).values("clb__assignments__school_id")
    served = School.objects.filter(bridge_figures__user=user).values("pk")
    return guided, served


def is_school_member(user, school: School) -> bool:
    """An approved member (administrator or member) of `school`."""
    if not _authenticated(user):
        return False
    return Membership.objects.approved().filter(user=user, school=school).exists()


def is_broker_for(user, school: School) -> bool:
    """CLB staff of the CLB that guides `school`, or a bridge figure who serves it."""
    if not _authenticated(user):
        return False
    return brokered_schools(user).filter(pk=school.pk).exists()


def is_organisation_member(user, organisation) -> bool:
    """An approved member (administrator or member) of the welfare organisation."""
    if not _authenticated(user):
        return False
    return Membership.objects.approved().filter(user=user, organisation=organisation).exists()


def can_propose_for(user, school: School) -> bool:
    """The school's approved members, the brokers who serve it and moderators may ask an
    organisation to take up one of the school's needs."""
    return _moderator(user) or is_school_member(user, school) or is_broker_for(user, school)


def can_answer(user, request: MatchRequest) -> bool:
    """Approved members of the asked organisation, and moderators (whatever the status)."""
    return _moderator(user) or is_organisation_member(user, request.offer.organisation)


def can_withdraw(user, request: MatchRequest) -> bool:
    """The proposer, and everyone who may propose for the need's school (whatever the status)."""
    if not _authenticated(user):
        return False
    return request.proposed_by_id == user.pk or can_propose_for(user, request.need.school)


def requests_visible_to(user) -> QuerySet[MatchRequest]:
    """Every match request `user` may read.

    School members see their school's requests, brokers those of the schools they serve,
    organisation members the requests sent to their organisation (not the drafts a broker has
    not sent yet), moderators all of them.
    """
    if not _authenticated(user):
        return MatchRequest.objects.none()
    if user.is_moderator:
        return MatchRequest.objects.all()
    approved = Membership.objects.approved().filter(user=user)
    own_schools = approved.filter(school__isnull=False).values("school_id")
    own_organisations = approved.filter(organisation__isnull=False).values("organisation_id")
    return MatchRequest.objects.filter(
        Q(need__school__in=own_schools)
        | Q(need__school__in=brokered_schools(user).values("pk"))
        | (Q(offer__organisation__in=own_organisations) & ~Q(status=MatchStatus.PROPOSED))
    )


@dataclass(frozen=True)
class MatchAccess:
    """What one user may do with one match request, whatever its status now.

    The flags are the user's ties: `school` (approved member of the need's school), `broker`
    (serves that school), `organisation` (approved member of the asked organisation, once the
    request is sent), `proposer`. One person can have several (a bridge figure who is also a
    member of the organisation). Whether the request's status still allows an action is the
    service's business: `bridge.services` raises MatchError.
    """

    school: bool = False
    broker: bool = False
    organisation: bool = False
    proposer: bool = False
    moderator: bool = False

    @property
    def side(self) -> str:
        """The strongest tie, for wording a page: "school", "broker", "organisation" or ""."""
        for name in ("school", "broker", "organisation"):
            if getattr(self, name):
                return name
        return ""

    @property
    def can_view(self) -> bool:
        return self.moderator or self.school or self.broker or self.organisation

    @property
    def can_answer(self) -> bool:
        return self.moderator or self.organisation

    @property
    def can_send(self) -> bool:
        return self.moderator or self.school or self.broker

    @property
    def can_withdraw(self) -> bool:
        return self.can_send or self.proposer

    @property
    def can_act(self) -> bool:
        return self.can_answer or self.can_withdraw


def with_access(queryset: QuerySet[MatchRequest], user) -> QuerySet[MatchRequest]:
    """Annotate each request with the user's ties to its school and organisation (no extra queries)."""
    if not _authenticated(user):
        return queryset
    approved = Membership.objects.approved().filter(user=user)
    school = OuterRef("need__school_id")
    return queryset.annotate(
        viewer_is_school_member=Exists(approved.filter(school_id=school)),
        viewer_is_clb=Exists(approved.filter(clb__assignments__school_id=school)),
        viewer_is_bridge_figure=Exists(School.objects.filter(pk=school, bridge_figures__user=user)),
        viewer_is_organisation_member=Exists(approved.filter(organisation_id=OuterRef("offer__organisation_id"))),
    )


def access_from(annotated: MatchRequest, user) -> MatchAccess:
    """Read the annotations of `with_access` into a MatchAccess."""
    if not _authenticated(user):
        return MatchAccess()
    return MatchAccess(
        school=bool(getattr(annotated, "viewer_is_school_member", False)),
        broker=bool(getattr(annotated, "viewer_is_clb", False) or getattr(annotated, "viewer_is_bridge_figure", False)),
        organisation=bool(getattr(annotated, "viewer_is_organisation_member", False))
        and annotated.status != MatchStatus.PROPOSED,
        proposer=annotated.proposed_by_id == user.pk,
        moderator=_moderator(user),
    )


ACTIONS = ("answer", "send", "withdraw")


def get_match_request_for(user, pk: int, *, write: bool = False, action: str | None = None) -> MatchRequest:
    """One match request with `request.access` (a MatchAccess) set, in one query.

    404 when the user may not see it (`requests_visible_to`). With `write`, 403 when they may
    see it but neither answer, send nor withdraw it; with `action` ("answer", "send" or
    "withdraw"), 403 unless they may take that step: the accept and decline views ask for
    "answer", so a school member who opens them gets 403, not 404. Whether the request's
    status still allows the step is for the service to say (MatchError).
    """
    if action is not None and action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; use one of {', '.join(ACTIONS)}.")
    request = (
        with_access(
            MatchRequest.objects.select_related(
                "need__school__municipality", "offer__organisation", "proposed_by", "answered_by"
            ),
            user,
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404
    request.access = access_from(request, user)
    require(request.access.can_view, visible=False)
    if write:
        require(request.access.can_act)
    if action is not None:
        require(getattr(request.access, f"can_{action}"))
    return request


class IndexedIn(In):
    """`column IN (subquery)`, which PostgreSQL answers through `column`'s index.

    Written `column = ANY(ARRAY(subquery))` there: the subquery runs once, first, and each id it
    gives is looked up in the index. Given `IN`, the planner guesses how many ids come back and,
    for a table of a few thousand rows, hashes the whole table instead: work that grows with the
    table rather than with the answer (docs/performance.md). Plain `IN` on other databases.
    Use it as a filter: `queryset.filter(IndexedIn(F("pk"), ids))`.
    """

    def __init__(self, lhs, rhs):
        # As a filter's `__in` does: the query, so In drops its ordering.
        super().__init__(lhs, rhs.query if isinstance(rhs, QuerySet) else rhs)

    def as_postgresql(self, compiler, connection):
        if self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def collaborations_visible_to(user, ties: Ties | None = None) -> QuerySet[Collaboration]:
    """The collaborations `user` is part of.

    Approved members of the school see their school's; approved members of an organisation the
    ones their organisation takes part in; brokers the ones they brokered and those of the
    schools they serve; moderators all of them. Pending members see none.

    One UNION of index lookups (each tie read through its own index) rather than an OR over
    every collaboration, so the work follows the user's ties, not the size of the table. Given
    the user's `ties` (`user_ties`), it leaves out the lookups of ties they do not have: a local
    government's is the brokered collaborations alone.
    """
    if not user.is_authenticated:
        return Collaboration.objects.none()
    if user.is_moderator:
        return Collaboration.objects.all()
    if ties is not None:
        return Collaboration.objects.filter(IndexedIn(F("pk"), _tied_collaboration_ids(user, ties)))
    approved = Membership.objects.approved().filter(user=user)
    own_schools = approved.filter(school__isnull=False).values("school_id")
    own_organisations = approved.filter(organisation__isnull=False).values("organisation_id")
    guided, served = _brokered_school_ids(user)
    taken_part = Collaboration.organisations.through.objects.filter(organisation__in=own_organisations)
    ids = _of_schools(own_schools).union(
        taken_part.values("collaboration_id"),
        Collaboration.objects.filter(broker=user).values("pk"),
        _of_schools(guided),
        _of_schools(served),
    )
    return Collaboration.objects.filter(IndexedIn(F("pk"), ids))


def _of_schools(schools) -> QuerySet:
    return Collaboration.objects.filter(school__in=schools).values("pk")


def _tied_collaboration_ids(user, ties: Ties) -> QuerySet:
    """The ids of `collaborations_visible_to`, from the lookups of the ties the user has."""
    approved = ties.approved or {}
    ids = [Collaboration.objects.filter(broker=user).values("pk")]
    if approved.get("school_id"):
        ids.append(_of_schools([approved["school_id"]]))
    if approved.get("organisation_id"):
        taken_part = Collaboration.organisations.through.objects.filter(organisation_id=approved["organisation_id"])
        ids.append(taken_part.values("collaboration_id"))
    if approved.get("clb_id"):
        ids.append(_of_schools(CLBSchool.objects.filter(clb_id=approved["clb_id"]).values("school_id")))
    if ties.is_bridge_figure:
        ids.append(_of_schools(School.objects.filter(bridge_figures__user=user).values("pk")))
    return ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0]

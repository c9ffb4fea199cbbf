"""Who may see a school's own pages, and who may change them.

A school's page and the needs it states are not public. They are for the people who work
with the school: its members, the CLB that guides it (bridge.CLBSchool), the bridge figures who
serve it, and moderators. Everyone else is told the page does not exist (404).

For a list of schools (or of their needs) the user's relation to each is worked out in the same
query that fetches them (`with_access`), so a list costs the same number of queries whoever looks.
For one school (or one need of it) `school_access` asks a small query or two instead: annotating
the object's own query with the relation took longer to build and plan than those. Reverse
relations (`clb_assignment`, `bridge_figures`) are read through the ORM: `schools` never
imports `bridge`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from portal.access import require
from portal.models import Membership, MembershipRole, MembershipStatus
from schools.models import School

NEEDS_READERS = {"admin", "member", "clb", "bridge_figure"}
NEEDS_WRITERS = {"admin", "member"}


@dataclass(frozen=True)
class SchoolAccess:
    """What one user may do with one school.

    `relation` is the strongest tie the user has: "admin" or "member" (approved membership),
    "bridge_figure", "clb" (staff of the CLB that guides the school), "pending" (a membership
    not approved yet) or "" (none).
    """

    relation: str = ""
    moderator: bool = False

    @property
    def can_view(self) -> bool:
        return self.moderator or bool(self.relation)

    @property
    def can_view_needs(self) -> bool:
        return self.moderator or self.relation in NEEDS_READERS

    @property
    def can_state_needs(self) -> bool:
        return self.moderator or self.relation in NEEDS_WRITERS

    @property
    def can_edit_profile(self) -> bool:
        return self.moderator or self.relation == "admin"

    @property
    def can_edit_institution_number(self) -> bool:
        """The institution number ties a school to the Department of Education's records."""
        return self.moderator

    @property
    def reads_only(self) -> bool:
        """CLB staff and bridge figures follow the school's needs but do not state them."""
        return self.can_view_needs and not self.can_state_needs


def access_annotations(user, school_ref: str = "pk") -> dict:
    """Annotations describing `user`'s relation to the school at `school_ref` of the outer query.

    Use `school_ref="pk"` on a School queryset and `school_ref="school_id"` on a FamilyNeed queryset.
    """
    school = OuterRef(school_ref)
    live = Membership.objects.live().filter(user=user, school_id=school)
    return {
        "viewer_membership_status": Subquery(live.values("status")[:1]),
        "viewer_membership_role": Subquery(live.values("role")[:1]),
        "viewer_is_clb": Exists(Membership.objects.approved().filter(user=user, clb__assignments__school_id=school)),
        "viewer_is_bridge_figure": Exists(School.objects.filter(pk=school, bridge_figures__user=user)),
    }


def access_from(annotated, user) -> SchoolAccess:
    """Read the annotations of `access_annotations` into a SchoolAccess."""
    moderator = bool(user.is_authenticated and user.is_moderator)
    if not user.is_authenticated:
        return SchoolAccess()
    relation = _relation(
        getattr(annotated, "viewer_membership_status", None),
        getattr(annotated, "viewer_membership_role", None),
        is_bridge_figure=lambda: getattr(annotated, "viewer_is_bridge_figure", False),
        is_clb=lambda: getattr(annotated, "viewer_is_clb", False),
    )
    return SchoolAccess(relation=relation, moderator=moderator)


def _relation(status, role, *, is_bridge_figure: Callable[[], bool], is_clb: Callable[[], bool]) -> str:
    """The strongest tie (`SchoolAccess.relation`) from the user's live membership of the school
    (its status and role, or None): an approved membership, then serving the school as a bridge
    figure, then guiding it as CLB staff, then a pending membership. The two ties are asked only
    when needed (`school_access` asks the database)."""
    if status == MembershipStatus.APPROVED:
        return "admin" if role == MembershipRole.ADMIN else "member"
    if is_bridge_figure():
        return "bridge_figure"
    if is_clb():
        return "clb"
    return "pending" if status == MembershipStatus.PENDING else ""


def school_access(user, school_id: int) -> SchoolAccess:
    """The user's access to one school: what `access_from` reads from `access_annotations`, in one
    query for a member of the school (their live membership: a user has at most one), two or three
    for anyone else (do they serve the school as a bridge figure, does their CLB guide it)."""
    if not user.is_authenticated:
        return SchoolAccess()
    status = role = clb_id = None
    membership = Membership.objects.live().filter(user=user).values_list("status", "role", "school_id", "clb_id")
    for live_status, live_role, member_of, clb in membership[:1]:
        if member_of == school_id:
            status, role = live_status, live_role
        elif clb is not None and live_status == MembershipStatus.APPROVED:
            clb_id = clb
    school = School.objects.filter(pk=school_id)
    relation = _relation(
        status,
        role,
        is_bridge_figure=lambda: school.filter(bridge_figures__user=user).exists(),
        is_clb=lambda: clb_id is not None and school.filter(clb_assignment__clb_id=clb_id).exists(),
    )
    return SchoolAccess(relation=relation, moderator=bool(user.is_moderator))


def with_access(queryset: QuerySet, user, school_ref: str = "pk") -> QuerySet:
    if not user.is_authenticated:
        return queryset
    return queryset.annotate(**access_annotations(user, school_ref))


def get_school_for(user, pk: int, *, write: bool = False) -> School:
    """The school with `school.access` set; 404 for outsiders, 403 when `write` and the user may
    see the school but not change its profile (members, pending members, CLB, bridge figures)."""
    school = (
        School.objects.select_related("municipality")
        .annotate(clb_name=F("clb_assignment__clb__name"))
        .filter(pk=pk)
        .first()
    )
    if school is None:
        raise Http404
    school.access = school_access(user, school.pk)
    require(school.access.can_view, visible=False)
    if write:
        require(school.access.can_edit_profile)
    return school


def schools_with_needs_visible_to(user) -> QuerySet[School]:
    """Schools whose needs `user` may read: their own (approved), the ones their CLB guides, the
    ones they serve as a bridge figure; every school for a moderator."""
    if not user.is_authenticated:
        return School.objects.none()
    if user.is_moderator:
        return School.objects.all()
    own = Membership.objects.approved().filter(user=user, school__isnull=False).values("school_id")
    guided = Membership.objects.approved().filter(user=user, clb__isnull=False).values("clb__assignments__school_id")
    served = School.objects.filter(bridge_figures__user=user).values("pk")
    return School.objects.filter(Q(pk__in=own) | Q(pk__in=guided) | Q(pk__in=served))

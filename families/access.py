"""Who may read and who may state a school's family needs.

Needs are never public. Approved members of the school read and state them; CLB staff of the
CLB that guides the school and bridge figures who serve it read them (they broker matches, the
school decides); moderators may do everything. A pending member knows the school exists but
sees none of its needs (403); anyone else gets 404, as if the need did not exist.
"""

from django.db.models import QuerySet
from django.http import Http404

from families.models import FamilyNeed
from portal.access import require
from schools.access import get_school_for, school_access, schools_with_needs_visible_to
from schools.models import School


def needs_visible_to(user) -> QuerySet[FamilyNeed]:
    """Every need `user` may read, across schools."""
    if not user.is_authenticated:
        return FamilyNeed.objects.none()
    if user.is_moderator:
        return FamilyNeed.objects.all()
    return FamilyNeed.objects.filter(school__in=schools_with_needs_visible_to(user).values("pk"))


def get_need_for(user, pk: int, *, write: bool = False) -> FamilyNeed:
    """One need with `need.access` (the user's SchoolAccess to its school) set.

    404 when the user has nothing to do with the school, 403 when they know the school but may
    not read its needs (pending members) or, with `write`, may read but not change them.
    """
    need = FamilyNeed.objects.select_related("school", "school__municipality", "created_by").filter(pk=pk).first()
    if need is None:
        raise Http404
    need.access = school_access(user, need.school_id)
    require(need.access.can_view, visible=False)
    require(need.access.can_view_needs)
    if write:
        require(need.access.can_state_needs)
    return need


def get_school_for_needs(user, school_pk: int, *, write: bool = False) -> School:
    """The school whose needs are listed or stated, with the same 404/403 rules as `get_need_for`."""
    school = get_school_for(user, school_pk)
    require(school.access.can_view_needs)
    if write:
        require(school.access.can_state_needs)
    return school

"""Who may do what, decided on the object itself.

A user acts for the one entity (school, organisation, CLB or municipality) of their approved
membership. Pending members can see their entity's public face, but change nothing.
Moderators (platform staff) may verify and correct anything.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.models import Membership, MembershipRole, MembershipStatus


def membership_for(user, *, entity_field: str, entity_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, status=MembershipStatus.APPROVED, **{f"{entity_field}_id": entity_id})
        .only("id", "role", "status")
        .first()
    )


def is_member(user, *, entity_field: str, entity_id: int) -> bool:
    return membership_for(user, entity_field=entity_field, entity_id=entity_id) is not None


def is_admin(user, *, entity_field: str, entity_id: int) -> bool:
    membership = membership_for(user, entity_field=entity_field, entity_id=entity_id)
    return membership is not None and membership.role == MembershipRole.ADMIN


def is_moderator(user) -> bool:
    return bool(user.is_authenticated and user.is_moderator)


def require(condition: bool, *, visible: bool = True) -> None:
    """404 when the user may not even know the object exists, 403 when they may see but not act."""
    if condition:
        return
    if not visible:
        raise Http404
    raise PermissionDenied

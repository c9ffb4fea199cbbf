"""Who may see and change an organisation's own pages: dashboard, locations, offers, corrections.

The rules, decided once here and followed by every view of `welfare.urls`:

- Approved members keep the offer up to date together: they add and edit offers and locations,
  set capacity, confirm an offer ("still correct") and deactivate or reactivate it.
- Admins of the organisation additionally edit the organisation's profile and handle the
  corrections other professionals suggest.
- A pending member sees the dashboard read-only and gets 403 on every change.
- Anyone else gets 404 on the organisation's pages and objects: they may not even learn what an
  organisation keeps here (its public face is the directory).
- Moderators (platform staff) may see and do everything.
"""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from portal.access import is_moderator, require
from portal.models import Membership, MembershipRole, MembershipStatus
from welfare.models import Location, Offer, OfferCorrection, Organisation


@dataclass(frozen=True)
class OrganisationPermissions:
    """What one user may do with one organisation; templates read it as `perms`."""

    can_view: bool = False
    can_edit: bool = False
    can_admin: bool = False
    pending: bool = False


NOBODY = OrganisationPermissions()


def _live_membership(user, organisation_id: int) -> Membership | None:
    """The user's pending or approved membership of this organisation, memoised on the user
    object so one request asks the database once, however many objects it checks."""
    cache = user.__dict__.setdefault("_welfare_memberships", {})
    if organisation_id not in cache:
        cache[organisation_id] = (
            Membership.objects.live()
            .filter(user=user, organisation_id=organisation_id)
            .only("id", "role", "status")
            .first()
        )
    return cache[organisation_id]


def permissions_for(user, organisation_id: int) -> OrganisationPermissions:
    if not user.is_authenticated:
        return NOBODY
    if is_moderator(user):
        return OrganisationPermissions(can_view=True, can_edit=True, can_admin=True)
    membership = _live_membership(user, organisation_id)
    if membership is None:
        return NOBODY
    if membership.status != MembershipStatus.APPROVED:
        return OrganisationPermissions(can_view=True, pending=True)
    return OrganisationPermissions(can_view=True, can_edit=True, can_admin=membership.role == MembershipRole.ADMIN)


def check(user, organisation_id: int, *, write: bool = False, admin: bool = False) -> OrganisationPermissions:
    """404 when the user may not see the organisation at all, 403 when they may see but not act."""
    perms = permissions_for(user, organisation_id)
    require(perms.can_view, visible=False)
    if admin:
        require(perms.can_admin)
    elif write:
        require(perms.can_edit)
    return perms


def get_organisation_for(user, pk: int, *, write: bool = False, admin: bool = False) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.select_related("kind"), pk=pk)
    check(user, organisation.pk, write=write, admin=admin)
    return organisation


def get_offer_for(user, pk: int, *, write: bool = False) -> Offer:
    offer = get_object_or_404(Offer.objects.select_related("organisation"), pk=pk)
    check(user, offer.organisation_id, write=write)
    return offer


def get_location_for(user, pk: int, *, write: bool = False) -> Location:
    location = get_object_or_404(Location.objects.select_related("organisation", "municipality"), pk=pk)
    check(user, location.organisation_id, write=write)
    return location


def get_correction_for(user, pk: int) -> OfferCorrection:
    """Only the organisation's admins (and moderators) handle suggested corrections."""
    correction = get_object_or_404(OfferCorrection.objects.select_related("offer__organisation", "suggested_by"), pk=pk)
    check(user, correction.offer.organisation_id, admin=True)
    return correction


def own_organisation_id(user) -> int | None:
    """The organisation of the user's live (pending or approved) membership, if any."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.live()
        .filter(user=user, organisation__isnull=False)
        .values_list("organisation_id", flat=True)
        .first()
    )

"""What Brugwijzer keeps about a professional: "download my data" and "delete my account".

The export holds what the account is and what the person did: profile, e-mail addresses,
two-factor methods (never their secrets), memberships, API tokens (name and first characters,
never the token), the audit events they caused, and what they wrote or started (match
requests, needs, learning log entries, barriers, suggested corrections, collaborations they
brokered). Needs are anonymous by design, so their titles are safe to hand out.

Deleting an account keeps the history of the portal and removes the person from it, however
the account is deleted (by its owner here, by staff in the admin): a pre_delete receiver calls
`forget_user`. Their audit events are kept with the actor replaced by a pseudonym ("verwijderde gebruiker #…",
the same one for all their events, derived with the SECRET_KEY so that it cannot be traced
back from an e-mail address), and their name and e-mail address are replaced by it wherever
the audit trail mentions them (a membership is described by its member's name, for example).
Then the user is deleted: memberships, tokens and authenticators go with it; needs, requests,
log entries and barriers stay, without an author (their foreign keys are SET_NULL).

The last administrator of a school, organisation, CLB or local government that still has
other approved members cannot delete their account: they make someone else administrator
first, as when they leave it (portal.services.remove_member). Pending requests alone do not
hold them back: without an administrator, the moderators decide on those.
"""

import json
import re
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, ProtectedError, Q, RestrictedError, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from bridge.models import Barrier, BridgeFigure, Collaboration, LearningEntry, MatchRequest
from families.models import FamilyNeed
from portal.models import ApiToken, AuditEvent, Membership, MembershipRole, MembershipStatus, User
from welfare.models import OfferCorrection

EXPORT_FORMAT = "brugwijzer-account-export"
EXPORT_VERSION = 1
PSEUDONYM = "verwijderde gebruiker #{}"
# A name shorter than this is not searched for in the audit trail: it would match too much.
MIN_NAME_LENGTH = 3
BATCH = 500


class AccountDeletionError(Exception):
    """The account cannot be deleted now; the message says why and what to do."""


# --- the export -------------------------------------------------------------------------------


def _entity(membership: Membership) -> dict[str, Any]:
    entity = membership.entity
    return {"kind": membership.kind, "id": entity.pk, "name": str(entity)}


def _object_type(content_type) -> str:
    return f"{content_type.app_label}.{content_type.model}"


def export_user_data(user: User) -> dict[str, Any]:
    """Everything of `user`, as plain JSON-ready data (datetimes for DjangoJSONEncoder).

    One query per section, however much there is; audit events are streamed."""
    memberships = Membership.objects.filter(user=user).select_related("school", "organisation", "clb", "municipality")
    figure = BridgeFigure.objects.filter(user=user).select_related("employer").prefetch_related("schools").first()
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "profile": {
            "email": user.email,
            "name": user.full_name,
            "job_title": user.job_title,
            "joined": user.date_joined,
            "last_login": user.last_login,
            "moderator": user.is_moderator,
            "admin_access": user.is_staff,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "two_factor": [
            {"type": method.type, "added": method.created_at, "last_used": method.last_used_at}
            for method in Authenticator.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "memberships": [
            {
                **_entity(membership),
                "role": membership.role,
                "status": membership.status,
                "requested": membership.created_at,
                "decided": membership.decided_at,
            }
            for membership in memberships.order_by("created_at", "pk")
        ],
        "bridge_figure": (
            {
                "employer": {"id": figure.employer_id, "name": figure.employer.name},
                "schools": [{"id": school.pk, "name": school.name} for school in figure.schools.all()],
            }
            if figure
            else None
        ),
        "api_tokens": [
            {
                "name": token.name,
                "starts_with": token.prefix,
                "created": token.created_at,
                "last_used": token.last_used_at,
                "revoked": token.revoked_at,
            }
            for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "audit_events": [
            {
                "time": event.created_at,
                "action": event.action,
                "object_type": _object_type(event.content_type),
                "object_id": event.object_id,
                "object": event.object_repr,
                "changes": event.changes,
            }
            for event in AuditEvent.objects.filter(actor=user)
            .select_related("content_type")
            .order_by("created_at", "pk")
            .iterator(chunk_size=2000)
        ],
        "match_requests_proposed": [
            {
                "id": request.pk,
                "need": {"id": request.need_id, "title": request.need.title, "school": request.need.school.name},
                "offer": {"id": request.offer_id, "name": request.offer.name},
                "organisation": request.offer.organisation.name,
                "status": request.status,
                "message": request.message,
                "created": request.created_at,
            }
            for request in MatchRequest.objects.filter(proposed_by=user)
            .select_related("need__school", "offer__organisation")
            .order_by("created_at", "pk")
        ],
        "needs_created": [
            {
                "id": need.pk,
                "title": need.title,
                "school": need.school.name,
                "status": need.status,
                "created": need.created_at,
            }
            for need in FamilyNeed.objects.filter(created_by=user).select_related("school").order_by("created_at", "pk")
        ],
        "learning_entries": [
            {
                "id": entry.pk,
                "collaboration": {"id": entry.collaboration_id, "title": entry.collaboration.title},
                "written_for": entry.author_side,
                "what_happened": entry.what_happened,
                "learned": entry.learned,
                "take_away": entry.take_away,
                "written": entry.created_at,
            }
            for entry in LearningEntry.objects.filter(author=user)
            .select_related("collaboration")
            .order_by("created_at", "pk")
        ],
        "barriers_reported": [
            {
                "id": barrier.pk,
                "kind": barrier.kind,
                "municipality": barrier.municipality.name_nl,
                "school": barrier.school.name if barrier.school else None,
                "note": barrier.note,
                "reported": barrier.created_at,
            }
            for barrier in Barrier.objects.filter(reported_by=user)
            .select_related("municipality", "school")
            .order_by("created_at", "pk")
        ],
        "corrections_suggested": [
            {
                "id": correction.pk,
                "offer": {"id": correction.offer_id, "name": correction.offer.name},
                "organisation": correction.offer.organisation.name,
                "message": correction.message,
                "status": correction.status,
                "suggested": correction.created_at,
            }
            for correction in OfferCorrection.objects.filter(suggested_by=user)
            .select_related("offer__organisation")
            .order_by("created_at", "pk")
        ],
        "collaborations_brokered": [
            {"id": collaboration.pk, "title": collaboration.title, "school": collaboration.school.name}
            for collaboration in Collaboration.objects.filter(broker=user)
            .select_related("school")
            .order_by("created_at", "pk")
        ],
    }


# --- pseudonymising the audit trail -----------------------------------------------------------


def pseudonym_for(user: User) -> str:
    """The same pseudonym for all of one user's events; not computable without the SECRET_KEY."""
    digest = salted_hmac("brugwijzer.privacy.pseudonym", str(user.pk), algorithm="sha256").hexdigest()[:10]
    return PSEUDONYM.format(digest)


def _emails(user: User) -> list[str]:
    addresses = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    return sorted({user.email.lower(), *(address.lower() for address in addresses)})


def _identifiers(user: User, emails: list[str]) -> list[str]:
    """What names the user in text: their e-mail addresses and their name (when long enough)."""
    name = " ".join(user.full_name.split())
    return emails + ([name] if len(name) >= MIN_NAME_LENGTH else [])


def _patterns(identifiers: list[str]) -> list[re.Pattern]:
    # Whole words only: "An Peeters" must not change "Anna Peeters-Verhulst".
    return [re.compile(rf"(?<![\w@.]){re.escape(text)}(?![\w@])", re.IGNORECASE) for text in identifiers]


def _replace(value: Any, patterns: list[re.Pattern], pseudonym: str) -> Any:
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(pseudonym, value)
        return value
    if isinstance(value, list):
        return [_replace(item, patterns, pseudonym) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, patterns, pseudonym) for key, item in value.items()}
    return value


def _mentioning(identifiers: list[str]):
    """Audit events whose object or changes contain one of `identifiers` (a superset: the
    regular expressions in `_replace` decide)."""
    condition = Q()
    for text in identifiers:
        condition |= Q(object_repr__icontains=text) | Q(changes_text__icontains=text)
        escaped = json.dumps(text)[1:-1]  # SQLite keeps JSON with \u escapes
        if escaped != text:
            condition |= Q(changes_text__icontains=escaped)
    return AuditEvent.objects.annotate(changes_text=Cast("changes", TextField())).filter(condition)


def pseudonymise_audit_trail(user: User) -> str:
    """Replace `user` in the audit trail by their pseudonym: as actor, and wherever an event's
    object or changes name them. Returns the pseudonym. Call it inside a transaction."""
    pseudonym = pseudonym_for(user)
    emails = _emails(user)
    identifiers = _identifiers(user, emails)
    AuditEvent.objects.filter(Q(actor=user) | Q(actor_label__in=emails)).update(actor_label=pseudonym)
    patterns = _patterns(identifiers)
    changed: list[AuditEvent] = []
    for event in _mentioning(identifiers).only("pk", "object_repr", "changes").iterator(chunk_size=BATCH):
        object_repr = _replace(event.object_repr, patterns, pseudonym)[:255]
        changes = _replace(event.changes, patterns, pseudonym)
        if object_repr != event.object_repr or changes != event.changes:
            event.object_repr, event.changes = object_repr, changes
            changed.append(event)
    AuditEvent.objects.bulk_update(changed, ["object_repr", "changes"], batch_size=BATCH)
    return pseudonym


# --- deleting an account ----------------------------------------------------------------------


def deletion_blocker(user: User, *, lock: bool = False) -> Model | None:
    """The entity that would be left without an administrator while it still has approved
    members, if `user` deleted their account now; None when nothing holds them back.

    With `lock`, the entity's administrators are locked (PostgreSQL) so that two administrators
    who delete or step down at the same moment cannot both go."""
    own = (
        Membership.objects.filter(user=user, status=MembershipStatus.APPROVED, role=MembershipRole.ADMIN)
        .select_related("school", "organisation", "clb", "municipality")
        .first()
    )
    if own is None:
        return None
    field = own.kind
    members = Membership.objects.filter(
        status=MembershipStatus.APPROVED, **{f"{field}_id": getattr(own, f"{field}_id")}
    )
    admins = members.filter(role=MembershipRole.ADMIN)
    if lock:
        admins = admins.select_for_update()
    other_admins = [pk for pk in admins.order_by("pk").values_list("pk", flat=True) if pk != own.pk]
    if other_admins or not members.exclude(pk=own.pk).exists():
        return None
    return own.entity


def forget_user(user: User) -> str:
    """Take `user` out of the audit trail before their account goes, and record that it went.

    Called for every deleted user, however it is deleted (here, in the admin, from a script),
    by the pre_delete receiver in portal.signals. Returns the pseudonym."""
    pseudonym = pseudonymise_audit_trail(user)
    AuditEvent.objects.create(
        actor=None,
        actor_label=pseudonym,
        action=AuditEvent.Action.DELETE,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=pseudonym,
        changes={},
    )
    return pseudonym


def delete_account(*, user: User) -> str:
    """Delete `user`'s own account; returns their pseudonym in the audit trail.

    Raises AccountDeletionError when they are the last administrator of an entity with other
    members, or when a record that must keep its person still points at them. The audit trail
    is pseudonymised by `forget_user` as the user is deleted, in the same transaction."""
    pseudonym = pseudonym_for(user)  # before the delete, which sets user.pk to None
    with transaction.atomic():
        if User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first() is None:
            return pseudonym  # deleted at this very moment (a double click): forgotten once, not twice
        blocker = deletion_blocker(user, lock=True)
        if blocker is not None:
            raise AccountDeletionError(
                _(
                    "You are the last administrator of %(entity)s, which still has other members. Make one of "
                    "them administrator first, then delete your account."
                )
                % {"entity": blocker}
            )
        try:
            with transaction.atomic():
                user.delete()
        except (ProtectedError, RestrictedError):
            raise AccountDeletionError(
                _("Your account is still needed by a record that cannot lose its author. Contact a moderator.")
            ) from None
    return pseudonym

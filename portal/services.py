"""Joining a school, organisation, CLB or local government, and verifying new ones.

Every state change here runs in a transaction, writes an audit entry and sends its e-mail
after the commit. Status transitions are conditional updates (`filter(status="pending")
.update(...)`) whose row count is checked: a double click, or two administrators deciding at
the same moment, can never approve a request twice or approve one that was just declined.

A step that cannot happen raises `MembershipError` with a message a person can read; views
show it as a message. The views decide who may *see* a page (404/403); the services check
again who may *act*, so a call from anywhere else cannot skip the rule.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bridge.models import CLB
from portal import audit
from portal.mail import absolute, notify
from portal.models import AuditEvent, Membership, MembershipRole, MembershipStatus, Municipality, PostalCode, User
from schools.models import School
from welfare.models import Location, Organisation, OrganisationKind

ENTITY_MODELS: dict[str, type[Model]] = {
    "school": School,
    "organisation": Organisation,
    "clb": CLB,
    "municipality": Municipality,
}

# The Dutch path segment of each kind of entity, as in /lidmaatschap/leden/organisatie/12/.
KIND_SLUGS = {"school": "school", "organisation": "organisatie", "clb": "clb", "municipality": "gemeente"}
SLUG_KINDS = {slug: kind for kind, slug in KIND_SLUGS.items()}


class MembershipError(Exception):
    """A membership or verification step that cannot happen; the message is shown as is."""


# --- entities -------------------------------------------------------------------------------


def entity_field(entity: Model) -> str:
    """school, organisation, clb or municipality: the Membership field that points to `entity`."""
    for field, model in ENTITY_MODELS.items():
        if isinstance(entity, model):
            return field
    raise TypeError(f"{type(entity).__name__} is not something a user can be a member of.")


def members_of(entity: Model) -> QuerySet[Membership]:
    return Membership.objects.filter(**{entity_field(entity): entity})


def awaits_verification(entity: Model) -> bool:
    """A school or organisation that a user registered and no moderator has verified yet."""
    return isinstance(entity, School | Organisation) and entity.verified_at is None


def members_url(entity: Model) -> str:
    return reverse("membership:entity_members", kwargs={"kind": KIND_SLUGS[entity_field(entity)], "pk": entity.pk})


def review_url(entity: School | Organisation) -> str:
    name = "membership:review_school" if isinstance(entity, School) else "membership:review_organisation"
    return reverse(name, kwargs={"pk": entity.pk})


def admin_emails(entity: Model) -> list[str]:
    return list(
        members_of(entity)
        .approved()
        .filter(role=MembershipRole.ADMIN, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def moderator_emails() -> list[str]:
    return list(User.objects.filter(is_moderator=True, is_active=True).values_list("email", flat=True))


def may_manage(user, entity: Model) -> bool:
    """Moderators and the approved administrators of `entity` decide on its members."""
    if not user.is_authenticated:
        return False
    if user.is_moderator:
        return True
    return members_of(entity).approved().filter(user=user, role=MembershipRole.ADMIN).exists()


def _has_admin(field: str) -> Exists:
    """True when the entity in the outer query's `field` has an approved administrator."""
    return Exists(
        Membership.objects.approved().filter(role=MembershipRole.ADMIN, **{f"{field}_id": OuterRef(f"{field}_id")})
    )


def requests_for_moderators() -> QuerySet[Membership]:
    """Pending requests to join an entity that has no approved administrator to decide on them.

    Registrations of a school or organisation that waits for verification are left out: the
    moderator decides on those by verifying or declining the school or organisation itself.
    """
    orphaned = Q()
    for field in ENTITY_MODELS:
        orphaned |= Q(**{f"{field}__isnull": False}) & ~_has_admin(field)
    return (
        Membership.objects.filter(status=MembershipStatus.PENDING)
        .filter(orphaned)
        .filter(Q(school__isnull=True) | Q(school__verified_at__isnull=False))
        .filter(Q(organisation__isnull=True) | Q(organisation__verified_at__isnull=False))
        .select_related("user", "school__municipality", "organisation__kind", "clb", "municipality")
        .order_by("created_at", "pk")
    )


JOIN_KINDS = ("school", "organisation", "clb", "municipality")


def search_joinable(kind: str, query: str) -> QuerySet:
    """Entities of `kind` a user can ask to join, matching `query`; only verified schools and
    organisations. Each row carries `has_admin`: whether its administrators or a moderator decide.

    Schools match on name, institution number, postal code and municipality; organisations on
    name and the municipality or postal code of their locations; CLBs on name; municipalities
    on their Dutch or French name and their postal codes.
    """
    text = " ".join(query.split())
    digits = text.isdigit()
    has_admin = Exists(
        Membership.objects.approved().filter(role=MembershipRole.ADMIN, **{f"{kind}_id": OuterRef("pk")})
    )
    if kind == "school":
        match = Q(name__icontains=text) | Q(municipality__name_nl__icontains=text)
        if digits:
            match |= Q(institution_number__startswith=text) | Q(postal_code__startswith=text)
        queryset = School.objects.verified().select_related("municipality").filter(match).order_by("name", "pk")
    elif kind == "organisation":
        places = Location.objects.filter(
            Q(postal_code__startswith=text) if digits else Q(municipality__name_nl__icontains=text)
        )
        queryset = (
            Organisation.objects.verified()
            .filter(Q(name__icontains=text) | Q(pk__in=places.values("organisation")))
            .select_related("kind")
            .prefetch_related(
                Prefetch(
                    "locations",
                    queryset=Location.objects.select_related("municipality").order_by("municipality__name_nl", "pk"),
                )
            )
            .order_by("name", "pk")
        )
    elif kind == "clb":
        queryset = CLB.objects.filter(name__icontains=text).select_related("municipality").order_by("name", "pk")
    elif kind == "municipality":
        match = Q(name_nl__icontains=text) | Q(name_fr__icontains=text)
        if digits:
            match |= Q(pk__in=PostalCode.objects.filter(code__startswith=text).values("municipality"))
        queryset = Municipality.objects.filter(match).order_by("name_nl", "pk")
    else:
        raise ValueError(f"Unknown kind {kind!r}")
    return queryset.annotate(has_admin=has_admin)


def joinable(kind: str) -> QuerySet:
    """Every entity of `kind` a user may ask to join."""
    model = ENTITY_MODELS[kind]
    if model in (School, Organisation):
        return model.objects.verified()
    return model.objects.all()


def live_membership(user) -> Membership | None:
    return (
        Membership.objects.live()
        .filter(user=user)
        .select_related("school", "organisation", "clb", "municipality")
        .first()
    )


# --- helpers for the steps ------------------------------------------------------------------


def _now_decided(by) -> dict[str, Any]:
    return {"decided_at": timezone.now(), "decided_by": by}


def _ensure_no_live_membership(user) -> None:
    current = live_membership(user)
    if current is None:
        return
    if current.status == MembershipStatus.PENDING:
        message = _(
            "You already asked to join %(entity)s. Withdraw that request first if you want to join somewhere else."
        )
    else:
        message = _("You are already a member of %(entity)s. Leave it first if you want to join somewhere else.")
    raise MembershipError(message % {"entity": current.entity})


def _ensure_may_manage(user, entity: Model) -> None:
    if not may_manage(user, entity):
        raise MembershipError(_("Only an administrator of %(entity)s or a moderator can do this.") % {"entity": entity})


def _ensure_moderator(user) -> None:
    if not (user.is_authenticated and user.is_moderator):
        raise MembershipError(_("Only a Brugwijzer moderator can do this."))


def _ensure_verified(entity: Model) -> None:
    if awaits_verification(entity):
        raise MembershipError(
            _("%(entity)s has not been verified yet: a moderator decides on it first.") % {"entity": entity}
        )


def _lock_admins(entity: Model) -> list[int]:
    """Lock the approved administrators of `entity` (PostgreSQL) and return their membership ids,
    so two administrators who demote or remove each other at once cannot leave nobody in charge."""
    return list(
        members_of(entity)
        .approved()
        .filter(role=MembershipRole.ADMIN)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _transition(membership: Membership, *, by, action: str = AuditEvent.Action.STATUS, **changes) -> None:
    """Apply `changes` to `membership` (already updated in the database), and record them."""
    before = {field: getattr(membership, field) for field in changes}
    for field, value in changes.items():
        setattr(membership, field, value)
    audit.record(actor=by, action=action, obj=membership, changes=audit.diff(before, changes))


def _mail_context(membership: Membership) -> dict[str, str]:
    return {
        "user_name": membership.user.get_full_name(),
        "user_email": membership.user.email,
        "entity_name": str(membership.entity),
        "home_url": absolute(reverse("home")),
        "join_url": absolute(reverse("membership:join")),
    }


# --- joining --------------------------------------------------------------------------------


def request_membership(*, user: User, entity: Model) -> Membership:
    """Ask to join `entity` as a member. Its approved administrators decide, or the moderators
    when it has none yet; they get an e-mail."""
    field = entity_field(entity)
    _ensure_verified(entity)
    with transaction.atomic():
        _ensure_no_live_membership(user)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user, role=MembershipRole.MEMBER, status=MembershipStatus.PENDING, **{field: entity}
                )
        except IntegrityError:
            raise MembershipError(_("You already have a request or membership elsewhere.")) from None
        audit.record(
            actor=user,
            action=AuditEvent.Action.CREATE,
            obj=membership,
            changes={"status": MembershipStatus.PENDING, "role": MembershipRole.MEMBER},
        )
        admins = admin_emails(entity)
        context = _mail_context(membership)
        if admins:
            context.update(decided_by="admins", decide_url=absolute(members_url(entity)))
        else:
            context.update(decided_by="moderators", decide_url=absolute(reverse("membership:moderation")))
        notify(template="email/membership/request_received", to=admins or moderator_emails(), context=context)
    return membership


def withdraw_membership(*, membership: Membership, by: User) -> Membership:
    """The requester takes back a pending request. A registration of a school or organisation
    that was not verified yet is withdrawn with it."""
    if membership.user_id != by.pk:
        raise MembershipError(_("Only the person who asked can withdraw a request."))
    entity = membership.entity
    with transaction.atomic():
        if awaits_verification(entity):
            # The registration first, then the request: the order in which verifying and declining
            # lock them, so a moderator deciding at this moment cannot deadlock with the withdrawal.
            type(entity).objects.select_for_update().filter(pk=entity.pk).values_list("pk", flat=True).first()
        decided = _now_decided(by)
        updated = Membership.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(
            status=MembershipStatus.DECLINED, **decided
        )
        if not updated:
            raise MembershipError(_("This request has already been handled: it can no longer be withdrawn."))
        _transition(membership, by=by, status=MembershipStatus.DECLINED, **decided)
        if awaits_verification(entity) and entity.registered_by_id == by.pk:
            _close_registration(entity, by=by, reason=_("Withdrawn by the person who registered it."))
    return membership


def approve_membership(*, membership: Membership, by: User, role: str | None = None) -> Membership:
    """An administrator of the entity (or a moderator) lets a pending requester in; the requester
    gets an e-mail. `role` overrides the role asked for (a moderator can appoint a first admin)."""
    entity = membership.entity
    _ensure_may_manage(by, entity)
    _ensure_verified(entity)
    if membership.user_id == by.pk:
        raise MembershipError(_("You cannot decide on your own request."))
    if role is not None and role not in MembershipRole.values:
        raise MembershipError(_("Choose member or administrator."))
    with transaction.atomic():
        changes: dict[str, Any] = {"status": MembershipStatus.APPROVED, **_now_decided(by)}
        if role:
            changes["role"] = role
        if not Membership.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(**changes):
            raise MembershipError(_("This request has already been handled."))
        _transition(membership, by=by, **changes)
        notify(
            template="email/membership/request_approved",
            to=[membership.user.email],
            context={**_mail_context(membership), "is_admin": membership.role == MembershipRole.ADMIN},
        )
    return membership


def decline_membership(*, membership: Membership, by: User, reason: str = "") -> Membership:
    """An administrator of the entity (or a moderator) turns a pending request down, optionally
    saying why; the requester gets an e-mail and may ask again (here or elsewhere)."""
    entity = membership.entity
    _ensure_may_manage(by, entity)
    _ensure_verified(entity)
    reason = reason.strip()
    with transaction.atomic():
        decided = _now_decided(by)
        if not Membership.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(
            status=MembershipStatus.DECLINED, **decided
        ):
            raise MembershipError(_("This request has already been handled."))
        _transition(membership, by=by, status=MembershipStatus.DECLINED, **decided)
        if reason:
            audit.record(actor=by, action=AuditEvent.Action.UPDATE, obj=membership, changes={"reason": reason})
        notify(
            template="email/membership/request_declined",
            to=[membership.user.email],
            context={**_mail_context(membership), "reason": reason},
        )
    return membership


def set_member_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Make an approved member administrator, or an administrator a member again. The last
    administrator cannot step down (a moderator can still change it)."""
    entity = membership.entity
    _ensure_may_manage(by, entity)
    if role not in MembershipRole.values:
        raise MembershipError(_("Choose member or administrator."))
    with transaction.atomic():
        admins = _lock_admins(entity)
        current = Membership.objects.filter(pk=membership.pk).values_list("status", "role").first()
        if current is None or current[0] != MembershipStatus.APPROVED:
            raise MembershipError(_("Only approved members can get another role."))
        if current[1] == role:
            return membership
        if admins == [membership.pk] and not by.is_moderator:
            raise MembershipError(
                _("%(entity)s needs at least one administrator. Make someone else administrator first.")
                % {"entity": entity}
            )
        if not Membership.objects.filter(pk=membership.pk, status=MembershipStatus.APPROVED, role=current[1]).update(
            role=role
        ):
            raise MembershipError(_("This membership was changed in the meantime. Please try again."))
        membership.role = current[1]
        _transition(membership, by=by, action=AuditEvent.Action.UPDATE, role=role)
    return membership


def remove_member(*, membership: Membership, by: User) -> Membership:
    """End an approved membership; the row stays (status declined) for the audit trail.

    Administrators remove members; a member may also leave on their own. The last
    administrator cannot leave or be removed (except by a moderator)."""
    entity = membership.entity
    leaving = membership.user_id == by.pk
    if not leaving:
        _ensure_may_manage(by, entity)
    with transaction.atomic():
        admins = _lock_admins(entity)
        if admins == [membership.pk] and not by.is_moderator:
            raise MembershipError(
                _("You are the last administrator of %(entity)s. Make someone else administrator first.")
                % {"entity": entity}
                if leaving
                else _("%(entity)s needs at least one administrator.") % {"entity": entity}
            )
        decided = _now_decided(by)
        if not Membership.objects.filter(pk=membership.pk, status=MembershipStatus.APPROVED).update(
            status=MembershipStatus.DECLINED, **decided
        ):
            raise MembershipError(_("This person is not an approved member (any more)."))
        _transition(membership, by=by, status=MembershipStatus.DECLINED, **decided)
        if not leaving:
            notify(
                template="email/membership/member_removed",
                to=[membership.user.email],
                context=_mail_context(membership),
            )
    return membership


# --- registering and verifying a school or organisation ---------------------------------------


def _registration_context(entity: School | Organisation, registrant: User | None) -> dict[str, Any]:
    return {
        "entity_name": entity.name,
        "is_school": isinstance(entity, School),
        "registrant_name": registrant.get_full_name() if registrant else "",
        "registrant_email": registrant.email if registrant else "",
        "review_url": absolute(review_url(entity)),
        "queue_url": absolute(reverse("membership:moderation")),
        "members_url": absolute(members_url(entity)),
        "home_url": absolute(reverse("home")),
        "join_url": absolute(reverse("membership:join")),
    }


def _register(entity: School | Organisation, *, by: User) -> Membership:
    """Common end of both registrations: the registrant becomes its pending administrator."""
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=by, role=MembershipRole.ADMIN, status=MembershipStatus.PENDING, **{entity_field(entity): entity}
            )
    except IntegrityError:
        raise MembershipError(_("You already have a request or membership elsewhere.")) from None
    audit.record(actor=by, action=AuditEvent.Action.CREATE, obj=entity, changes={"registered_by": by.email})
    audit.record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        obj=membership,
        changes={"status": MembershipStatus.PENDING, "role": MembershipRole.ADMIN},
    )
    notify(
        template="email/membership/registration_received",
        to=moderator_emails(),
        context=_registration_context(entity, by),
    )
    return membership


def register_organisation(
    *,
    by: User,
    name: str,
    kind: OrganisationKind,
    street: str,
    postal_code: str,
    municipality: Municipality,
    description: str = "",
    kbo_number: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
) -> Organisation:
    """Register a welfare organisation that is not on Brugwijzer yet, with its first location.
    It stays out of sight until a moderator verifies it; the registrant is its pending admin."""
    with transaction.atomic():
        _ensure_no_live_membership(by)
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    name=name,
                    kind=kind,
                    description=description,
                    kbo_number=kbo_number,
                    website=website,
                    email=email,
                    phone=phone,
                    registered_by=by,
                )
        except IntegrityError:
            raise MembershipError(
                _("An organisation with KBO number %(kbo)s is already on Brugwijzer: ask to join it instead.")
                % {"kbo": kbo_number}
            ) from None
        location = Location.objects.create(
            organisation=organisation, street=street, postal_code=postal_code, municipality=municipality
        )
        audit.record(actor=by, action=AuditEvent.Action.CREATE, obj=location, changes={"address": location.address})
        _register(organisation, by=by)
    return organisation


def register_school(
    *,
    by: User,
    name: str,
    institution_number: str,
    network: str,
    street: str,
    postal_code: str,
    municipality: Municipality,
    level_kleuter: bool = False,
    level_lager: bool = False,
    level_buitengewoon: bool = False,
    level_secundair: bool = False,
    contact_email: str = "",
    website: str = "",
    phone: str = "",
) -> School:
    """Register a school that is not on Brugwijzer yet. It waits for a moderator's verification;
    the registrant is its pending admin."""
    with transaction.atomic():
        _ensure_no_live_membership(by)
        try:
            with transaction.atomic():
                school = School.objects.create(
                    name=name,
                    institution_number=institution_number,
                    network=network,
                    street=street,
                    postal_code=postal_code,
                    municipality=municipality,
                    level_kleuter=level_kleuter,
                    level_lager=level_lager,
                    level_buitengewoon=level_buitengewoon,
                    level_secundair=level_secundair,
                    contact_email=contact_email,
                    website=website,
                    phone=phone,
                    registered_by=by,
                )
        except IntegrityError:
            raise MembershipError(
                _("A school with institution number %(number)s is already on Brugwijzer: ask to join it instead.")
                % {"number": institution_number}
            ) from None
        _register(school, by=by)
    return school


def _registrant_membership(entity: School | Organisation) -> QuerySet[Membership]:
    return members_of(entity).filter(status=MembershipStatus.PENDING)


def _verify(entity: School | Organisation, *, by: User) -> School | Organisation:
    _ensure_moderator(by)
    if entity.registered_by_id == by.pk:
        raise MembershipError(_("You registered this yourself: another moderator has to verify it."))
    model = type(entity)
    with transaction.atomic():
        now = timezone.now()
        if not model.objects.filter(pk=entity.pk).awaiting_verification().update(verified_at=now, verified_by=by):
            raise MembershipError(_("%(entity)s has already been handled.") % {"entity": entity})
        entity.verified_at, entity.verified_by = now, by
        audit.record(
            actor=by, action=AuditEvent.Action.STATUS, obj=entity, changes={"verified_at": [None, now.isoformat()]}
        )
        registrant = None
        decided = _now_decided(by)
        for membership in _registrant_membership(entity).filter(user_id=entity.registered_by_id).select_related("user"):
            if Membership.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(
                status=MembershipStatus.APPROVED, **decided
            ):
                _transition(membership, by=by, status=MembershipStatus.APPROVED, **decided)
                registrant = membership.user
        if registrant is not None:
            notify(
                template="email/membership/registration_verified",
                to=[registrant.email],
                context=_registration_context(entity, registrant),
            )
    return entity


def _close_registration(entity: School | Organisation, *, by: User, reason: str) -> list[Membership]:
    """Mark `entity` declined with `reason` and decline every pending request for it."""
    model = type(entity)
    now = timezone.now()
    if not model.objects.filter(pk=entity.pk).awaiting_verification().update(declined_at=now, decline_reason=reason):
        raise MembershipError(_("%(entity)s has already been handled.") % {"entity": entity})
    entity.declined_at, entity.decline_reason = now, reason
    audit.record(
        actor=by,
        action=AuditEvent.Action.STATUS,
        obj=entity,
        changes={"declined_at": [None, now.isoformat()], "decline_reason": reason},
    )
    closed = list(_registrant_membership(entity).select_related("user"))
    decided = _now_decided(by)
    Membership.objects.filter(pk__in=[m.pk for m in closed], status=MembershipStatus.PENDING).update(
        status=MembershipStatus.DECLINED, **decided
    )
    for membership in closed:
        _transition(membership, by=by, status=MembershipStatus.DECLINED, **decided)
    return closed


def _decline(entity: School | Organisation, *, by: User, reason: str) -> School | Organisation:
    _ensure_moderator(by)
    reason = (reason or "").strip()
    if not reason:
        raise MembershipError(_("Say why you decline: the person who registered it receives this reason."))
    with transaction.atomic():
        closed = _close_registration(entity, by=by, reason=reason)
        registrant = next((m.user for m in closed if m.user_id == entity.registered_by_id), None)
        if registrant is None and entity.registered_by_id:
            registrant = User.objects.filter(pk=entity.registered_by_id).first()
        if registrant is not None:
            notify(
                template="email/membership/registration_declined",
                to=[registrant.email],
                context={**_registration_context(entity, registrant), "reason": reason},
            )
    return entity


def verify_organisation(*, organisation: Organisation, by: User) -> Organisation:
    """A moderator confirms a registered organisation is real: it becomes public, and the person
    who registered it becomes its approved administrator (and gets an e-mail)."""
    return _verify(organisation, by=by)


def decline_organisation(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    """A moderator turns a registered organisation down, with a reason that is e-mailed to the
    person who registered it; their pending membership is declined."""
    return _decline(organisation, by=by, reason=reason)


def verify_school(*, school: School, by: User) -> School:
    """As `verify_organisation`, for a school."""
    return _verify(school, by=by)


def decline_school(*, school: School, by: User, reason: str) -> School:
    """As `decline_organisation`, for a school."""
    return _decline(school, by=by, reason=reason)

"""The match-request workflow: a school (or a broker on its behalf) asks a welfare organisation
to take up one of its needs with one of its offers, and the organisation answers.

    proposed ──send──▶ sent ──accept──▶ accepted   (exactly one Collaboration, status agreed)
        │               ├───decline──▶ declined   (with a reason)
        └───withdraw────┴──withdraw──▶ withdrawn
                        └──(no answer, reminded first)──▶ expired

`propose_match(..., send=True)` goes straight to sent: a school member asks for the school
itself, and a broker only proposes once the school agreed. `send=False` keeps a draft in
"proposed" that `send_match` sends later; the organisation does not see drafts.

Every transition is a conditional update (`filter(pk=…, status=<expected>).update(…)`) whose
row count decides who won: two people accepting at the same moment, a button pressed twice,
or an accept racing a decline or a withdrawal end in exactly one outcome, without
select_for_update (which SQLite ignores). The update is the first statement of its
transaction, so SQLite waits for the lock (busy timeout) instead of failing on a stale read.
The database guards too: one live request per need and offer, one collaboration per request.

Who may act is checked here as well as in the views: someone without the right gets
PermissionDenied; a step the request's state does not allow raises MatchError, whose message
can be shown as it is. Every status change is written to the audit log as
{"status": [old, new], …}; e-mails (Dutch, HTML and text) go out through a task enqueued when
the transaction commits. E-mails describe the need anonymously: its title, life domains, ages,
number of families and urgency, never its description or the proposer's message.

The reminder and expiry run daily: `python manage.py expire_match_requests` (see
`remind_and_expire` for the settings MATCH_REMIND_AFTER_DAYS and MATCH_EXPIRE_AFTER_DAYS).
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bridge.access import can_answer, can_propose_for, can_withdraw, is_school_member
from bridge.models import (
    LIVE_MATCH_STATUSES,
    Collaboration,
    CollaborationStatus,
    DeclineReason,
    MatchRequest,
    MatchStatus,
)
from families.models import FamilyNeed, NeedStatus
from families.privacy import validate_no_personal_data
from portal import audit
from portal.mail import notify
from portal.models import AuditEvent, Membership
from schools.models import School
from welfare.models import Offer, Organisation

Action = AuditEvent.Action

DEFAULT_REMIND_AFTER_DAYS = 7
DEFAULT_EXPIRE_AFTER_DAYS = 14


class MatchError(Exception):
    """A step in the match-request workflow that cannot happen now; the message is shown as is."""


# --- helpers ----------------------------------------------------------------------------------


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _check_private(text: str) -> None:
    try:
        validate_no_personal_data(text)
    except ValidationError as error:
        raise MatchError(" ".join(error.messages)) from error


def _status_refusal(status: str) -> str:
    """Why a request in `status` cannot take the step that was asked."""
    return {
        MatchStatus.PROPOSED: _("This request has not been sent to the organisation yet."),
        MatchStatus.SENT: _("This request is still waiting for an answer."),
        MatchStatus.ACCEPTED: _("This request has already been answered: the organisation accepted it."),
        MatchStatus.DECLINED: _("This request has already been answered: the organisation declined it."),
        MatchStatus.WITHDRAWN: _("This request has been withdrawn."),
        MatchStatus.EXPIRED: _("This request expired without an answer."),
    }.get(status, _("This request cannot be changed any more."))


def _current_status(request: MatchRequest) -> MatchRequest:
    return MatchRequest.objects.only("status", "answered_by", "decline_reason").get(pk=request.pk)


def _check_askable(need: FamilyNeed, offer: Offer) -> None:
    """A request goes to an active offer of a verified organisation, for a need that is open."""
    need_status = FamilyNeed.objects.filter(pk=need.pk).values_list("status", flat=True).first()
    if need_status != NeedStatus.OPEN:
        raise MatchError(_("This need is no longer open: reopen it before you ask an organisation to take it up."))
    current = Offer.objects.filter(pk=offer.pk).values("is_active", "organisation__verified_at").first()
    if current is None or not current["is_active"]:
        raise MatchError(_("This offer is no longer active: the organisation cannot be asked for it."))
    if current["organisation__verified_at"] is None:
        raise MatchError(_("This organisation has not been verified yet: it cannot be asked for help yet."))


def _live_refusal(need: FamilyNeed, offer: Offer) -> str | None:
    status = (
        MatchRequest.objects.filter(need=need, offer=offer, status__in=LIVE_MATCH_STATUSES)
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        return None
    if status == MatchStatus.ACCEPTED:
        return _("This organisation has already accepted this need for this offer.")
    if status == MatchStatus.PROPOSED:
        return _("There is already a draft request for this need and this offer: send that one.")
    return _("This need has already been sent to this organisation for this offer; it is waiting for an answer.")


def _path(name: str, **kwargs: Any) -> str:
    """A path for links in e-mails; "/" until the bridge views exist."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return "/"


def _local_date(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def _active_emails(memberships) -> list[str]:
    return list(memberships.filter(user__is_active=True).values_list("user__email", flat=True))


def _organisation_emails(organisation: Organisation) -> list[str]:
    """The organisation's approved members; its public address when it has none."""
    emails = _active_emails(Membership.objects.approved().filter(organisation=organisation))
    return emails or [organisation.email]


def _school_emails(school: School) -> list[str]:
    return _active_emails(Membership.objects.approved().filter(school=school))


def _proposer_emails(request: MatchRequest) -> list[str]:
    proposer = request.proposed_by
    return [proposer.email] if proposer is not None and proposer.is_active else []


def _context(request: MatchRequest, **extra: Any) -> dict[str, Any]:
    """Plain values for the e-mails. The need appears anonymously: what it is about, for how
    many families, which ages, how urgent; never its description or the proposer's message."""
    need, offer = request.need, request.offer
    return {
        "need": {
            "title": need.title,
            "life_domains": [domain.name for domain in need.life_domains.all()],
            "age_min": need.age_min,
            "age_max": need.age_max,
            "family_count": need.family_count,
            "urgency": need.urgency,
        },
        "offer_name": offer.name,
        "organisation_name": offer.organisation.name,
        "school_name": need.school.name,
        "municipality_name": need.school.municipality.name_nl,
        "proposer_name": str(request.proposed_by) if request.proposed_by else "",
        "sent_on": _local_date(request.sent_at) if request.sent_at else "",
        "request_path": _path("bridge:request_detail", pk=request.pk),
        "inbox_path": _path("bridge:inbox"),
        **extra,
    }


def _expiry_date(request: MatchRequest, *, now: datetime.datetime | None = None) -> str:
    """When an unanswered request expires: `remind_and_expire` never expires it sooner than
    (expire - remind) days after its reminder."""
    remind, expire = _days()
    by_sending = request.sent_at + datetime.timedelta(days=expire)
    after_reminder = (now or request.sent_at + datetime.timedelta(days=remind)) + datetime.timedelta(
        days=expire - remind
    )
    return _local_date(max(by_sending, after_reminder))


def _days() -> tuple[int, int]:
    return (
        getattr(settings, "MATCH_REMIND_AFTER_DAYS", DEFAULT_REMIND_AFTER_DAYS),
        getattr(settings, "MATCH_EXPIRE_AFTER_DAYS", DEFAULT_EXPIRE_AFTER_DAYS),
    )


def _record_status(request: MatchRequest, *, by, old: str, new: str, **changes: list) -> None:
    audit.record(actor=by, action=Action.STATUS, obj=request, changes={"status": [old, new], **changes})


def _announce_new(request: MatchRequest) -> None:
    organisation = request.offer.organisation
    notify(
        template="email/bridge/request_new",
        to=_organisation_emails(organisation),
        context=_context(request, expires_on=_expiry_date(request)),
    )


# --- proposing and sending -----------------------------------------------------------------


def propose_match(
    *,
    need: FamilyNeed,
    offer: Offer,
    by,
    school_agreed: bool | None = None,
    message: str = "",
    send: bool = True,
) -> MatchRequest:
    """Ask the organisation behind `offer` to take up `need` ("ask this partner").

    An approved member of the need's school asks for the school itself (`school_agreed` is
    then always True). CLB staff of the CLB that guides the school, bridge figures who serve it
    and moderators propose on the school's behalf and must record that the school agreed: pass
    `school_agreed=True` explicitly (the default None counts as "not recorded").

    With `send` (the default) the request is sent at once and the organisation's members get
    an e-mail; `send=False` keeps a draft ("proposed") for `send_match`. Refused when the need
    is not open, the offer is inactive, the organisation unverified, or a live request
    (proposed, sent or accepted) for this need and offer already exists.
    """
    school = need.school
    if is_school_member(by, school):
        school_agreed = True
    else:
        _require(can_propose_for(by, school))
        if school_agreed is not True:
            raise MatchError(_("Record that the school agreed before you propose a match on its behalf."))
    message = (message or "").strip()
    _check_private(message)
    _check_askable(need, offer)
    refusal = _live_refusal(need, offer)
    if refusal:
        raise MatchError(refusal)

    now = timezone.now()
    status = MatchStatus.SENT if send else MatchStatus.PROPOSED
    with transaction.atomic():
        try:
            with transaction.atomic():
                request = MatchRequest.objects.create(
                    need=need,
                    offer=offer,
                    proposed_by=by,
                    school_agreed=school_agreed,
                    message=message,
                    status=status,
                    sent_at=now if send else None,
                )
        except IntegrityError as error:
            raise MatchError(
                _live_refusal(need, offer) or _("This need has just been sent to this organisation for this offer.")
            ) from error
        audit.record(
            actor=by,
            action=Action.CREATE,
            obj=request,
            changes={
                "status": [None, status],
                "need": need.pk,
                "offer": offer.pk,
                "organisation": offer.organisation.name,
                "school": school.name,
                "school_agreed": school_agreed,
                "message": message,
            },
        )
        if send:
            _announce_new(request)
    return request


def send_match(*, request: MatchRequest, by) -> MatchRequest:
    """Send a draft request to the organisation, whose members get an e-mail.

    Anyone who may propose for the school may send its drafts; the need must still be open and
    the offer still active.
    """
    _require(can_propose_for(by, request.need.school))
    _check_askable(request.need, request.offer)
    now = timezone.now()
    with transaction.atomic():
        sent = MatchRequest.objects.filter(pk=request.pk, status=MatchStatus.PROPOSED).update(
            status=MatchStatus.SENT, sent_at=now, updated_at=now
        )
        if not sent:
            raise MatchError(_status_refusal(_current_status(request).status))
        request.status, request.sent_at = MatchStatus.SENT, now
        _record_status(request, by=by, old=MatchStatus.PROPOSED, new=MatchStatus.SENT)
        _announce_new(request)
    return request


# --- answering ------------------------------------------------------------------------------


def _collaboration_for(request: MatchRequest, *, by) -> Collaboration:
    """The collaboration an accepted request starts: school, organisation, need, shared life
    domains (the need's when the offer shares none) and the broker who brokered it."""
    need, offer = request.need, request.offer
    school = need.school
    proposer = request.proposed_by
    broker = proposer if proposer is not None and not is_school_member(proposer, school) else None
    title = f"{offer.name} – {school.name}"
    collaboration = Collaboration.objects.create(
        title=title[:200],
        school=school,
        match_request=request,
        broker=broker,
        status=CollaborationStatus.AGREED,
    )
    need_domains = list(need.life_domains.all())
    offer_domain_ids = set(offer.life_domains.values_list("pk", flat=True))
    shared = [domain for domain in need_domains if domain.pk in offer_domain_ids]
    collaboration.organisations.set([offer.organisation])
    collaboration.needs.set([need])
    collaboration.life_domains.set(shared or need_domains)
    audit.record(
        actor=by,
        action=Action.CREATE,
        obj=collaboration,
        changes={
            "status": [None, CollaborationStatus.AGREED],
            "title": collaboration.title,
            "school": school.name,
            "organisations": [offer.organisation.name],
            "needs": [need.pk],
            "life_domains": sorted(domain.slug for domain in shared or need_domains),
            "broker": str(broker) if broker else None,
            "match_request": request.pk,
        },
    )
    return collaboration


def _accepted_by(request: MatchRequest, by) -> Collaboration | None:
    """The collaboration when `by` already accepted this request (a second click), else None."""
    return (
        Collaboration.objects.filter(
            match_request_id=request.pk,
            match_request__status=MatchStatus.ACCEPTED,
            match_request__answered_by_id=by.pk,
        )
        .select_related("school")
        .first()
    )


def accept_match(*, request: MatchRequest, by) -> Collaboration:
    """The organisation takes the need up: the request becomes accepted and exactly one
    Collaboration (status agreed) starts, linked to the need, the school, the organisation and
    the broker; the proposer and the school's members get an e-mail.

    Only approved members of the organisation (and moderators) may accept. When two people
    accept at the same moment, one wins and the other gets MatchError. The same person pressing
    the button twice gets the same collaboration back (nothing happens the second time). A need
    the school has closed in the meantime can only be declined.
    """
    _require(can_answer(by, request))
    need = request.need
    if FamilyNeed.objects.filter(pk=need.pk).values_list("status", flat=True).first() != NeedStatus.OPEN:
        collaboration = _accepted_by(request, by)
        if collaboration is not None:
            return collaboration
        raise MatchError(_("The school has closed this need in the meantime: you can only decline this request."))
    now = timezone.now()
    with transaction.atomic():
        won = MatchRequest.objects.filter(pk=request.pk, status=MatchStatus.SENT).update(
            status=MatchStatus.ACCEPTED, answered_at=now, answered_by=by, updated_at=now
        )
        if not won:
            collaboration = _accepted_by(request, by)
            if collaboration is not None:
                return collaboration
            raise MatchError(_status_refusal(_current_status(request).status))
        request.status, request.answered_at, request.answered_by = MatchStatus.ACCEPTED, now, by
        _record_status(request, by=by, old=MatchStatus.SENT, new=MatchStatus.ACCEPTED)
        collaboration = _collaboration_for(request, by=by)
        organisation = request.offer.organisation
        notify(
            template="email/bridge/request_accepted",
            to=_proposer_emails(request) + _school_emails(need.school),
            context=_context(
                request,
                answered_by_name=str(by),
                answered_by_email=by.email,
                organisation_email=organisation.email,
                organisation_phone=organisation.phone,
            ),
        )
    return collaboration


def decline_match(*, request: MatchRequest, by, reason: DeclineReason | str, note: str = "") -> MatchRequest:
    """The organisation cannot take the need up, and says why (`reason`, a DeclineReason;
    "other" needs a `note`). The proposer and the school's members get an e-mail, so they can
    ask another organisation.

    Same rules as `accept_match`: organisation members and moderators, one answer wins, the same
    person declining twice is told nothing new (the request is returned as it is).
    """
    _require(can_answer(by, request))
    if reason not in DeclineReason.values:
        raise MatchError(_("Choose why you decline this request."))
    note = (note or "").strip()
    if reason == DeclineReason.OTHER and not note:
        raise MatchError(_("Explain in a few words why you decline: you chose “other” as the reason."))
    _check_private(note)
    now = timezone.now()
    with transaction.atomic():
        declined = MatchRequest.objects.filter(pk=request.pk, status=MatchStatus.SENT).update(
            status=MatchStatus.DECLINED,
            decline_reason=reason,
            decline_note=note,
            answered_at=now,
            answered_by=by,
            updated_at=now,
        )
        if not declined:
            current = _current_status(request)
            if current.status == MatchStatus.DECLINED and current.answered_by_id == by.pk:
                request.refresh_from_db()
                return request
            raise MatchError(_status_refusal(current.status))
        request.status, request.decline_reason, request.decline_note = MatchStatus.DECLINED, reason, note
        request.answered_at, request.answered_by = now, by
        changes: dict[str, list] = {"decline_reason": ["", reason]}
        if note:
            changes["decline_note"] = ["", note]
        _record_status(request, by=by, old=MatchStatus.SENT, new=MatchStatus.DECLINED, **changes)
        notify(
            template="email/bridge/request_declined",
            to=_proposer_emails(request) + _school_emails(request.need.school),
            context=_context(request, reason=reason, note=note),
        )
    return request


def withdraw_match(*, request: MatchRequest, by) -> MatchRequest:
    """The school side no longer asks: a draft or a sent request becomes withdrawn. The
    proposer, the school's members, the brokers who serve the school and moderators may do
    this. When the request had been sent, the organisation's members hear so by e-mail.
    Withdrawing a request that is already withdrawn changes nothing."""
    _require(can_withdraw(by, request))
    now = timezone.now()
    with transaction.atomic():
        # A draft first: if it is being sent at this very moment, the second update catches it.
        for old in (MatchStatus.PROPOSED, MatchStatus.SENT):
            if MatchRequest.objects.filter(pk=request.pk, status=old).update(
                status=MatchStatus.WITHDRAWN, updated_at=now
            ):
                break
        else:
            current = _current_status(request)
            if current.status == MatchStatus.WITHDRAWN:
                request.status = MatchStatus.WITHDRAWN
                return request
            raise MatchError(_status_refusal(current.status))
        request.status = MatchStatus.WITHDRAWN
        _record_status(request, by=by, old=old, new=MatchStatus.WITHDRAWN)
        if old == MatchStatus.SENT:
            notify(
                template="email/bridge/request_withdrawn",
                to=_organisation_emails(request.offer.organisation),
                context=_context(request),
            )
    return request


# --- reminders and expiry (daily) -------------------------------------------------------------


def remind_and_expire(
    *,
    now: datetime.datetime | None = None,
    remind_after_days: int | None = None,
    expire_after_days: int | None = None,
) -> dict[str, int]:
    """Chase unanswered requests, then let them go; returns {"reminded": n, "expired": m}.

    A request sent `remind_after_days` ago (setting MATCH_REMIND_AFTER_DAYS, default 7) and
    still unanswered gets one reminder e-mail to the organisation's members. One sent
    `expire_after_days` ago (MATCH_EXPIRE_AFTER_DAYS, default 14) becomes expired and the
    proposer is told (the school's members when the proposer's account is gone), so the school
    can ask someone else. A reminder always comes first, and the organisation always has
    (expire - remind) days after it: when the daily run was missed for a while, the request
    is reminded now and expires that many days later.

    Each request is handled in its own transaction with a conditional update, so a run that
    overlaps another, or an answer arriving at the same moment, never sends a reminder twice
    nor expires an answered request.
    """
    now = now or timezone.now()
    default_remind, default_expire = _days()
    remind = default_remind if remind_after_days is None else remind_after_days
    expire = default_expire if expire_after_days is None else expire_after_days
    if not 0 < remind < expire:
        raise ValueError(f"Reminders ({remind} days) must come before expiry ({expire} days), both after 0 days.")
    grace = datetime.timedelta(days=expire - remind)
    counts = {"reminded": 0, "expired": 0}

    waiting = MatchRequest.objects.select_related(
        "need__school__municipality", "offer__organisation", "proposed_by"
    ).filter(status=MatchStatus.SENT)

    for request in waiting.filter(
        sent_at__lte=now - datetime.timedelta(days=expire), reminded_at__lte=now - grace
    ).order_by("pk"):
        with transaction.atomic():
            if not MatchRequest.objects.filter(pk=request.pk, status=MatchStatus.SENT).update(
                status=MatchStatus.EXPIRED, updated_at=now
            ):
                continue
            request.status = MatchStatus.EXPIRED
            _record_status(request, by=None, old=MatchStatus.SENT, new=MatchStatus.EXPIRED)
            notify(
                template="email/bridge/request_expired",
                to=_proposer_emails(request) or _school_emails(request.need.school),
                context=_context(request),
            )
            counts["expired"] += 1

    for request in waiting.filter(
        reminded_at__isnull=True, sent_at__lte=now - datetime.timedelta(days=remind)
    ).order_by("pk"):
        with transaction.atomic():
            if not MatchRequest.objects.filter(pk=request.pk, status=MatchStatus.SENT, reminded_at__isnull=True).update(
                reminded_at=now, updated_at=now
            ):
                continue
            request.reminded_at = now
            audit.record(actor=None, action=Action.UPDATE, obj=request, changes={"reminded_at": [None, now]})
            notify(
                template="email/bridge/request_reminder",
                to=_organisation_emails(request.offer.organisation),
                context=_context(request, expires_on=_expiry_date(request, now=now)),
            )
            counts["reminded"] += 1
    return counts

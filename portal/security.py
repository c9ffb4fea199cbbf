"""Account security: two-factor authentication for the people who see the most.

Moderators, and approved members of a CLB or a local government, see needs and collaborations
across many schools. They must protect their account with an authenticator app (TOTP, through
allauth.mfa) before they can use Brugwijzer: `RequireTwoFactorMiddleware` sends them to the
activation page until they have one. allauth's own pages (login, logout, re-authentication,
password, e-mail, two-factor), the language switch, the health check and static files stay
reachable, so they can always finish the activation or leave.

Whether a user must and does have TOTP costs one query. It is kept in the session and
computed afresh at login, after the user's own two-factor change (allauth's signals, see
`portal.signals`), before a user would be stopped (so a second factor added a moment ago
counts at once), and otherwise at most every `RECHECK_SECONDS`: a CLB membership approved
while someone is signed in takes effect within minutes, and an ordinary page view costs no
query for this. `BRUGWIJZER_REQUIRE_2FA` (setting) turns the requirement off; the test suite
does, except in the tests of this module.

`activate_demo_totp` gives an account a TOTP authenticator with a published secret
(`DEMO_TOTP_SECRET`; the demo itself runs with the requirement off), and `totp_code` computes
the current code for it (RFC 6238), so that a browser test can sign in without an app.

`audit_trail_of` decides which audit events the administrators of a school or organisation
read on their activity log.
"""

import base64
import hashlib
import hmac
import struct
import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, Model, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from bridge.models import Collaboration, MatchRequest, MatchStatus
from families.models import FamilyNeed
from portal.models import AuditEvent, Membership, MembershipStatus, User
from schools.models import School
from welfare.models import Location, Offer, OfferCorrection, Organisation

SESSION_KEY = "brugwijzer_2fa"
RECHECK_SECONDS = 300
ACTIVATE_URL_NAME = "mfa_activate_totp"
# Pages a user without the required second factor may still open, by URL name; allauth's own
# pages are recognised by their view's module.
EXEMPT_URL_NAMES = frozenset({"set_language", "healthz"})

# The published secret of the demo accounts (base32 of b"brugwijzer-demo-2fa!"). Never use it
# for a real account: anyone who reads the README can compute its codes.
DEMO_TOTP_SECRET = "MJZHKZ3XNFVHUZLSFVSGK3LPFUZGMYJB"
TOTP_PERIOD = 30
TOTP_DIGITS = 6


# --- who needs a second factor ----------------------------------------------------------------


def requirement_enabled() -> bool:
    return bool(getattr(settings, "BRUGWIJZER_REQUIRE_2FA", True))


def _sees_across_schools() -> Exists:
    """An approved membership of a CLB or a local government, for the user of the outer query."""
    return Exists(
        Membership.objects.filter(user=OuterRef("pk"), status=MembershipStatus.APPROVED).filter(
            Q(clb__isnull=False) | Q(municipality__isnull=False)
        )
    )


def _has_totp() -> Exists:
    return Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP))


def two_factor_state(user: User) -> dict[str, Any]:
    """What the requirement depends on, in one query. `required` leaves out `is_moderator`,
    which is read from the user itself on every request."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(required=_sees_across_schools(), totp=_has_totp())
        .values_list("required", "totp")
        .first()
    )
    required, totp = row if row else (False, False)
    return {"user": user.pk, "required": bool(required), "totp": bool(totp), "checked": int(time.time())}


def two_factor_missing(user) -> bool:
    """True when `user` must use a second factor and has none (one query, no session).

    For places that authenticate without a session, such as the API's bearer tokens."""
    if not requirement_enabled() or not getattr(user, "is_authenticated", False):
        return False
    return _missing(user, two_factor_state(user))


def remember_two_factor_state(request: HttpRequest, user: User) -> None:
    """Store a fresh state in the session (at login, and when the user's authenticators change)."""
    if requirement_enabled() and hasattr(request, "session"):
        request.session[SESSION_KEY] = two_factor_state(user)


def _session_state(request: HttpRequest) -> tuple[dict[str, Any], bool]:
    """The state kept in the session, or a fresh one; and whether it was fresh from the database."""
    state = request.session.get(SESSION_KEY)
    if (
        isinstance(state, dict)
        and state.get("user") == request.user.pk
        and 0 <= time.time() - state.get("checked", 0) < RECHECK_SECONDS
    ):
        return state, False
    state = two_factor_state(request.user)
    request.session[SESSION_KEY] = state
    return state, True


def _missing(user, state: dict[str, Any]) -> bool:
    return (user.is_moderator or state["required"]) and not state["totp"]


def must_activate_two_factor(request: HttpRequest) -> bool:
    """The signed-in user must set up TOTP before anything else.

    A state from the session that lets the user pass is trusted until its re-check; one that
    stops them is checked again first, so a second factor added a moment ago (in another
    browser, or by allauth after its transaction) counts at once."""
    user = request.user
    if not user.is_authenticated:
        return False
    state, fresh = _session_state(request)
    if _missing(user, state) and not fresh:
        state = request.session[SESSION_KEY] = two_factor_state(user)
    return _missing(user, state)


def is_exempt(request: HttpRequest, view_func: Callable) -> bool:
    """allauth's pages, the language switch, the health check and static files."""
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in EXEMPT_URL_NAMES:
        return True
    module = getattr(view_func, "__module__", "") or ""
    return module == "allauth" or module.startswith("allauth.")


def _reason() -> str:
    return _(
        "Your role gives you access to information about many schools and families, so your account "
        "needs two-factor authentication. Set up an authenticator app before you continue: it takes "
        "a minute."
    )


class RequireTwoFactorMiddleware:
    """Sends moderators, CLB staff and local governments without TOTP to the activation page.

    Place it after the authentication, message and allauth middleware. An htmx request gets an
    `HX-Redirect`, an API request a JSON 403, every other request a redirect with a message.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args, view_kwargs) -> HttpResponse | None:
        # A request without a session cookie is anonymous: decide without touching the session.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or not requirement_enabled():
            return None
        if is_exempt(request, view_func) or not must_activate_two_factor(request):
            return None
        return self._refuse(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        url = reverse(ACTIVATE_URL_NAME)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"error": {"code": "two_factor_required", "message": _reason(), "activate_url": url}},
                status=403,
                json_dumps_params={"ensure_ascii": False},
            )
        messages.warning(request, _reason())
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse()
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


# --- TOTP for the demo accounts and browser tests ---------------------------------------------


def totp_code(secret: str, at: float | None = None) -> str:
    """The RFC 6238 code (HMAC-SHA1, 30 seconds, 6 digits) of base32 `secret` at time `at`."""
    counter = int((time.time() if at is None else at) // TOTP_PERIOD)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**TOTP_DIGITS:0{TOTP_DIGITS}d}"


def activate_demo_totp(user: User, secret: str = DEMO_TOTP_SECRET) -> Authenticator:
    """Give `user` a TOTP authenticator with `secret` (idempotent): for seed_demo only.

    An existing TOTP authenticator with another secret gets this one, so the documented secret
    always works for the demo accounts."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is None:
        return TOTP.activate(user, secret).instance
    if decrypt(existing.data.get("secret", "")) != secret:
        existing.data = {**existing.data, "secret": encrypt(secret)}
        existing.save(update_fields=["data"])
    return existing


# --- the audit trail an administrator reads ---------------------------------------------------


def _keys(queryset) -> Any:
    """The primary keys of `queryset` as text, to compare with AuditEvent.object_id."""
    return queryset.annotate(key=Cast("pk", CharField())).values("key")


def audit_trail_of(entity: Model) -> QuerySet[AuditEvent]:
    """The audit events about a school or an organisation and what belongs to it, newest first.

    An organisation: itself, its memberships, locations and offers, the corrections suggested
    for its offers, the match requests sent to them (not a broker's unsent drafts, which it
    cannot see either) and the collaborations it takes part in. A school: itself, its
    memberships, needs, the match requests for its needs and its collaborations. Two queries
    per page, however long the trail."""
    if isinstance(entity, Organisation):
        sent = MatchRequest.objects.filter(offer__organisation=entity, sent_at__isnull=False).exclude(
            status=MatchStatus.PROPOSED
        )
        related = [
            (Membership, Membership.objects.filter(organisation=entity)),
            (Location, Location.objects.filter(organisation=entity)),
            (Offer, Offer.objects.filter(organisation=entity)),
            (OfferCorrection, OfferCorrection.objects.filter(offer__organisation=entity)),
            (MatchRequest, sent),
            (Collaboration, Collaboration.objects.filter(organisations=entity)),
        ]
    elif isinstance(entity, School):
        related = [
            (Membership, Membership.objects.filter(school=entity)),
            (FamilyNeed, FamilyNeed.objects.filter(school=entity)),
            (MatchRequest, MatchRequest.objects.filter(need__school=entity)),
            (Collaboration, Collaboration.objects.filter(school=entity)),
        ]
    else:
        raise TypeError(f"{type(entity).__name__} has no audit trail page.")
    content_types = ContentType.objects.get_for_models(type(entity), *(model for model, _qs in related))
    condition = Q(content_type=content_types[type(entity)], object_id=str(entity.pk))
    for model, queryset in related:
        condition |= Q(content_type=content_types[model], object_id__in=_keys(queryset))
    return AuditEvent.objects.filter(condition).select_related("content_type").order_by("-created_at", "-pk")

"""Personal API tokens: made, recognised and revoked here.

A token is `bw_` followed by 43 random URL-safe characters (256 bits from `secrets`). Only its
SHA-256 hash is stored, so a stolen database does not hand out working tokens, and a lookup by
hash needs no constant-time comparison. The owner sees the token once, when it is made; the
first characters (`prefix`) are kept to recognise it in the list afterwards.

A request is authenticated by `Authorization: Bearer <token>`. Recording when a token was last
used would cost a write per request; `last_used_at` is only moved when it is at least
`LAST_USED_PRECISION` old, which is precise enough to spot a forgotten or leaked token.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import record
from portal.models import ApiToken, AuditEvent, User

TOKEN_PREFIX = "bw_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
MAX_ACTIVE_TOKENS = 20
LAST_USED_PRECISION = timedelta(minutes=1)
# What `new_token` makes; anything else cannot be a token and is refused without a query.
TOKEN_SHAPE = re.compile(r"bw_[A-Za-z0-9_-]{20,100}")
BEARER = re.compile(r"Bearer[ \t]+(\S+)[ \t]*", re.IGNORECASE)


class TokenError(Exception):
    """A token cannot be made or revoked; the message says why, for the person who asked.
    `field` names the form field the message is about, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def tokens_of(user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked ones included."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def active_tokens_of(user) -> QuerySet[ApiToken]:
    return tokens_of(user).filter(revoked_at__isnull=True)


def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token for `user` and return it with the token itself, which is not stored.

    A user keeps at most `MAX_ACTIVE_TOKENS` tokens that are not revoked, and no two with the
    same name: a token is named for the script or tool that uses it, so that revoking the right
    one is easy.
    """
    name = " ".join((name or "").split())
    if not name:
        raise TokenError(_("Give the token a name."), field="name")
    with transaction.atomic():
        # Serialise a user's token changes, so that two quick submissions cannot pass the checks below.
        User.objects.select_for_update().filter(pk=user.pk).first()
        active = active_tokens_of(user)
        if active.filter(name__iexact=name).exists():
            raise TokenError(
                _("You already have a token with this name. Choose another name, or revoke that one."), field="name"
            )
        if active.count() >= MAX_ACTIVE_TOKENS:
            raise TokenError(
                _("You already have %(count)d tokens. Revoke one you no longer use before you make another.")
                % {"count": MAX_ACTIVE_TOKENS}
            )
        raw = new_token()
        token = ApiToken.objects.create(user=user, name=name, prefix=raw[:PREFIX_LENGTH], key_hash=hash_token(raw))
        record(actor=user, action=AuditEvent.Action.CREATE, obj=token, changes={"name": name})
    return token, raw


def revoke_token(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token: it stops working at once. Revoking is final; make a new token instead."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if not updated:
            raise TokenError(_("This token was already revoked."))
        token.refresh_from_db(fields=["revoked_at"])
        record(actor=by, action=AuditEvent.Action.STATUS, obj=token, changes={"revoked_at": token.revoked_at})
    return token


def bearer_token(request: HttpRequest) -> str | None:
    """The token of an `Authorization: Bearer …` header; "" when the header is there but is not
    a bearer token; None when there is no such header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    match = BEARER.fullmatch(header.strip())
    return match.group(1) if match else ""


def user_for_token(raw: str) -> User | None:
    """The active user whose token, not revoked, this is; None for anything else.

    Marks the token as used (see the module docstring), without touching `updated` fields of
    anything else.
    """
    if not raw or not TOKEN_SHAPE.fullmatch(raw):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    stale = now - LAST_USED_PRECISION
    if token.last_used_at is None or token.last_used_at <= stale:
        ApiToken.objects.filter(pk=token.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)).update(
            last_used_at=now
        )
    return token.user

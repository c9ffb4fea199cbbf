"""Which hat a user wears in Brugwijzer: it decides navigation and the home page."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from portal.models import Membership

ROLE_LABELS = {
    "school": _("School coordinator"),
    "organisation": _("Welfare worker"),
    "clb": _("CLB staff"),
    "bridge_figure": _("Bridge figure"),
    "municipality": _("Local government"),
    "moderator": _("Moderator"),
    "visitor": _("Visitor"),
}


@dataclass(frozen=True)
class Role:
    kind: str
    membership: Membership | None = None
    pending: bool = False

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self.kind])

    @property
    def entity(self):
        return self.membership.entity if self.membership else None


def role_for(user) -> Role:
    """The role of an authenticated user; a visitor when they have no approved place yet."""
    if not user.is_authenticated:
        return Role("visitor")
    # Without select_related: joining the four kinds of place made PostgreSQL plan a five-table
    # join on every signed-in page (about 1 ms); the one place set is read by primary key when
    # the page shows it (`Role.entity`).
    # Whether they are a bridge figure comes with the membership, when they have one: an EXISTS on
    # BridgeFigure itself (through User, the query took twice as long to plan and run).
    bridge_figures = apps.get_model("bridge", "BridgeFigure").objects
    is_bridge_figure = Exists(bridge_figures.filter(user_id=user.pk))
    membership = Membership.objects.live().filter(user=user).annotate(is_bridge_figure=is_bridge_figure).first()
    if membership.is_bridge_figure if membership else hasattr(user, "bridge_figure"):
        return Role("bridge_figure", membership)
    if membership and membership.is_approved:
        return Role(membership.kind, membership)
    if user.is_moderator:
        return Role("moderator", membership)
    return Role("visitor", membership, pending=membership is not None)


def current_role(request: HttpRequest):
    return SimpleLazyObject(lambda: role_for(request.user))

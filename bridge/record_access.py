"""Who may read and edit a collaboration record (/afspraak/<pk>/…).

The partners of a collaboration see and edit its whole record, learning log included:

- approved members (administrators and members alike) of its school;
- approved members of any of its welfare organisations;
- its brokers: staff of the CLB that guides the school and the bridge figures who serve it
  (`bridge.access.brokered_schools`), and the person recorded as its broker;
- moderators.

Everyone else is told the collaboration does not exist (404): a pending member (who can change
nothing of their entity, and a record holds agreements the entity has not let them into yet),
local governments (who see the aggregates of their municipality elsewhere, never one
collaboration) and the public. Reading and editing go together, so there is no 403 here.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from bridge.access import collaborations_visible_to
from bridge.models import Actor, CLBSchool, Collaboration
from portal.models import Membership


def records_visible_to(user) -> QuerySet[Collaboration]:
    """The collaborations whose record `user` may read and edit: exactly those they take part in."""
    return collaborations_visible_to(user)


@dataclass(frozen=True)
class Sides:
    """The partners a user may speak for in one collaboration, as Actor values."""

    actors: tuple[str, ...]
    moderator: bool = False

    @property
    def choices(self) -> list[tuple[str, str]]:
        labels = dict(Actor.choices)
        return [(actor, labels[actor]) for actor in self.actors]


def sides_for(user, collaboration: Collaboration) -> Sides:
    """Which sides `user` writes for in the learning log: the school when they are a member of
    it, the welfare organisation when they belong to one of its organisations, the CLB when
    their CLB guides the school, the bridge figure when they serve it (or brokered it as one).
    Moderators may write for any side (they record what partners tell them)."""
    if user.is_moderator:
        return Sides(tuple(Actor.values), moderator=True)
    approved = Membership.objects.approved().filter(user=user)
    actors: list[str] = []
    if approved.filter(school_id=collaboration.school_id).exists():
        actors.append(Actor.SCHOOL)
    if approved.filter(organisation__collaborations=collaboration).exists():
        actors.append(Actor.WELFARE)
    is_bridge_figure = hasattr(user, "bridge_figure")
    if is_bridge_figure and (
        collaboration.broker_id == user.pk or user.bridge_figure.schools.filter(pk=collaboration.school_id).exists()
    ):
        actors.append(Actor.BRIDGE_FIGURE)
    clb_ids = approved.filter(clb__isnull=False).values("clb_id")
    if CLBSchool.objects.filter(school_id=collaboration.school_id, clb_id__in=clb_ids).exists() or (
        collaboration.broker_id == user.pk and not is_bridge_figure and approved.filter(clb__isnull=False).exists()
    ):
        actors.append(Actor.CLB)
    return Sides(tuple(actors))


def get_record_for(user, pk: int) -> Collaboration:
    """One collaboration with its school, broker and organisations; 404 for non-partners."""
    collaboration = (
        records_visible_to(user)
        .select_related("school__municipality", "broker", "match_request")
        .prefetch_related("organisations")
        .filter(pk=pk)
        .first()
    )
    if collaboration is None:
        raise Http404
    return collaboration

"""The main navigation: which links a visitor gets, by role, and which one is the current section.

Built in Python rather than in the template: fifteen `{% url %}`, `{% translate %}` and
`{% nav_current %}` tags on every signed-in page cost more than the rest of the header.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext, pgettext

from portal.roles import Role

BROKERS = ("clb", "bridge_figure", "moderator")


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    current: bool


def main_nav(request: HttpRequest, role: Role) -> list[NavLink]:
    """The links of the main navigation for this request, in order."""
    user = request.user
    links: list[tuple[str, str, str]] = [  # (url, label, the path prefix of its section)
        (reverse("home"), pgettext("site navigation", "Home"), "/"),
        (reverse("directory:list"), pgettext("site navigation", "Offers"), "/aanbod/"),
        (reverse("map:index"), pgettext("site navigation", "Map"), "/kaart/"),
        (reverse("help:index"), gettext("Help for families"), "/hulp/"),
    ]
    if user.is_authenticated:
        links += _role_links(role)
    if user.is_staff:
        links.append(("/beheer/", pgettext("site navigation", "Admin"), ""))
    return [NavLink(url, label, bool(prefix) and is_current(request.path, prefix)) for url, label, prefix in links]


def is_current(path: str, prefix: str) -> bool:
    """Is the visitor at `path` in the section whose pages start with `prefix`? ("/": home only.)"""
    return path == "/" if prefix == "/" else path.startswith(prefix)


def _role_links(role: Role) -> list[tuple[str, str, str]]:
    kind = role.kind
    links = []
    if kind == "school":
        school = role.entity.pk
        links.append((reverse("schools:detail", kwargs={"pk": school}), gettext("Our school"), "/school/"))
        links.append(
            (reverse("families:school_needs", kwargs={"school_pk": school}), gettext("Family needs"), "/noden/")
        )
    elif kind == "organisation":
        url = reverse("welfare:dashboard", kwargs={"pk": role.entity.pk})
        links.append((url, gettext("Our organisation"), "/organisatie/"))
    elif kind == "moderator":
        links.append((reverse("membership:moderation"), gettext("Verification queue"), "/lidmaatschap/moderatie/"))
        links.append((reverse("data:index"), gettext("Data import"), "/beheer-data/"))
    elif kind == "visitor":
        label = gettext("My request") if role.pending else gettext("Join your organisation")
        links.append((reverse("membership:join"), label, "/lidmaatschap/"))
    if kind in BROKERS:
        links.append((reverse("bridge:board"), gettext("Brokering board"), "/samenwerking/makelaar/"))
    elif kind == "organisation":
        links.append((reverse("bridge:inbox"), gettext("Inbox"), "/samenwerking/inbox/"))
    if kind == "municipality" or kind in BROKERS:
        links.append((reverse("gaps:overview"), gettext("Gaps"), "/hiaten/"))
        links.append((reverse("dashboard:index"), gettext("Municipality dashboard"), "/gemeente/"))
    elif kind == "school":
        url = reverse("dashboard:school_bridge", kwargs={"school_pk": role.entity.pk})
        links.append((url, gettext("Our bridge"), "/gemeente/school/"))
    if kind not in ("visitor", "municipality"):
        links.append((reverse("bridge:collaborations"), gettext("Collaborations"), "/samenwerking/samenwerkingen/"))
    if kind != "visitor":
        links.append((reverse("directory:shortlist"), gettext("Shortlist"), "/aanbod/bewaarlijst/"))
    if role.membership is not None and role.membership.is_admin:
        links.append((reverse("membership:members"), gettext("Members"), "/lidmaatschap/leden/"))
    return links

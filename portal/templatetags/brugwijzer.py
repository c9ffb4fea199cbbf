"""Template helpers for the site layout: inline pictograms and the BCP 47 language tag."""

import re
from functools import lru_cache

from django import template
from django.contrib.staticfiles import finders
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.navigation import is_current

register = template.Library()

ICON_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CSS_CLASS = re.compile(r"^[A-Za-z0-9_ -]*$")
SVG_OPEN_TAG = re.compile(r"<svg\b", re.IGNORECASE)


@lru_cache(maxsize=64)
def _read_icon(name: str) -> str:
    """The SVG markup of static/icons/<name>.svg, or "" when there is no such pictogram.

    Only plain names reach the file system (no dots or slashes), so a template cannot be
    tricked into reading any other file. The result is cached for the life of the process.
    """
    if not ICON_NAME.match(name):
        return ""
    path = finders.find(f"icons/{name}.svg")
    if not path:
        return ""
    with open(path, encoding="utf-8") as handle:
        svg = handle.read().strip()
    # Drop an XML declaration or comments before the element: we inline it into HTML.
    start = svg.find("<svg")
    if start == -1 or "<script" in svg.lower():
        return ""
    return svg[start:]


@register.simple_tag
def icon(name, css_class: str = "icon", label: str = "") -> SafeString:
    """Inline a pictogram: {% icon "wonen" %} or {% icon domain.icon "icon icon-lg" %}.

    Decorative by default (aria-hidden, not focusable); pass label= to give it an accessible
    name when the icon stands alone. Unknown names render nothing.
    """
    svg = _read_icon(str(name or ""))
    if not svg:
        return mark_safe("")
    if not CSS_CLASS.match(css_class or ""):
        css_class = "icon"
    if label:
        attrs = f'class="{css_class}" role="img" aria-label="{escape(label)}" focusable="false"'
    else:
        attrs = f'class="{css_class}" aria-hidden="true" focusable="false"'
    return mark_safe(SVG_OPEN_TAG.sub(f"<svg {attrs}", svg, count=1))  # noqa: S308 - our own static files


@register.filter
def language_tag(code: str) -> str:
    """Django's language code as a BCP 47 tag for <html lang>: "nl-be" → "nl-BE", "en" → "en"."""
    parts = str(code or "").replace("_", "-").split("-")
    if not parts[0]:
        return ""
    tag = [parts[0].lower()]
    for part in parts[1:]:
        tag.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part.lower())
    return "-".join(tag)


@register.simple_tag(takes_context=True)
def nav_current(context, prefix: str) -> SafeString:
    """' aria-current="page"' on the navigation link of the section the visitor is in."""
    request = context.get("request")
    path = getattr(request, "path", "") or ""
    return mark_safe(' aria-current="page"' if is_current(path, prefix) else "")


@lru_cache(maxsize=1)
def _set_language_is_csrf_exempt() -> bool:
    try:
        view = resolve(reverse("set_language")).func
    except NoReverseMatch:
        return False
    return bool(getattr(view, "csrf_exempt", False))


@register.simple_tag
def set_language_needs_csrf() -> bool:
    """Whether the language switch must carry a CSRF token.

    A token sets the csrftoken cookie, and an anonymous visit (a family on /hulp/) should set
    no cookie at all. Once urls.py serves set_language as csrf_exempt (switching the interface
    language is harmless), the form leaves the token out by itself.
    """
    return not _set_language_is_csrf_exempt()

"""Links to many pages of one kind for the cost of one reverse().

A list, a map or a dashboard links hundreds of rows to their pages; resolving the URL pattern for
each was a measurable part of such a page (docs/performance.md).
"""

from collections.abc import Callable

from django.urls import NoReverseMatch, reverse

# A pk no row has, reversed once and replaced by each row's own: what reverse() gives for that pk.
PLACEHOLDER = 987654321


def url_maker(name: str) -> Callable[[int], str | None]:
    """`reverse(name, args=[pk])` for any number of pks; None for every pk when `name` is not routed."""
    try:
        url = reverse(name, args=[PLACEHOLDER])
    except NoReverseMatch:
        return lambda pk: None
    head, tail = url.rsplit(str(PLACEHOLDER), 1)
    return lambda pk: f"{head}{pk}{tail}"

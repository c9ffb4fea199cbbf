"""Where to go after a form: a `next` URL from the request, only when it is a path on this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_url(request: HttpRequest, url: str | None) -> str | None:
    """`url` when it is a path on this site, else None.

    url_has_allowed_host_and_scheme alone lets a bare word such as "0" through, which
    `redirect()` then looks up as a view name (NoReverseMatch: a 500); a control character has
    no place in a Location header either.
    """
    if not url or not url.startswith("/") or any(ord(char) < 32 or ord(char) == 127 for char in url):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    return url

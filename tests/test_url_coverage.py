"""Every URL of the portal's own apps appears in a permission matrix (tests/<app>/test_permissions.py)."""

import importlib
import pkgutil

from django.urls import URLPattern, URLResolver, get_resolver

import tests
from tests.permissions import Case

# Mounted third-party or framework URLs: allauth, the admin and i18n have their own checks.
OUTSIDE = {"admin", "set_language"}
OUTSIDE_PREFIXES = ("account_", "mfa_", "socialaccount_", "usersessions_", "admin:")


def named_urls(resolver=None, namespace="") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= named_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return {n for n in names if n not in OUTSIDE and not n.startswith(OUTSIDE_PREFIXES)}


def matrix_urls() -> set[str]:
    covered: set[str] = set()
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".test_permissions"):
            matrix = getattr(importlib.import_module(module.name), "MATRIX", [])
            covered |= {case.url_name for case in matrix if isinstance(case, Case)}
    return covered


def test_every_url_is_in_a_permission_matrix():
    missing = named_urls() - matrix_urls()
    assert not missing, f"URLs without a permission matrix entry: {sorted(missing)}"

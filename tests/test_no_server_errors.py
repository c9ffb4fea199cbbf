"""No request makes the portal answer 500: every URL of the permission matrices, asked by a persona
who gets through, with arbitrary query strings, form data, uploads, htmx headers, API tokens and
ids (hypothesis; the harness is tests/fuzzing.py).

A form or filter that meets text it did not expect must say so (400, a form error, 404), not
crash: NUL characters, numbers beyond bigint and malformed dates are the classic ones, and the
first two only crash on PostgreSQL, so this module is worth running there too
(DATABASE_URL=postgres://…). FUZZ_EXAMPLES sets the number of requests per URL (default 15).
"""

import os

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from portal import data_jobs
from portal.redirects import local_url
from tests import factories, fuzzing
from welfare.models import Offer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
TARGETS = fuzzing.targets()


@pytest.fixture(autouse=True)
def isolated_imports(settings, tmp_path, monkeypatch):
    """Uploads go to a temporary directory and imports run inside the request, as in the data tests."""
    settings.BRUGWIJZER_IMPORT_DIR = tmp_path / "imports"
    monkeypatch.setattr(data_jobs, "RUN_IN_BACKGROUND", False)


def test_every_url_of_the_matrices_is_fuzzed():
    """A matrix case that no persona may use would silently escape the fuzzing: there is none."""
    fuzzed = {target.case.url_name for target in TARGETS}
    every = {case.url_name for module in fuzzing.matrix_modules() for case in getattr(module, "MATRIX", [])}
    assert every - fuzzed == set()


@pytest.mark.django_db
@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.id)
def test_no_server_error(target):
    prepared = fuzzing.prepare(target)
    client = prepared.client()
    for url in fuzzing.odd_urls(prepared):
        prepared.send(client, url, prepared.base_data())

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(request=fuzzing.requests(prepared))
    def fuzz(request):
        data, htmx, authorization = request
        prepared.send(prepared.client(authorization), prepared.url, data, htmx)

    fuzz()


# --- what the fuzzing found, pinned down ----------------------------------------------------------


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/aanbod/?q=huiswerk", "/aanbod/?q=huiswerk"),
        ("0", None),  # redirect("0") looked "0" up as a view name: NoReverseMatch
        ("/a\x00b", None),
        ("/a\nb", None),
        ("https://elders.test/", None),
        ("//elders.test/", None),
        ("", None),
        (None, None),
    ],
)
def test_next_url_is_only_a_path_on_this_site(rf, candidate, expected):
    assert local_url(rf.get("/"), candidate) == expected


@pytest.mark.django_db
def test_ids_beyond_the_integer_column_match_nothing_in_a_list():
    """ModelMultipleChoiceField checks posted ids with pk__in; SQLite raised OverflowError."""
    offer = factories.OfferFactory()
    assert list(Offer.objects.filter(pk__in=[2**64])) == []
    assert list(Offer.objects.filter(pk__in=[offer.pk, 2**70, -(2**70)])) == [offer]


@pytest.mark.django_db
def test_a_search_of_punctuation_only_lists_the_directory(client):
    """ ":" has no search words: no relevance to sort by (it was a FieldError)."""
    offer = factories.OfferFactory()
    response = client.get(reverse("directory:list"), {"q": ":"})
    assert response.status_code == 200
    assert offer.name in response.content.decode()

"""FastJsonResponse answers what JsonResponse answered, only written faster (orjson)."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy, override

from portal.json_response import FastJsonResponse

DOCUMENT = {
    "type": "FeatureCollection",
    "name": "Brugfiguur café — Sint-Amandsberg",
    "label": gettext_lazy("Cost"),
    "amount": Decimal("12.50"),
    "day": datetime.date(2026, 11, 29),
    "moment": datetime.datetime(2026, 11, 29, 12, 30, 15, 123456, tzinfo=datetime.UTC),
    "naive": datetime.datetime(2026, 11, 29, 12, 30),
    "time": datetime.time(8, 45, 30, 500000),
    "duration": datetime.timedelta(days=1, minutes=3),
    "token": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "coordinates": [[3.725311, 51.054342], [3.7, 51.0]],
    "score": 0.1 + 0.2,
    "none": None,
    "flags": [True, False],
    "nested": {"list": [1, 2, {"deep": "ü"}]},
}


@pytest.mark.parametrize("language", ["en", "nl-be"])
def test_it_answers_the_same_document_as_json_response(language):
    with override(language):
        fast = FastJsonResponse(DOCUMENT)
        slow = JsonResponse(DOCUMENT)
    assert json.loads(fast.content) == json.loads(slow.content)
    assert fast["Content-Type"] == slow["Content-Type"] == "application/json"


def test_dates_and_times_are_written_as_django_writes_them():
    moment = timezone.make_aware(datetime.datetime(2026, 1, 2, 3, 4, 5, 678901), datetime.UTC)
    parsed = json.loads(FastJsonResponse({"at": moment, "day": moment.date()}).content)
    assert parsed == {"at": "2026-01-02T03:04:05.678Z", "day": "2026-01-02"}


def test_non_ascii_text_is_written_as_utf8():
    assert "café".encode() in FastJsonResponse({"name": "café"}).content


def test_status_content_type_and_headers_are_kept():
    response = FastJsonResponse({"errors": {}}, status=400, content_type="application/geo+json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/geo+json"
    assert isinstance(response, JsonResponse)


def test_only_a_dict_unless_told_otherwise():
    with pytest.raises(TypeError):
        FastJsonResponse([1, 2])
    assert json.loads(FastJsonResponse([1, 2], safe=False).content) == [1, 2]


def test_a_value_it_cannot_write_is_an_error_not_a_silent_null():
    with pytest.raises(TypeError):
        FastJsonResponse({"thing": object()})

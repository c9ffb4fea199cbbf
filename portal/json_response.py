"""JSON responses for the large answers (the map's GeoJSON, the API) written by orjson.

Python's json module took about a tenth of the map's time in a city view (hundreds of features,
a quarter of a megabyte); orjson writes the same document several times faster. Values orjson
does not know (lazy translations, Decimal, and dates and times, which it would write in its own
format) go through DjangoJSONEncoder, so the text is what JsonResponse gave, except that non-ASCII
characters are written as UTF-8 rather than as \\u escapes.
"""

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse

_ENCODER = DjangoJSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def dumps(data) -> bytes:
    return orjson.dumps(data, default=_ENCODER.default, option=_OPTIONS)


class FastJsonResponse(JsonResponse):
    """A JsonResponse (for a dict, or with safe=False any value) whose text orjson writes."""

    def __init__(self, data, *, safe: bool = True, content_type: str = "application/json", **kwargs):
        if safe and not isinstance(data, dict):
            raise TypeError("In order to allow non-dict objects to be serialized set the safe parameter to False.")
        HttpResponse.__init__(self, content=dumps(data), content_type=content_type, **kwargs)

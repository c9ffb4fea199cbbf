"""The API's own description: an OpenAPI 3.1 document (/api/v1/openapi.json) and a docs page
(/api/v1/docs/) rendered from the same dict, so the two cannot drift apart.

The document says what `bridge.api` checks, no more and no less: every query parameter with the
type, range, pattern or enum the code validates, every status it answers with, and the exact shape
of its answers (`additionalProperties: false` where the code builds the dict itself). What depends
on stored data (a school's institution number that exists, a known life domain or language) is a
documented 400 with the parameter named. tests/bridge/test_openapi.py runs schemathesis against it.
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from bridge.api import DEFAULT_LIMIT, MAX_AGE, MAX_LIMIT, MIN_AGE, PREFERENCES, RESULT_KEYS
from families.models import NeedStatus

_PREFERENCE = "|".join(PREFERENCES)

ERROR_CODES = [
    "missing_parameter",
    "invalid_parameter",
    "unknown_parameter",
    "repeated_parameter",
    "unknown_value",
    "too_many_parameters",
    "unauthenticated",
    "forbidden",
    "not_found",
    "method_not_allowed",
]

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "enum": ERROR_CODES, "description": "A stable, machine-readable code."},
                "parameter": {"type": "string", "description": "The query parameter the error is about, if any."},
                "message": {"type": "string", "description": "What went wrong, in the user's language."},
            },
        }
    },
}

RESULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": list(RESULT_KEYS),
    "additionalProperties": False,
    "properties": {
        "offer_id": {"type": "integer", "description": "The offer's id in Brugwijzer."},
        "external_id": {
            "type": ["string", "null"],
            "description": "The id the offer was imported with (HSDS), or null.",
        },
        "offer": {"type": "string", "description": "The offer's name."},
        "organisation": {"type": "string", "description": "The name of the organisation that runs the offer."},
        "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "How well it fits, 0 to 1."},
        "distance_km": {
            "type": ["number", "null"],
            "minimum": 0,
            "description": "Distance from the school to the nearest location of the offer, or null when unknown.",
        },
        "weak": {"type": "boolean", "description": "True when the score is below the threshold of a good match."},
        "reasons": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Why it fits (or does not), as short Dutch phrases.",
        },
    },
}

SCHOOL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["institution_number", "name"],
    "additionalProperties": False,
    "properties": {
        "institution_number": {"type": "string", "pattern": "^[0-9]{6}$"},
        "name": {"type": "string"},
    },
}

_MATCHES_PROPERTIES: dict[str, Any] = {
    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}, "maxItems": MAX_LIMIT},
    "gap": {"type": "boolean", "description": "True when no offer fits well: a gap in the field."},
    "count": {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "description": "The number of results."},
    "total": {"type": "integer", "minimum": 0, "description": "The number of suggestions before `limit`."},
    "school": {"$ref": "#/components/schemas/School"},
}

MATCHES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": list(_MATCHES_PROPERTIES),
    "additionalProperties": False,
    "properties": _MATCHES_PROPERTIES,
}

NEED_MATCHES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [*_MATCHES_PROPERTIES, "need"],
    "additionalProperties": False,
    "properties": {
        **_MATCHES_PROPERTIES,
        "need": {
            "type": "object",
            "required": ["id", "title", "status"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "status": {"type": "string", "enum": list(NeedStatus.values)},
            },
        },
    },
}


def _list_pattern(item: str) -> str:
    return f"^({item})(,({item}))*$"


LIMIT_PARAMETER: dict[str, Any] = {
    "name": "limit",
    "in": "query",
    "required": False,
    "description": f"At most this many results (default {DEFAULT_LIMIT}).",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
}

MATCH_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "school",
        "in": "query",
        "required": True,
        "description": "The six-digit institution number of the school. An unknown number is a 400.",
        "schema": {"type": "string", "pattern": "^[0-9]{6}$"},
        "example": "123456",
    },
    {
        "name": "domains",
        "in": "query",
        "required": False,
        "description": "Life domains, as comma-separated slugs (for example leren,gezondheid). "
        "Without it: every life domain. An unknown slug is a 400 that lists the known ones.",
        "schema": {"type": "string", "pattern": _list_pattern("[a-z0-9-]+")},
        "example": "leren",
    },
    {
        "name": "min_age",
        "in": "query",
        "required": False,
        "description": f"The youngest child's age, {MIN_AGE} to {MAX_AGE}.",
        "schema": {"type": "integer", "minimum": MIN_AGE, "maximum": MAX_AGE},
    },
    {
        "name": "max_age",
        "in": "query",
        "required": False,
        "description": f"The oldest child's age, {MIN_AGE} to {MAX_AGE}; not below min_age (400 otherwise).",
        "schema": {"type": "integer", "minimum": MIN_AGE, "maximum": MAX_AGE},
    },
    {
        "name": "languages",
        "in": "query",
        "required": False,
        "description": "Home languages, as comma-separated two-letter ISO 639-1 codes (for example nl,ar). "
        "A code Brugwijzer does not know is a 400.",
        "schema": {"type": "string", "pattern": _list_pattern("[a-z]{2}")},
        "example": "nl,ar",
    },
    {
        "name": "prefers",
        "in": "query",
        "required": False,
        "description": "What the family prefers, comma-separated: " + ", ".join(PREFERENCES) + ".",
        "schema": {"type": "string", "pattern": _list_pattern(_PREFERENCE)},
        "example": "free,at-school",
    },
    LIMIT_PARAMETER,
]


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


UNAUTHENTICATED = {
    **_error("No session and no Authorization header, or a token that is not valid or was revoked."),
    "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="Brugwijzer"'}},
}
METHOD_NOT_ALLOWED = {
    **_error("Any method other than GET."),
    "headers": {"Allow": {"schema": {"type": "string", "const": "GET"}}},
}
BAD_REQUEST = _error(
    "A parameter is missing, malformed, unknown, given twice, or names something that does not exist; "
    "`parameter` names it."
)

DESCRIPTION = """\
The matching engine of Brugwijzer: which offers of the welfare field fit the needs of families at a \
primary school, best first, with the reasons why.

Authenticate with a personal API token in the header `Authorization: Bearer <token>` (make one on your \
account's API tokens page), or with a logged-in session. When the header is sent it decides, whatever the \
session. Only GET is allowed; nothing here changes data.

Every error is JSON: `{"error": {"code": "...", "parameter": "...", "message": "..."}}`, with `parameter` \
only when the error is about one. Parameters are checked strictly: an unknown or repeated parameter is a 400.\
"""


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document; plain JSON values only."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Brugwijzer API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        "paths": {
            "/matches": {
                "get": {
                    "operationId": "matches",
                    "summary": "Suggestions for a need described in the query",
                    "description": "What would you suggest for families at this school who …? For approved "
                    "members of a school, welfare organisation, CLB or local government, bridge figures and "
                    "moderators; a user without an approved place gets 403. Whether an organisation already "
                    "works with the school counts only when you may read that school's needs.",
                    "parameters": MATCH_PARAMETERS,
                    "responses": {
                        "200": {
                            "description": "The suggestions, best first.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Matches"}}},
                        },
                        "400": BAD_REQUEST,
                        "401": UNAUTHENTICATED,
                        "403": _error("You have no approved place on Brugwijzer yet."),
                        "405": METHOD_NOT_ALLOWED,
                    },
                }
            },
            "/needs/{id}/matches": {
                "get": {
                    "operationId": "need_matches",
                    "summary": "Suggestions for a stored need",
                    "description": "For the users who may read the need; 404 for everyone else, as if it did "
                    "not exist.",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "description": "The need's id.",
                            "schema": {"type": "integer", "minimum": 0},
                        },
                        LIMIT_PARAMETER,
                    ],
                    "responses": {
                        "200": {
                            "description": "The suggestions for the need, best first, and the need itself.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NeedMatches"}}},
                        },
                        "400": BAD_REQUEST,
                        "401": UNAUTHENTICATED,
                        "404": _error("There is no need with this id that you may read."),
                        "405": METHOD_NOT_ALLOWED,
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A personal API token."},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
            "schemas": {
                "Error": ERROR_SCHEMA,
                "Result": RESULT_SCHEMA,
                "School": SCHOOL_SCHEMA,
                "Matches": MATCHES_SCHEMA,
                "NeedMatches": NEED_MATCHES_SCHEMA,
            },
        },
    }


DOCUMENT = build_document()

EXAMPLE_RESULT = {
    "offer_id": 42,
    "external_id": "hsds-offer-1",
    "offer": "Huiswerkklas om de hoek",
    "organisation": "Sociaal Huis Proefstad",
    "score": 0.82,
    "distance_km": 0.5,
    "weak": False,
    "reasons": ["werkt rond leren", "op 0,5 km van de school"],
}
EXAMPLE_MATCHES = {
    "results": [EXAMPLE_RESULT],
    "gap": False,
    "count": 1,
    "total": 1,
    "school": {"institution_number": "123456", "name": "Basisschool De Brug"},
}
EXAMPLE_ERROR = {
    "error": {
        "code": "invalid_parameter",
        "parameter": "min_age",
        "message": "min_age must be a whole number from 0 to 25, not '30'.",
    }
}


@require_GET
def document(request: HttpRequest) -> JsonResponse:
    """The OpenAPI document; public, like the docs page."""
    response = JsonResponse(DOCUMENT, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=3600)
    return response


def _endpoints(base: str) -> list[dict[str, Any]]:
    """Each operation with what the docs page shows: parameters, a curl example, an example answer."""
    endpoints = []
    for path, item in DOCUMENT["paths"].items():
        operation = item["get"]
        parameters = [
            {
                "name": parameter["name"],
                "location": parameter["in"],
                "required": parameter.get("required", False),
                "schema": _schema_text(parameter["schema"]),
                "description": parameter.get("description", ""),
            }
            for parameter in operation["parameters"]
        ]
        if "{id}" in path:
            example_path, example = (
                path.replace("{id}", "7") + "?limit=5",
                EXAMPLE_MATCHES | {"need": {"id": 7, "title": "Huiswerkbegeleiding", "status": "open"}},
            )
        else:
            example_path, example = path + "?school=123456&domains=leren&limit=5", EXAMPLE_MATCHES
        endpoints.append(
            {
                "path": path,
                "operation_id": operation["operationId"],
                "summary": operation["summary"],
                "description": operation["description"],
                "parameters": parameters,
                "statuses": [(code, response["description"]) for code, response in operation["responses"].items()],
                "curl": f'curl -H "Authorization: Bearer $BRUGWIJZER_TOKEN" "{base}{example_path}"',
                "example": json.dumps(example, indent=2, ensure_ascii=False),
            }
        )
    return endpoints


def _schema_text(schema: dict[str, Any]) -> str:
    parts = [schema["type"]]
    if "minimum" in schema and "maximum" in schema:
        parts.append(f"{schema['minimum']}–{schema['maximum']}")
    elif "minimum" in schema:
        parts.append(f"≥ {schema['minimum']}")
    if "pattern" in schema:
        parts.append(schema["pattern"])
    return " ".join(str(part) for part in parts)


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """A readable page about the API, for people who write scripts against it; public."""
    base = request.build_absolute_uri(DOCUMENT["servers"][0]["url"])
    return render(
        request,
        "bridge/api_docs.html",
        {
            "info": DOCUMENT["info"],
            "base": base,
            "endpoints": _endpoints(base),
            "error_codes": ERROR_CODES,
            "example_error": json.dumps(EXAMPLE_ERROR, indent=2, ensure_ascii=False),
        },
    )

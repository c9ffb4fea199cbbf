"""The JSON API (/api/v1/): the matching engine's suggestions, for scripts and other tools.

Authentication
    A logged-in session, or a personal API token in `Authorization: Bearer <token>` (made on
    /account/tokens/). When the header is sent it decides, whatever the session: a token that is
    not valid or was revoked answers 401. Without either: 401 with `WWW-Authenticate: Bearer`.
    Only GET is allowed (405 otherwise); nothing here changes data, so CSRF does not apply.

GET /api/v1/matches?school=<institution number>&domains=<slug,…>&min_age=<n>&max_age=<n>
                   &languages=<iso,…>&prefers=<free,at-school,outreach,walk-in,no-waiting-list>
                   &limit=<n>
    Suggestions for a need that is not stored: "what would you suggest for families at this
    school who …". For anyone who works on Brugwijzer for something: an approved member of a
    school, welfare organisation, CLB or local government, a bridge figure, or a moderator. A
    signed-up user without an approved place (pending, or none yet) gets 403: the engine's view
    of the field is for the professionals who use it. `school` is required; the rest narrows
    the question (no domains: every life domain). Offers are public, and so are schools, so any
    such user may ask about any school; only whether an organisation already works with the
    school (the "partner" part of the score) is left out unless the user may read that school's
    needs, because collaborations are not public.

GET /api/v1/needs/<id>/matches?limit=<n>
    The suggestions for a stored need, for the users who may read it
    (`families.access.needs_visible_to`); 404 for everyone else, as if it did not exist.

Answers
    {"results": [{"offer_id", "external_id", "offer", "organisation", "score", "distance_km",
    "weak", "reasons"}, …], "gap": bool, "count": n, "total": n, "school": {"institution_number",
    "name"}} (and "need": {"id", "title", "status"} for a stored need), best first. `count` is the
    number of results, `total` the number of suggestions before `limit`. `external_id` is the id
    the offer was imported with (HSDS), else null; `reasons` are Dutch phrases.

    Every error is JSON: {"error": {"code", "message"}}, with "parameter" when it is about one.
    Parameters are checked strictly: an unknown or repeated parameter, an unknown life domain or
    language, an age outside 0–25 are all 400, naming the parameter.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps

from django.core.exceptions import TooManyFieldsSent
from django.db.models import Q
from django.http import HttpRequest, JsonResponse, QueryDict
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from bridge.candidates import need_profile, need_profile_from_data, suggest
from bridge.matching import MatchResult, Suggestion
from families.access import needs_visible_to
from families.models import LifeDomain
from portal.json_response import FastJsonResponse
from portal.models import Language, MembershipStatus, User
from portal.security import two_factor_missing
from portal.tokens import bearer_token, user_for_token
from schools.access import schools_with_needs_visible_to
from schools.models import School

MIN_AGE, MAX_AGE = 0, 25
DEFAULT_LIMIT, MAX_LIMIT = 10, 50
# The API's words for the need's preferences, and FamilyNeed's field for each.
PREFERENCES = {
    "free": "prefers_free",
    "at-school": "prefers_at_school",
    "outreach": "prefers_outreach",
    "walk-in": "prefers_walk_in",
    "no-waiting-list": "prefers_no_waiting_list",
}
MATCH_PARAMETERS = ("school", "domains", "min_age", "max_age", "languages", "prefers", "limit")
NEED_PARAMETERS = ("limit",)
RESULT_KEYS = ("offer_id", "external_id", "offer", "organisation", "score", "distance_km", "weak", "reasons")
WWW_AUTHENTICATE = 'Bearer realm="Brugwijzer"'

INSTITUTION_NUMBER = re.compile(r"[0-9]{6}")
WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")
LANGUAGE_CODE = re.compile(r"[a-z]{2}")


class ApiError(Exception):
    """Answers the request with a JSON error; raised anywhere below a view."""

    def __init__(self, status: int, code: str, message: str, *, parameter: str | None = None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.parameter = status, code, message, parameter
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        error = {"code": self.code}
        if self.parameter is not None:
            error["parameter"] = self.parameter
        error["message"] = self.message
        response = _json({"error": error}, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    return FastJsonResponse(data, status=status)


# --- authentication -------------------------------------------------------------------------------


def authenticated_user(request: HttpRequest) -> User:
    """The user of the bearer token when the request sends one, else of the session; 401 otherwise."""
    raw = bearer_token(request)
    if raw is None:
        if request.user.is_authenticated:
            return request.user
        raise ApiError(
            401,
            "unauthenticated",
            _("Log in, or send a personal API token in the header Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": WWW_AUTHENTICATE},
        )
    user = user_for_token(raw)
    if user is None:
        raise ApiError(
            401,
            "unauthenticated",
            _("The API token is not valid, or it was revoked."),
            headers={"WWW-Authenticate": f'{WWW_AUTHENTICATE}, error="invalid_token"'},
        )
    if two_factor_missing(user):
        # A token must not open what the account itself may not reach without a second factor.
        raise ApiError(
            403,
            "two_factor_required",
            _(
                "Your role needs two-factor authentication. Set up an authenticator app in your "
                "account before you use the API."
            ),
        )
    return user


def may_ask_for_matches(user: User) -> bool:
    """Moderators, bridge figures and approved members of a school, organisation, CLB or local
    government: the people who broker or take up matches. One query."""
    if user.is_moderator:
        return True
    return (
        User.objects.filter(pk=user.pk)
        .filter(Q(memberships__status=MembershipStatus.APPROVED) | Q(bridge_figure__isnull=False))
        .exists()
    )


def api_view(view: Callable) -> Callable:
    """GET only, authenticated, errors as JSON, never cached (answers depend on who asks)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        try:
            if request.method != "GET":
                raise ApiError(
                    405,
                    "method_not_allowed",
                    _("Only GET is allowed here."),
                    headers={"Allow": "GET"},
                )
            user = authenticated_user(request)
            response = view(request, user, *args, **kwargs)
        except ApiError as error:
            response = error.response()
        add_never_cache_headers(response)
        patch_vary_headers(response, ("Authorization", "Cookie", "Accept-Language"))
        return response

    return wrapper


# --- parameters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchQuery:
    school: School
    domains: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    languages: tuple[str, ...] = ()
    prefers: tuple[str, ...] = ()
    limit: int = DEFAULT_LIMIT


def _bad(parameter: str, message: str, code: str = "invalid_parameter") -> ApiError:
    return ApiError(400, code, message, parameter=parameter)


def single_values(request: HttpRequest, allowed: tuple[str, ...]) -> dict[str, str]:
    """The query parameters, each given at most once and each one known; values stripped."""
    try:
        query: QueryDict = request.GET
        names = list(query)
    except TooManyFieldsSent:
        raise ApiError(400, "too_many_parameters", _("The query has far too many parameters.")) from None
    unknown = sorted(name for name in names if name not in allowed)
    if unknown:
        raise _bad(
            unknown[0],
            _("Unknown parameter: %(names)s. Allowed: %(allowed)s.")
            % {"names": ", ".join(repr(name) for name in unknown), "allowed": ", ".join(allowed)},
            "unknown_parameter",
        )
    values = {}
    for name in names:
        given = query.getlist(name)
        if len(given) > 1:
            raise _bad(
                name,
                _("Give %(name)s only once; separate several values with commas.") % {"name": name},
                "repeated_parameter",
            )
        values[name] = given[0].strip()
    return values


def _whole_number(values: dict[str, str], name: str, low: int, high: int) -> int | None:
    raw = values.get(name, "")
    if not raw:
        return None
    if not WHOLE_NUMBER.fullmatch(raw) or not low <= int(raw) <= high:
        raise _bad(
            name,
            _("%(name)s must be a whole number from %(low)d to %(high)d, not %(value)s.")
            % {"name": name, "low": low, "high": high, "value": _shown(raw)},
        )
    return int(raw)


def _items(values: dict[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list, lower-cased, without blanks or repeats, in the order given."""
    items = (item.strip().lower() for item in values.get(name, "").split(","))
    return tuple(dict.fromkeys(item for item in items if item))


def _shown(value: str, length: int = 40) -> str:
    """A value quoted for a message, cut short: parameters may hold anything."""
    return repr(value if len(value) <= length else value[:length] + "…")


def parse_limit(values: dict[str, str]) -> int:
    limit = _whole_number(values, "limit", 1, MAX_LIMIT)
    return DEFAULT_LIMIT if limit is None else limit


def parse_match_query(values: dict[str, str]) -> MatchQuery:
    """Check every parameter of /matches; the first problem answers 400 naming its parameter."""
    raw_school = values.get("school", "")
    if not raw_school:
        raise _bad("school", _("school is required: the institution number of the school."), "missing_parameter")
    if not INSTITUTION_NUMBER.fullmatch(raw_school):
        raise _bad(
            "school",
            _("school must be the six-digit institution number of a school, not %(value)s.")
            % {"value": _shown(raw_school)},
        )
    school = (
        School.objects.select_related("municipality")
        .filter(institution_number=raw_school, declined_at__isnull=True)
        .first()
    )
    if school is None:
        raise _bad(
            "school",
            _("There is no school with institution number %(number)s.") % {"number": raw_school},
            "unknown_value",
        )

    domains = _items(values, "domains")
    if domains:
        known = set(LifeDomain.objects.values_list("slug", flat=True))
        unknown = [slug for slug in domains if slug not in known]
        if unknown:
            raise _bad(
                "domains",
                _("Unknown life domain: %(unknown)s. Known life domains: %(known)s.")
                % {"unknown": ", ".join(_shown(slug) for slug in unknown), "known": ", ".join(sorted(known))},
                "unknown_value",
            )

    min_age = _whole_number(values, "min_age", MIN_AGE, MAX_AGE)
    max_age = _whole_number(values, "max_age", MIN_AGE, MAX_AGE)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise _bad(
            "max_age",
            _("max_age (%(max)d) must not be below min_age (%(min)d).") % {"max": max_age, "min": min_age},
        )

    languages = _items(values, "languages")
    if languages:
        malformed = [code for code in languages if not LANGUAGE_CODE.fullmatch(code)]
        known = set() if malformed else set(Language.objects.filter(code__in=languages).values_list("code", flat=True))
        unknown = malformed or [code for code in languages if code not in known]
        if unknown:
            raise _bad(
                "languages",
                _("Unknown language: %(unknown)s. Use two-letter ISO 639-1 codes, such as nl, fr or ar.")
                % {"unknown": ", ".join(_shown(code) for code in unknown)},
                "unknown_value",
            )

    prefers = _items(values, "prefers")
    unknown = [value for value in prefers if value not in PREFERENCES]
    if unknown:
        raise _bad(
            "prefers",
            _("Unknown preference: %(unknown)s. Known preferences: %(known)s.")
            % {"unknown": ", ".join(_shown(value) for value in unknown), "known": ", ".join(PREFERENCES)},
            "unknown_value",
        )

    return MatchQuery(
        school=school,
        domains=domains,
        min_age=min_age,
        max_age=max_age,
        languages=languages,
        prefers=prefers,
        limit=parse_limit(values),
    )


# --- answers -----------------------------------------------------------------------------------------


def result_entry(suggestion: Suggestion) -> dict:
    entry = {key: value for key, value in suggestion.as_dict().items() if key in RESULT_KEYS}
    entry["external_id"] = entry["external_id"] or None
    entry["score"] = float(entry["score"])
    return {key: entry[key] for key in RESULT_KEYS}


def matches_payload(result: MatchResult, school: School) -> dict:
    results = [result_entry(suggestion) for suggestion in result.suggestions]
    return {
        "results": results,
        "gap": result.is_gap,
        "count": len(results),
        "total": result.total,
        "school": {"institution_number": school.institution_number, "name": school.name},
    }


# --- views ---------------------------------------------------------------------------------------------


@api_view
def matches(request: HttpRequest, user: User) -> JsonResponse:
    """Suggestions for a need described in the query string (see the module docstring)."""
    if not may_ask_for_matches(user):
        raise ApiError(
            403,
            "forbidden",
            _(
                "Suggestions are for people who work on Brugwijzer for a school, a welfare organisation, "
                "a CLB or a local government. Your membership has not been approved yet."
            ),
        )
    query = parse_match_query(single_values(request, MATCH_PARAMETERS))
    profile = need_profile_from_data(
        school=query.school,
        life_domains=query.domains,
        age_min=query.min_age,
        age_max=query.max_age,
        languages=query.languages,
        **{PREFERENCES[value]: True for value in query.prefers},
    )
    if not user.is_moderator and not schools_with_needs_visible_to(user).filter(pk=query.school.pk).exists():
        profile = replace(profile, partner_organisation_ids=frozenset())
    return _json(matches_payload(suggest(profile, limit=query.limit), query.school))


@api_view
def need_matches(request: HttpRequest, user: User, need_id: int) -> JsonResponse:
    """Suggestions for a stored need; 404 unless the user may read it."""
    need = (
        needs_visible_to(user)
        .select_related("school", "school__municipality")
        .prefetch_related("life_domains", "home_languages")
        .filter(pk=need_id)
        .first()
    )
    if need is None:
        raise ApiError(404, "not_found", _("There is no need with this id that you may see."))
    limit = parse_limit(single_values(request, NEED_PARAMETERS))
    payload = matches_payload(suggest(need_profile(need), limit=limit), need.school)
    payload["need"] = {"id": need.pk, "title": need.title, "status": need.status}
    return _json(payload)


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404 rather than the site's HTML page."""
    response = ApiError(404, "not_found", _("There is no such address in the API.")).response()
    add_never_cache_headers(response)
    return response

"""Fuzzing harness for tests/test_no_server_errors.py: every URL of the permission matrices, asked
with arbitrary query strings, form data, uploads and ids by a persona who may use it.

The matrices (tests/<app>/test_permissions.py) already know, for every URL, how to build a world,
which ids to put in the URL, which persona gets through and what a valid form looks like. Here
each (URL, method) becomes a `Target` asked as that persona; the parameter names come from the
matrix's valid data, the page's own forms and links (so a filter or form field added later is
fuzzed without touching this file) and a few names every list page reads.
"""

import importlib
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import strategies as st

import tests
from bridge import api
from portal.tokens import create_token
from tests.permissions import Case, World, build_world
from welfare import hsds_api

SUCCESS = (200, 302)
# Who asks: the first persona in this order that the matrix lets through (so forms get processed).
PREFERRED = ("admin", "member", "moderator", "outsider", "pending", "anonymous")
# Names many list pages read, also when their page does not show them (yet).
COMMON_QUERY = ("page", "sort", "q", "format", "bbox", "next", "section", "status")
COMMON_POST = ("next",)
# The JSON APIs answer 400 to any parameter they do not take: fuzz the ones each address takes.
API_PARAMETERS = {
    "api:matches": api.MATCH_PARAMETERS,
    "api:need_matches": api.NEED_PARAMETERS,
    "hsds:services": hsds_api.SERVICE_PARAMETERS,
    "hsds:organizations": hsds_api.ORGANIZATION_PARAMETERS,
    "hsds:organization": ("full_service",),
    "hsds:taxonomies": hsds_api.PAGING,
    "hsds:taxonomy_terms": hsds_api.TERM_PARAMETERS,
}

# Values that broke Django sites before: NUL (PostgreSQL refuses it in text), numbers beyond
# bigint, malformed dates, markup, path tricks, right-to-left marks, digits that are not 0-9, very long text.
NASTY = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "1.5",
    "1e400",
    "NaN",
    "-inf",
    str(2**31),
    str(2**63),
    str(2**64 + 1),
    str(-(2**63) - 1),
    "9" * 40,
    "2026-02-30",
    "0000-00-00",
    "31/12/2026",
    "on",
    "None",
    "[]",
    "{}",
    "%",
    "%00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "ü",
    "²",  # str.isdigit() says yes, int() says no
    "🙂",
    "\u202e",
    "x" * 5000,
)
ODD_INTS = (0, 2**31, 2**63, 2**64 + 1, 10**30)
ODD_STRINGS = ("0", "x", "\x00", "é", "²", "-1", "9" * 40, "x" * 300)

unicode_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
long_text = st.builds(lambda chunk, times: chunk * times, st.text(min_size=1, max_size=4), st.integers(300, 3000))
nasty_values = st.one_of(st.sampled_from(NASTY), unicode_text, st.integers().map(str), long_text)


def matrix_modules():
    for info in pkgutil.walk_packages(tests.__path__, "tests."):
        if info.name.endswith(".test_permissions"):
            yield importlib.import_module(info.name)


def world_builder(module) -> Callable[[], World]:
    """The module's own world (the dashboard's adds municipalities and CLBs), else the shared one."""
    for name, value in vars(module).items():
        if (
            callable(value)
            and name.startswith("build_")
            and name.endswith("world")
            and getattr(value, "__module__", None) == module.__name__
        ):
            return value
    return build_world


def choose_persona(expected: dict[str, int | str] | None) -> str | None:
    if not expected:
        return None
    for wanted in SUCCESS:
        for persona in PREFERRED:
            if expected.get(persona) == wanted:
                return persona
    return None


@dataclass(frozen=True)
class Target:
    case: Case
    method: str
    persona: str
    build: Callable[[], World]
    token_auth: bool = False

    @property
    def id(self) -> str:
        parts = [self.case.url_name, self.method, self.persona, self.case.owner or "-"]
        if self.case.htmx:
            parts.append("htmx")
        if self.token_auth:
            parts.append("token")
        return "-".join(parts)


def targets() -> list[Target]:
    """One target per matrix case and method that some persona may use, without repeats."""
    found: dict[tuple, Target] = {}
    for module in matrix_modules():
        build = world_builder(module)
        for case in getattr(module, "MATRIX", []):
            if not isinstance(case, Case):
                continue
            for method in ("get", "post"):
                persona = choose_persona(getattr(case, method))
                if persona is None:
                    continue
                # The moderator and anonymous visitors are the same whoever owns the object.
                owner = case.owner if persona not in ("moderator", "anonymous") else None
                key = (case.url_name, method, case.htmx, persona, owner, case.kwargs, case.data, type(case))
                found.setdefault(key, Target(case, method, persona, build))
                if case.url_name.startswith("api:") and persona != "anonymous":
                    found.setdefault((*key, "token"), Target(case, method, persona, build, token_auth=True))
    return sorted(found.values(), key=lambda t: t.id)


class FormFields(HTMLParser):
    """The names (and offered values) of a page's form fields, split by the form's method, and
    the query parameter names of its links."""

    def __init__(self):
        super().__init__()
        self.query: dict[str, set[str]] = {}
        self.post: dict[str, set[str]] = {}
        self.files: set[str] = set()
        self._method = "get"
        self._select: str | None = None

    def _add(self, bucket: dict[str, set[str]], name: str, value: str | None) -> None:
        values = bucket.setdefault(name, set())
        if value:
            values.add(value)

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        bucket = self.post if self._method == "post" else self.query
        name = attributes.get("name", "")
        if tag == "form":
            self._method = attributes.get("method", "get").lower()
        elif tag == "input" and name and name != "csrfmiddlewaretoken":
            if attributes.get("type") == "file":
                self.files.add(name)
            else:
                self._add(bucket, name, attributes.get("value"))
        elif tag in ("select", "textarea", "button") and name:
            self._add(bucket, name, attributes.get("value"))
            self._select = name if tag == "select" else None
        elif tag == "option" and self._select:
            self._add(bucket, self._select, attributes.get("value"))
        elif tag == "a" and "?" in attributes.get("href", ""):
            for key, value in parse_qsl(urlsplit(attributes["href"]).query, keep_blank_values=True):
                self._add(self.query, key, value)

    def handle_endtag(self, tag):
        if tag == "form":
            self._method = "get"
        elif tag == "select":
            self._select = None


@dataclass
class Prepared:
    """A target with its world built: the URL, who asks, and the names worth fuzzing."""

    target: Target
    world: World
    url: str
    kwargs: dict[str, Any]
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    token: str | None = None
    _client: Client | None = None

    def __repr__(self) -> str:  # hypothesis shows it with every failure: the target says enough
        return f"Prepared({self.target.id}, {self.url})"

    def client(self, authorization: str | None = None) -> Client:
        """The persona's client (one per target: a new Client loads the middleware again, and
        WhiteNoise then scans every static file), signed in afresh or carrying the token."""
        if self._client is None:
            self._client = Client()
        client = self._client
        client.cookies.clear()
        client.defaults.pop("HTTP_AUTHORIZATION", None)
        user = self.world.user(self.target.persona, self.target.case.owner)
        if authorization is not None:
            client.defaults["HTTP_AUTHORIZATION"] = authorization
        elif user is not None:
            client.force_login(user)
        return client

    def headers(self, htmx: bool) -> dict[str, str]:
        return {"HTTP_HX_REQUEST": "true"} if htmx or self.target.case.htmx else {}

    def base_data(self) -> dict[str, Any]:
        """The matrix's valid form data (POST), or its valid query (the API's cases, GET)."""
        if self.target.method == "post":
            return dict(self.target.case.data(self.world))
        query = getattr(self.target.case, "query", None)
        return {name: str(value) for name, value in query(self.world).items()} if query else {}

    def send(self, client: Client, url: str, data: dict[str, Any], htmx: bool = False) -> int:
        """The response's status; any exception the view raised becomes a failure naming the request."""
        method = self.target.method
        try:
            with transaction.atomic():
                response = getattr(client, method)(url, data, **self.headers(htmx))
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 - every exception is the finding
            raise AssertionError(f"{method.upper()} {url} with {data!r} raised {error!r}") from error
        assert response.status_code < 500, f"{method.upper()} {url} with {data!r}: {response.status_code}"
        return response.status_code


def prepare(target: Target) -> Prepared:
    world = target.build()
    kwargs = target.case.kwargs(world)
    prepared = Prepared(target, world, reverse(target.case.url_name, kwargs=kwargs), kwargs)
    if target.token_auth:
        _, prepared.token = create_token(user=world.user(target.persona, target.case.owner), name="fuzz")
    names: dict[str, set[str]] = {}
    base = prepared.base_data()
    for name, value in base.items():
        if isinstance(value, SimpleUploadedFile):
            prepared.files[name] = value.read()
        else:
            values = value if isinstance(value, list | tuple) else [value]
            names.setdefault(name, set()).update(str(v) for v in values)
    page = _page_fields(prepared)
    if page is not None:
        found = page.post if target.method == "post" else page.query
        for name, values in found.items():
            names.setdefault(name, set()).update(values)
        for name in page.files:
            prepared.files.setdefault(name, b"")
    if target.case.url_name.startswith(("api:", "hsds:")):
        common = API_PARAMETERS.get(target.case.url_name, ())
    else:
        common = COMMON_POST if target.method == "post" else COMMON_QUERY
    for name in common:
        names.setdefault(name, set())
    for name in prepared.files:
        names.pop(name, None)
    prepared.names = {name: tuple(sorted(values)) for name, values in sorted(names.items())}
    return prepared


def _page_fields(prepared: Prepared) -> FormFields | None:
    """The fields of the page itself, when the persona may GET it and it is HTML: the whole
    page, also for an htmx target (its partial may leave out the filter form that drives it)."""
    case, persona = prepared.target.case, prepared.target.persona
    if (case.get or {}).get(persona) != 200:
        return None
    client = prepared.client()
    with transaction.atomic():
        response = client.get(prepared.url)
        transaction.set_rollback(True)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    parser = FormFields()
    parser.feed(response.content.decode(errors="replace"))
    return parser


def values_for(known: tuple[str, ...]):
    value = st.one_of(st.sampled_from(known), nasty_values) if known else nasty_values
    return st.one_of(value.map(lambda v: [v]), st.lists(value, min_size=2, max_size=3))


def _csv_like(sample: bytes):
    """Rows shaped like the sample's header, cells arbitrary: reaches the importer's checks."""
    header = sample.splitlines()[0] if sample else b"a;b;c"
    width = header.count(b";") + 1
    cell = st.one_of(st.sampled_from(NASTY), unicode_text).map(lambda s: s.replace(";", ","))
    rows = st.lists(st.lists(cell, min_size=width - 1, max_size=width + 1).map(";".join), max_size=4)
    encoding = st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "latin-1"))
    return st.builds(
        lambda lines, enc: (header.decode() + "\n" + "\n".join(lines)).encode(enc, errors="replace"), rows, encoding
    )


def _json_like(sample: bytes):
    """The sample JSON with some leaves swapped for arbitrary values, or arbitrary JSON."""
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_values)
    anything = st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(unicode_text, inner, max_size=3),
        max_leaves=6,
    )
    try:
        parsed = json.loads(sample)
    except ValueError:
        return anything.map(lambda v: json.dumps(v).encode())

    def mutate(document, swaps):
        for index, value in swaps:
            paths = list(_leaf_paths(document))  # again: a swap may have replaced a whole branch
            if not paths:
                break
            document = _replace(document, paths[index % len(paths)], value)
        return json.dumps(document).encode()

    swaps = st.lists(st.tuples(st.integers(0, 10_000), anything), min_size=1, max_size=4)
    return st.one_of(
        swaps.map(lambda s: mutate(json.loads(json.dumps(parsed)), s)), anything.map(lambda v: json.dumps(v).encode())
    )


def _leaf_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaf_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaf_paths(value, (*path, index))
    if path:
        yield path


def _replace(document, path, value):
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return document


def file_contents(sample: bytes):
    shaped = _json_like(sample) if sample.lstrip()[:1] in (b"[", b"{") else _csv_like(sample)
    return st.one_of(shaped, st.binary(max_size=300))


@st.composite
def requests(draw, prepared: Prepared):
    """One request: arbitrary values for some of the known names (on top of the valid data for a
    POST, some of which may be left out), maybe as an htmx request, maybe with odd upload files."""
    names = prepared.names
    chosen = draw(st.fixed_dictionaries({}, optional={name: values_for(known) for name, known in names.items()}))
    data: dict[str, Any] = {}
    base = prepared.base_data()
    if base:
        dropped = draw(st.sets(st.sampled_from(sorted(base)), max_size=2))
        data = {key: value for key, value in base.items() if key not in dropped}
    data.update(chosen)
    for name, sample in prepared.files.items():
        if draw(st.booleans()):
            content = draw(file_contents(sample))
            data[name] = SimpleUploadedFile(draw(st.sampled_from(("data.csv", "data.json", "x", "é.xlsx"))), content)
    htmx = draw(st.booleans())
    authorization = None
    if prepared.token:
        authorization = draw(
            st.one_of(
                st.just(f"Bearer {prepared.token}"),
                st.sampled_from(NASTY).map(lambda v: f"Bearer {v}"),
                unicode_text,
            )
        )
    return data, htmx, authorization


def odd_urls(prepared: Prepared) -> list[str]:
    """The URL with each id swapped for one that cannot exist: zero, beyond int and bigint, junk
    (also of the same length and kind, to pass a URL pattern such as a five-digit NIS code)."""
    urls = []
    for name, value in prepared.kwargs.items():
        if isinstance(value, int):
            odd: tuple = ODD_INTS
        else:
            text = str(value)
            odd = (*ODD_STRINGS, "0" * len(text), "9" * len(text), "x" * len(text))
        for replacement in odd:
            try:
                urls.append(reverse(prepared.target.case.url_name, kwargs={**prepared.kwargs, name: replacement}))
            except NoReverseMatch:  # the URL pattern itself refuses it: the request cannot be made
                continue
    return urls

"""Reading an official school list (CSV) and bringing Brugwijzer's schools in line with it.

The file has one school per line under the header

    instellingsnummer,naam,straat,postcode,nis_code,lat,lon,net,niveau,clb

What is accepted, so that a list exported from a spreadsheet imports without retyping:

- UTF-8, with or without a byte order mark; columns separated by commas or by semicolons
  (whichever the header line uses). Column names are matched without regard to case; their
  order is free; `lat`, `lon` and `clb` may be left out. An unknown column is an error, so a
  typo in the header does not silently drop data.
- `instellingsnummer`: up to six digits; shorter numbers get their leading zeros back
  (spreadsheets drop them). It identifies the school: an import updates the school with that
  number, or creates it. The same number twice in a file is an error.
- `postcode` must be one of the postal codes of the municipality with that `nis_code`
  (Statbel REFNIS, after the 2025 mergers). Brussels municipalities are accepted: the Dutch-
  language schools there belong to the Flemish education system.
- `lat` and `lon`: both or neither, decimal point or decimal comma, inside Belgium (which also
  catches swapped coordinates).
- `net`: see NETWORK_ALIASES — GO!, OVSG, POV or KOV, also written out in full.
  "Officieel/vrij gesubsidieerd onderwijs" is refused with an explanation: each covers more than
  one of Brugwijzer's networks.
- `niveau`: one or more levels separated by "|", ",", "/" or "+": kleuter, lager, basis
  (kleuter and lager), secundair, buitengewoon; a trailing "onderwijs" and the qualifier
  "gewoon" are ignored; "buitengewoon lager" sets buitengewoon and lager. The English names
  (nursery, primary, secondary, special needs) work as well.
- `clb` is the name of the CLB that guides the school. Linking is the bridge app's business
  (bridge.school_import); this module only carries the name along.

Empty optional values leave what Brugwijzer has: a school's own coordinates or CLB link are not
erased by a list that lacks them. Contact details (website, e-mail, phone) are never touched, nor
is the verification state of an existing school. A school that is new to Brugwijzer comes from
an official list, so it is created verified (see `apply_school_import`).

Nothing here writes unless `apply_school_import` is called; the orchestration (all or nothing,
together with the CLB links, and the audit log) lives in portal.data_imports.
"""

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Municipality, PostalCode
from schools.models import Network, School

COLUMNS = ("instellingsnummer", "naam", "straat", "postcode", "nis_code", "lat", "lon", "net", "niveau", "clb")
OPTIONAL_COLUMNS = frozenset({"lat", "lon", "clb"})
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)

# Belgium with a margin: a point outside is a typo or swapped coordinates, not a school.
BELGIUM_LATITUDE = (49.45, 51.55)
BELGIUM_LONGITUDE = (2.5, 6.45)

# Keys are normalised by `_normalise_words` (lower case, punctuation as spaces).
NETWORK_ALIASES: dict[str, str] = {
    "go": Network.GO,
    "gemeenschapsonderwijs": Network.GO,
    "gemeenschapsonderwijs go": Network.GO,
    "go onderwijs van de vlaamse gemeenschap": Network.GO,
    "onderwijs van de vlaamse gemeenschap": Network.GO,
    "ovsg": Network.OVSG,
    "onderwijsvereniging van steden en gemeenten": Network.OVSG,
    "gemeentelijk onderwijs": Network.OVSG,
    "stedelijk onderwijs": Network.OVSG,
    "gemeentelijk": Network.OVSG,
    "stedelijk": Network.OVSG,
    "pov": Network.POV,
    "provinciaal onderwijs": Network.POV,
    "provinciaal onderwijs vlaanderen": Network.POV,
    "provinciaal": Network.POV,
    "kov": Network.KOV,
    "katholiek onderwijs vlaanderen": Network.KOV,
    "katholiek onderwijs": Network.KOV,
    "katholiek": Network.KOV,
    "vsko": Network.KOV,
}
AMBIGUOUS_NETWORKS: dict[str, Any] = {
    "officieel gesubsidieerd onderwijs": gettext_lazy(
        "“%(value)s” covers both municipal (OVSG) and provincial (POV) schools: give OVSG or POV."
    ),
    "officieel gesubsidieerd": gettext_lazy(
        "“%(value)s” covers both municipal (OVSG) and provincial (POV) schools: give OVSG or POV."
    ),
    "ogo": gettext_lazy("“%(value)s” covers both municipal (OVSG) and provincial (POV) schools: give OVSG or POV."),
    "vrij gesubsidieerd onderwijs": gettext_lazy(
        "“%(value)s” covers Catholic and other free schools: give KOV for a Catholic school. "
        "Brugwijzer has no network for other free schools yet."
    ),
    "vrij gesubsidieerd": gettext_lazy(
        "“%(value)s” covers Catholic and other free schools: give KOV for a Catholic school. "
        "Brugwijzer has no network for other free schools yet."
    ),
    "vgo": gettext_lazy(
        "“%(value)s” covers Catholic and other free schools: give KOV for a Catholic school. "
        "Brugwijzer has no network for other free schools yet."
    ),
}

KLEUTER, LAGER, BUITENGEWOON, SECUNDAIR = "level_kleuter", "level_lager", "level_buitengewoon", "level_secundair"
LEVEL_FIELDS = (KLEUTER, LAGER, BUITENGEWOON, SECUNDAIR)
# A level after its optional qualifier ("gewoon", "buitengewoon") and "onderwijs" are taken off.
STAGES: dict[str, frozenset[str]] = {
    "kleuter": frozenset({KLEUTER}),
    "lager": frozenset({LAGER}),
    "basis": frozenset({KLEUTER, LAGER}),
    "secundair": frozenset({SECUNDAIR}),
    "nursery": frozenset({KLEUTER}),
    "primary": frozenset({LAGER}),
    "secondary": frozenset({SECUNDAIR}),
}
SPECIAL_WORDS = ("buitengewoon", "special needs", "special")
LEVEL_SEPARATORS = re.compile(r"[|,/+]")

# What an import compares and writes; contact details and verification are left alone.
IMPORTED_FIELDS = (
    "name",
    "street",
    "postal_code",
    "municipality",
    "latitude",
    "longitude",
    "network",
    *LEVEL_FIELDS,
)


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file, at a line as a text editor numbers it (the header is line 1)."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return _("line %(line)d: %(field)s: %(problem)s") % {
                "line": self.line,
                "field": self.field,
                "problem": self.message,
            }
        return _("line %(line)d: %(problem)s") % {"line": self.line, "problem": self.message}


@dataclass(frozen=True)
class SchoolRow:
    """A valid line of the file, as model values (municipality as the object)."""

    line: int
    institution_number: str
    values: dict[str, Any]
    clb_name: str


@dataclass
class ParsedSchoolList:
    """The valid lines as rows, every problem found, and the CLB names of the lines with problems
    (line → name), so that the CLBs of those lines are checked too: all problems in one go."""

    rows: list[SchoolRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    unchecked_clbs: dict[int, str] = field(default_factory=dict)


@dataclass
class SchoolChange:
    """What an import does to one school. `changes` is {field: [old, new]} for the fields that
    differ (for a new school: every imported field, old None); `clb` is [old, new] when the CLB
    link changes (filled in by the orchestration)."""

    line: int
    institution_number: str
    name: str
    action: str
    changes: dict[str, list] = field(default_factory=dict)
    clb: list[str] | None = None
    school: School | None = None

    def display(self) -> list[tuple[str, str, str]]:
        """(label, old, new) for people: the four level flags read as one list of levels."""
        rows: list[tuple[str, str, str]] = []
        level_changed = False
        for name, (old, new) in self.changes.items():
            if name in LEVEL_FIELDS:
                level_changed = True
                continue
            rows.append((_field_label(name), _display_value(name, old), _display_value(name, new)))
        if level_changed:
            old_levels = [n for n in LEVEL_FIELDS if self._level(n, 0)]
            new_levels = [n for n in LEVEL_FIELDS if self._level(n, 1)]
            old_text = ", ".join(_level_label(n) for n in old_levels) if self.action != Action.CREATE else ""
            rows.append((_("levels"), old_text, ", ".join(_level_label(n) for n in new_levels)))
        if self.clb is not None:
            rows.append((_("CLB"), self.clb[0], self.clb[1]))
        return rows

    def summary(self) -> list[str]:
        """A new school in a few lines: address; network and levels; coordinates; CLB."""
        new = {name: values[1] for name, values in self.changes.items()}
        lines = [f"{new.get('street', '')}, {new.get('postal_code', '')} {new.get('municipality', '')}"]
        levels = ", ".join(_level_label(name) for name in LEVEL_FIELDS if new.get(name))
        lines.append(" · ".join(part for part in (_display_value("network", new.get("network")), levels) if part))
        if new.get("latitude") is not None:
            lines.append(_("Coordinates %(lat)s, %(lon)s") % {"lat": new["latitude"], "lon": new["longitude"]})
        if self.clb:
            lines.append(_("CLB: %(name)s") % {"name": self.clb[1]})
        return lines

    def _level(self, name: str, index: int) -> bool:
        if name in self.changes:
            return bool(self.changes[name][index])
        return bool(getattr(self.school, name, False)) if self.school else False

    def as_plain(self) -> list:
        return [
            self.institution_number,
            self.action,
            sorted((k, str(v[0]), str(v[1])) for k, v in self.changes.items()),
            self.clb,
        ]


@dataclass
class SchoolPlan:
    """The outcome of comparing a parsed list with the database; nothing has been written."""

    rows: list[SchoolRow]
    changes: list[SchoolChange]
    problems: list[ImportProblem]

    @property
    def fingerprint(self) -> str:
        """Stable hash of what would change: a confirmation applies only what was previewed."""
        plain = [change.as_plain() for change in self.changes]
        return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()


# --- reading the file ---------------------------------------------------------------------------


def _normalise_words(value: str) -> str:
    return " ".join(re.sub(r"[!().\-_–]", " ", value.casefold()).split())


def _field_label(name: str) -> str:
    return str(School._meta.get_field(name).verbose_name)


def _level_label(name: str) -> str:
    return {
        KLEUTER: _("nursery"),
        LAGER: _("primary"),
        BUITENGEWOON: _("special needs"),
        SECUNDAIR: _("secondary"),
    }[name]


def _display_value(name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if name == "network":
        return str(Network(value).label)
    return str(value)


def decode(data: bytes) -> tuple[str | None, ImportProblem | None]:
    """The file as text, or the problem that stops us reading it."""
    if data.startswith(b"PK\x03\x04"):
        return None, ImportProblem(
            1, "", _("this is a spreadsheet (Excel) file, not CSV: save it as “CSV UTF-8” and upload that.")
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, ImportProblem(
            line, "", _("the file is not UTF-8 text: save it as “CSV UTF-8” (the text here cannot be read).")
        )


def _delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _read_header(cells: list[str]) -> tuple[dict[str, int], list[ImportProblem]]:
    problems = []
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = cell.strip().casefold()
        if not name and index == len(cells) - 1:
            continue  # a trailing separator, as spreadsheets sometimes write
        if name not in COLUMNS:
            problems.append(
                ImportProblem(
                    1,
                    "",
                    _("unknown column “%(name)s”; the columns are: %(columns)s.")
                    % {"name": cell.strip(), "columns": ", ".join(COLUMNS)},
                )
            )
        elif name in positions:
            problems.append(ImportProblem(1, "", _("the column “%(name)s” appears twice.") % {"name": name}))
        else:
            positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        problems.append(
            ImportProblem(
                1,
                "",
                _("missing columns: %(missing)s. Separate the columns with commas or semicolons.")
                % {"missing": ", ".join(missing)},
            )
        )
    return positions, problems


def parse_school_list(data: bytes) -> ParsedSchoolList:
    """Read and check every line against the format and the reference data (municipalities and
    postal codes): all problems at once, with their line numbers. Two queries."""
    result = ParsedSchoolList()
    text, problem = decode(data)
    if problem:
        result.problems.append(problem)
        return result
    assert text is not None
    if not text.strip():
        result.problems.append(ImportProblem(1, "", _("the file is empty.")))
        return result
    delimiter = _delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as error:
        result.problems.append(ImportProblem(1, "", _("the header cannot be read: %(error)s") % {"error": error}))
        return result
    positions, problems = _read_header(header)
    if problems:
        result.problems.extend(problems)
        return result

    checker = _RowChecker()
    seen: dict[str, int] = {}
    last_line = reader.line_num
    while True:
        line = last_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.problems.append(ImportProblem(line, "", _("this line cannot be read: %(error)s") % {"error": error}))
            break
        last_line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and not any(cell.strip() for cell in cells[len(header) :]):
            cells = cells[: len(header)]
        if len(cells) != len(header):
            result.problems.append(
                ImportProblem(
                    line,
                    "",
                    _("this line has %(found)d values, the header has %(expected)d columns.")
                    % {"found": len(cells), "expected": len(header)},
                )
            )
            continue
        raw = {name: cells[index].strip() for name, index in positions.items()}
        row, row_problems = checker.check(line, raw)
        number = raw["instellingsnummer"].zfill(6)
        if number in seen:
            row_problems.append(
                ImportProblem(
                    line,
                    "instellingsnummer",
                    _("%(number)s is already on line %(line)d.") % {"number": number, "line": seen[number]},
                )
            )
        elif raw["instellingsnummer"]:
            seen[number] = line
        if row_problems:
            result.problems.extend(row_problems)
            if raw.get("clb"):
                result.unchecked_clbs[line] = " ".join(raw["clb"].split())
            continue
        assert row is not None
        result.rows.append(row)
    if not result.rows and not result.problems:
        result.problems.append(ImportProblem(2, "", _("there are no schools under the header.")))
    return result


class _RowChecker:
    """Checks one line's values; loads the reference data once."""

    def __init__(self) -> None:
        self.municipalities = {m.nis_code: m for m in Municipality.objects.only("id", "nis_code", "name_nl")}
        self.postal_codes: dict[int, set[str]] = {}
        for code, municipality_id in PostalCode.objects.values_list("code", "municipality_id"):
            self.postal_codes.setdefault(municipality_id, set()).add(code)

    def check(self, line: int, raw: dict[str, str]) -> tuple[SchoolRow | None, list[ImportProblem]]:
        problems: list[ImportProblem] = []

        def problem(column: str, message: str) -> None:
            problems.append(ImportProblem(line, column, message))

        number = raw["instellingsnummer"]
        if not number:
            problem("instellingsnummer", _("required."))
        elif not re.fullmatch(r"[0-9]{1,6}", number):
            problem(
                "instellingsnummer", _("“%(value)s” is not an institution number (six digits).") % {"value": number}
            )
        number = number.zfill(6)

        values: dict[str, Any] = {}
        for column, model_field in (("naam", "name"), ("straat", "street")):
            value = " ".join(raw[column].split())
            limit = School._meta.get_field(model_field).max_length
            if not value:
                problem(column, _("required."))
            elif len(value) > limit:
                problem(
                    column,
                    _("at most %(limit)d characters (this has %(length)d).") % {"limit": limit, "length": len(value)},
                )
            values[model_field] = value

        postal_code = raw["postcode"]
        nis_code = raw["nis_code"]
        postal_code_ok = bool(re.fullmatch(r"[1-9][0-9]{3}", postal_code))
        if not postal_code_ok:
            problem(
                "postcode",
                _("“%(value)s” is not a Belgian postal code (four digits).") % {"value": postal_code}
                if postal_code
                else _("required."),
            )
        municipality = self.municipalities.get(nis_code)
        if municipality is None:
            problem(
                "nis_code",
                _(
                    "no municipality has NIS code “%(value)s” "
                    "(Brugwijzer uses the municipalities after the 2025 mergers)."
                )
                % {"value": nis_code}
                if nis_code
                else _("required."),
            )
        elif postal_code_ok:
            codes = self.postal_codes.get(municipality.pk, set())
            if postal_code not in codes:
                problem(
                    "postcode",
                    _("%(code)s is not a postal code of %(municipality)s (its postal codes: %(codes)s).")
                    % {"code": postal_code, "municipality": municipality.name_nl, "codes": ", ".join(sorted(codes))},
                )
        values["postal_code"] = postal_code
        values["municipality"] = municipality

        values["latitude"], values["longitude"] = self._coordinates(raw.get("lat", ""), raw.get("lon", ""), problem)

        values["network"] = self._network(raw["net"], problem)
        values.update(self._levels(raw["niveau"], problem))

        if problems:
            return None, problems
        return SchoolRow(
            line=line, institution_number=number, values=values, clb_name=" ".join(raw.get("clb", "").split())
        ), []

    @staticmethod
    def _number(value: str) -> float | None:
        value = value.strip()
        if "," in value and "." not in value and value.count(",") == 1:
            value = value.replace(",", ".")
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None

    def _coordinates(self, lat: str, lon: str, problem: Callable[[str, str], None]):
        if not lat and not lon:
            return None, None
        if not lat or not lon:
            problem("lat" if not lat else "lon", _("give both lat and lon, or neither."))
            return None, None
        latitude, longitude = self._number(lat), self._number(lon)
        ok = True
        for column, raw, number, low, high in (
            ("lat", lat, latitude, -90, 90),
            ("lon", lon, longitude, -180, 180),
        ):
            if number is None:
                problem(column, _("“%(value)s” is not a number.") % {"value": raw})
                ok = False
            elif not low <= number <= high:
                problem(
                    column,
                    _("%(value)s is out of range (%(low)d to %(high)d).") % {"value": raw, "low": low, "high": high},
                )
                ok = False
        if ok and not (
            BELGIUM_LATITUDE[0] <= latitude <= BELGIUM_LATITUDE[1]
            and BELGIUM_LONGITUDE[0] <= longitude <= BELGIUM_LONGITUDE[1]
        ):
            problem(
                "lat",
                _("%(lat)s, %(lon)s lies outside Belgium. Are lat and lon swapped?") % {"lat": lat, "lon": lon},
            )
        return latitude, longitude

    @staticmethod
    def _network(value: str, problem: Callable[[str, str], None]) -> str:
        key = _normalise_words(value)
        if not key:
            problem("net", _("required."))
        elif key in NETWORK_ALIASES:
            return NETWORK_ALIASES[key]
        elif key in AMBIGUOUS_NETWORKS:
            problem("net", str(AMBIGUOUS_NETWORKS[key]) % {"value": value})
        else:
            problem("net", _("“%(value)s” is not a network; give GO!, OVSG, POV or KOV.") % {"value": value})
        return ""

    @staticmethod
    def _levels(value: str, problem: Callable[[str, str], None]) -> dict[str, bool]:
        chosen: set[str] = set()
        unknown = []
        for part in LEVEL_SEPARATORS.split(value):
            words = _normalise_words(part)
            if not words:
                continue
            words = re.sub(r"\s*onderwijs$", "", words).strip()
            special = False
            for word in SPECIAL_WORDS:
                if words == word or words.startswith(word + " "):
                    special, words = True, words[len(word) :].strip()
                    break
            else:
                if words == "gewoon" or words.startswith("gewoon "):
                    words = words[len("gewoon") :].strip()
            if special:
                chosen.add(BUITENGEWOON)
            if words in STAGES:
                chosen |= STAGES[words]
            elif words or not special:
                unknown.append(part.strip())
        if unknown:
            problem(
                "niveau",
                _("unknown level %(values)s; use kleuter, lager, basis, buitengewoon or secundair.")
                % {"values": ", ".join(f"“{u}”" for u in unknown)},
            )
        elif not chosen:
            problem("niveau", _("give at least one level (kleuter, lager, basis, buitengewoon or secundair)."))
        return {name: name in chosen for name in LEVEL_FIELDS}


# --- comparing and writing ------------------------------------------------------------------------


def plan_school_import(parsed: ParsedSchoolList) -> SchoolPlan:
    """Compare every valid line with the school that has its institution number. One query."""
    numbers = [row.institution_number for row in parsed.rows]
    existing = {
        school.institution_number: school
        for school in School.objects.filter(institution_number__in=numbers).select_related("municipality")
    }
    changes = []
    for row in parsed.rows:
        school = existing.get(row.institution_number)
        if school is None:
            new = {name: value for name, value in row.values.items() if value is not None}
            changes.append(
                SchoolChange(
                    line=row.line,
                    institution_number=row.institution_number,
                    name=row.values["name"],
                    action=Action.CREATE,
                    changes={name: [None, _plain(value)] for name, value in new.items()},
                )
            )
            continue
        diff = {}
        for name in IMPORTED_FIELDS:
            new = row.values[name]
            if new is None and name in ("latitude", "longitude"):
                continue  # an empty coordinate keeps the school's own
            old = getattr(school, name)
            if _plain(old) != _plain(new):
                diff[name] = [_plain(old), _plain(new)]
        changes.append(
            SchoolChange(
                line=row.line,
                institution_number=row.institution_number,
                name=row.values["name"],
                action=Action.UPDATE if diff else Action.UNCHANGED,
                changes=diff,
                school=school,
            )
        )
    return SchoolPlan(rows=parsed.rows, changes=changes, problems=list(parsed.problems))


def _plain(value: Any) -> Any:
    if hasattr(value, "_meta"):
        return str(value)
    return value


def apply_school_import(
    plan: SchoolPlan,
    *,
    by=None,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[SchoolChange, School]]:
    """Create and update the schools of a plan without problems; returns (change, school) for each
    school created or updated. Run it inside the caller's transaction (portal.data_imports).

    A new school from an official list is verified at once (verified_at now, verified_by the
    moderator who imported it, or nobody from the command line): the list is the source that a
    moderator would check a registration against.
    """
    if plan.problems:
        raise ValueError("A plan with problems cannot be applied.")
    rows = {row.institution_number: row for row in plan.rows}
    touched = []
    total = len(plan.changes)
    now = timezone.now()
    for done, change in enumerate(plan.changes, start=1):
        row = rows[change.institution_number]
        if change.action == Action.CREATE:
            school = School.objects.create(
                institution_number=row.institution_number,
                verified_at=now,
                verified_by=by if getattr(by, "is_authenticated", False) else None,
                **row.values,
            )
            change.school = school
            touched.append((change, school))
        elif change.action == Action.UPDATE:
            school = change.school
            if change.changes:  # without, only its CLB link changes (bridge.school_import)
                for name in change.changes:
                    setattr(school, name, row.values[name])
                school.save(update_fields=[*change.changes, "updated_at"])
            touched.append((change, school))
        if progress:
            progress(done, total)
    return touched

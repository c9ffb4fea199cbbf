"""The school list import: reading the CSV, checking every line, all or nothing, idempotence,
CLB links, and the `import_schools` command."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from bridge.models import CLBSchool
from portal.data_imports import import_school_list
from portal.models import AuditEvent
from schools.importer import parse_school_list
from schools.models import School
from tests import factories

HEADER = "instellingsnummer,naam,straat,postcode,nis_code,lat,lon,net,niveau,clb"
ROW = "123456,Basisschool De Regenboog,Schoolstraat 1,9100,46021,51.1656,4.1437,GO!,basis,"


def csv(*rows: str, header: str = HEADER, delimiter: str = ",") -> bytes:
    lines = [header, *rows]
    if delimiter != ",":
        lines = [line.replace(",", delimiter) for line in lines]
    return ("\n".join(lines) + "\n").encode()


def row(**changes: str) -> str:
    """ROW with some columns replaced, by column name."""
    names = HEADER.split(",")
    values = dict(zip(names, ROW.split(","), strict=True))
    values.update(changes)
    return ",".join(values[name] for name in names)


def problems_of(data: bytes) -> list[str]:
    with translation.override("en"):
        report = import_school_list(data, dry_run=True)
        return [str(p) for p in report.sorted_problems]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- reading ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_comma_separated_list_is_read():
    parsed = parse_school_list(csv(ROW))
    assert parsed.problems == []
    [school] = parsed.rows
    assert school.institution_number == "123456"
    assert school.values["name"] == "Basisschool De Regenboog"
    assert school.values["municipality"].nis_code == "46021"
    assert school.values["network"] == "GO"
    assert (school.values["level_kleuter"], school.values["level_lager"]) == (True, True)
    assert (school.values["latitude"], school.values["longitude"]) == (51.1656, 4.1437)


@pytest.mark.django_db
def test_semicolon_separated_list_with_decimal_commas_is_read():
    data = (
        HEADER.replace(",", ";") + "\n" + "123456;De Regenboog;Schoolstraat 1;9100;46021;51,1656;4,1437;GO;lager;\n"
    ).encode()
    parsed = parse_school_list(data)
    assert parsed.problems == []
    assert parsed.rows[0].values["latitude"] == 51.1656
    assert parsed.rows[0].values["longitude"] == 4.1437


@pytest.mark.django_db
def test_byte_order_mark_and_windows_line_ends_are_accepted():
    data = b"\xef\xbb\xbf" + csv(ROW).replace(b"\n", b"\r\n")
    parsed = parse_school_list(data)
    assert parsed.problems == []
    assert len(parsed.rows) == 1


@pytest.mark.django_db
def test_columns_in_another_order_and_capitals_and_without_optional_columns():
    header = "NAAM,Instellingsnummer,niveau,net,nis_code,postcode,straat"
    parsed = parse_school_list(csv("De Regenboog,123456,lager,OVSG,46021,9100,Schoolstraat 1", header=header))
    assert parsed.problems == []
    assert parsed.rows[0].values["latitude"] is None
    assert parsed.rows[0].clb_name == ""


@pytest.mark.django_db
def test_quoted_values_may_hold_the_delimiter():
    parsed = parse_school_list(csv(row(naam='"Basisschool Sint-Jozef, Belsele"', niveau='"kleuter, lager"')))
    assert parsed.problems == []
    assert parsed.rows[0].values["name"] == "Basisschool Sint-Jozef, Belsele"


@pytest.mark.django_db
def test_short_institution_number_gets_its_leading_zeros_back():
    parsed = parse_school_list(csv(row(instellingsnummer="1234")))
    assert parsed.rows[0].institution_number == "001234"


@pytest.mark.django_db
def test_blank_lines_are_skipped_but_line_numbers_stay_those_of_the_file():
    data = csv(ROW, "", row(instellingsnummer="123457", postcode="9999"))
    assert problems_of(data) == [
        "line 4: postcode: 9999 is not a postal code of Sint-Niklaas (its postal codes: 9100, 9111, 9112)."
    ]


@pytest.mark.parametrize(
    ("value", "network"),
    [
        ("GO!", "GO"),
        ("go", "GO"),
        ("Gemeenschapsonderwijs", "GO"),
        ("GO! onderwijs van de Vlaamse Gemeenschap", "GO"),
        ("OVSG", "OVSG"),
        ("stedelijk onderwijs", "OVSG"),
        ("POV", "POV"),
        ("Provinciaal Onderwijs", "POV"),
        ("KOV", "KOV"),
        ("Katholiek Onderwijs Vlaanderen", "KOV"),
        ("katholiek onderwijs", "KOV"),
    ],
)
@pytest.mark.django_db
def test_networks_in_common_spellings(value, network):
    parsed = parse_school_list(csv(row(net=value)))
    assert parsed.problems == []
    assert parsed.rows[0].values["network"] == network


@pytest.mark.parametrize(
    ("value", "levels"),
    [
        ("kleuter", {"level_kleuter"}),
        ("lager", {"level_lager"}),
        ("basis", {"level_kleuter", "level_lager"}),
        ("Basisonderwijs", {"level_kleuter", "level_lager"}),
        ("gewoon lager onderwijs", {"level_lager"}),
        ("kleuter|lager|buitengewoon", {"level_kleuter", "level_lager", "level_buitengewoon"}),
        ("buitengewoon", {"level_buitengewoon"}),
        ("buitengewoon lager onderwijs", {"level_buitengewoon", "level_lager"}),
        ("kleuteronderwijs / secundair onderwijs", {"level_kleuter", "level_secundair"}),
        ("nursery+primary", {"level_kleuter", "level_lager"}),
    ],
)
@pytest.mark.django_db
def test_levels_in_common_spellings(value, levels):
    parsed = parse_school_list(csv(row(niveau=f'"{value}"')))
    assert parsed.problems == []
    chosen = {name for name, on in parsed.rows[0].values.items() if name.startswith("level_") and on}
    assert chosen == levels


# --- every problem, with its line -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"instellingsnummer": ""}, "line 2: instellingsnummer: required."),
        (
            {"instellingsnummer": "12345A"},
            "line 2: instellingsnummer: “12345A” is not an institution number (six digits).",
        ),
        (
            {"instellingsnummer": "1234567"},
            "line 2: instellingsnummer: “1234567” is not an institution number (six digits).",
        ),
        ({"naam": ""}, "line 2: naam: required."),
        ({"naam": "x" * 201}, "line 2: naam: at most 200 characters (this has 201)."),
        ({"straat": ""}, "line 2: straat: required."),
        ({"postcode": "910"}, "line 2: postcode: “910” is not a Belgian postal code (four digits)."),
        ({"postcode": ""}, "line 2: postcode: required."),
        (
            {"postcode": "9000"},
            "line 2: postcode: 9000 is not a postal code of Sint-Niklaas (its postal codes: 9100, 9111, 9112).",
        ),
        (
            {"nis_code": "99999"},
            "line 2: nis_code: no municipality has NIS code “99999” "
            "(Brugwijzer uses the municipalities after the 2025 mergers).",
        ),
        ({"nis_code": ""}, "line 2: nis_code: required."),
        ({"lon": ""}, "line 2: lon: give both lat and lon, or neither."),
        ({"lat": ""}, "line 2: lat: give both lat and lon, or neither."),
        ({"lat": "noord"}, "line 2: lat: “noord” is not a number."),
        ({"lat": "nan"}, "line 2: lat: “nan” is not a number."),
        ({"lat": "91"}, "line 2: lat: 91 is out of range (-90 to 90)."),
        ({"lon": "-181"}, "line 2: lon: -181 is out of range (-180 to 180)."),
        (
            {"lat": "4.1437", "lon": "51.1656"},
            "line 2: lat: 4.1437, 51.1656 lies outside Belgium. Are lat and lon swapped?",
        ),
        ({"net": ""}, "line 2: net: required."),
        ({"net": "Steinerschool"}, "line 2: net: “Steinerschool” is not a network; give GO!, OVSG, POV or KOV."),
        (
            {"net": "Officieel gesubsidieerd onderwijs"},
            "line 2: net: “Officieel gesubsidieerd onderwijs” covers both municipal (OVSG) and provincial (POV) "
            "schools: give OVSG or POV.",
        ),
        (
            {"net": "Vrij gesubsidieerd onderwijs"},
            "line 2: net: “Vrij gesubsidieerd onderwijs” covers Catholic and other free schools: give KOV for a "
            "Catholic school. Brugwijzer has no network for other free schools yet.",
        ),
        ({"niveau": ""}, "line 2: niveau: give at least one level (kleuter, lager, basis, buitengewoon or secundair)."),
        (
            {"niveau": "lager|hoger"},
            "line 2: niveau: unknown level “hoger”; use kleuter, lager, basis, buitengewoon or secundair.",
        ),
    ],
)
@pytest.mark.django_db
def test_each_problem_is_reported_with_its_line_and_column(changes, problem):
    assert problems_of(csv(row(**changes))) == [problem]


@pytest.mark.django_db
def test_every_problem_of_every_line_is_reported_at_once():
    data = csv(ROW, row(instellingsnummer="123457", naam="", net="?"), row(instellingsnummer="123458", niveau="hoger"))
    assert problems_of(data) == [
        "line 3: naam: required.",
        "line 3: net: “?” is not a network; give GO!, OVSG, POV or KOV.",
        "line 4: niveau: unknown level “hoger”; use kleuter, lager, basis, buitengewoon or secundair.",
    ]


@pytest.mark.django_db
def test_same_institution_number_twice_is_an_error_on_the_second_line():
    data = csv(ROW, row(naam="Andere naam"), row(instellingsnummer="000123"), row(instellingsnummer="123"))
    assert problems_of(data) == [
        "line 3: instellingsnummer: 123456 is already on line 2.",
        "line 5: instellingsnummer: 000123 is already on line 4.",
    ]


@pytest.mark.django_db
def test_line_with_too_few_values():
    assert problems_of(csv(ROW, "123457,Naam,Straat")) == ["line 3: this line has 3 values, the header has 10 columns."]


@pytest.mark.django_db
def test_trailing_empty_values_are_tolerated():
    assert problems_of(csv(ROW + ",,")) == []


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "line 1: the file is empty."),
        (HEADER.encode() + b"\n", "line 2: there are no schools under the header."),
        (
            b"instellingsnummer,naam\n1,x\n",
            "line 1: missing columns: straat, postcode, nis_code, net, niveau. "
            "Separate the columns with commas or semicolons.",
        ),
        (
            (HEADER + ",website\n" + ROW + ",x\n").encode(),
            "line 1: unknown column “website”; the columns are: instellingsnummer, naam, straat, postcode, nis_code, "
            "lat, lon, net, niveau, clb.",
        ),
        ((HEADER + ",naam\n").encode(), "line 1: the column “naam” appears twice."),
        (
            b"PK\x03\x04rest-of-a-zip",
            "line 1: this is a spreadsheet (Excel) file, not CSV: save it as “CSV UTF-8” and upload that.",
        ),
        (
            csv(ROW) + b"123457,Caf\xe9,Straat,9100,46021,,,GO,lager,\n",
            "line 3: the file is not UTF-8 text: save it as “CSV UTF-8” (the text here cannot be read).",
        ),
    ],
)
@pytest.mark.django_db
def test_file_level_problems(data, problem):
    assert problems_of(data) == [problem]


# --- all or nothing, idempotent ---------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_verified_schools_and_audits_them(moderator):
    report = import_school_list(
        csv(ROW, row(instellingsnummer="123457", naam="De Boomgaard")), by=moderator, dry_run=False, source="lijst.csv"
    )
    assert report.applied
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    school = School.objects.get(institution_number="123456")
    assert school.is_verified
    assert school.verified_by == moderator
    assert school.municipality.nis_code == "46021"
    event = AuditEvent.objects.get(object_id=str(school.pk), content_type__model="school")
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == moderator
    assert event.changes["imported_from"] == "lijst.csv"
    assert event.changes["name"] == [None, "Basisschool De Regenboog"]


@pytest.mark.django_db
def test_a_bad_line_seven_means_nothing_is_written():
    rows = [row(instellingsnummer=f"20000{n}") for n in range(5)] + [row(instellingsnummer="200005", postcode="1000")]
    report = import_school_list(csv(*rows), dry_run=False)
    assert not report.applied
    assert [str(p) for p in report.problems] == [
        "line 7: postcode: 1000 is not a postal code of Sint-Niklaas (its postal codes: 9100, 9111, 9112)."
    ]
    assert not School.objects.filter(institution_number__startswith="20000").exists()
    assert not AuditEvent.objects.filter(content_type__model="school").exists()


@pytest.mark.django_db
def test_a_database_failure_halfway_rolls_back_the_schools_already_written(monkeypatch):
    from schools import importer

    real_create = School.objects.create
    calls = []

    def create_then_fail(**kwargs):
        calls.append(kwargs["institution_number"])
        if len(calls) == 3:
            from django.db import IntegrityError

            raise IntegrityError("simulated")
        return real_create(**kwargs)

    monkeypatch.setattr(importer.School.objects, "create", create_then_fail)
    report = import_school_list(csv(*[row(instellingsnummer=f"30000{n}") for n in range(4)]), dry_run=False)
    assert not report.applied
    assert "simulated" in str(report.problems[0])
    assert len(calls) == 3
    assert not School.objects.filter(institution_number__startswith="30000").exists()


@pytest.mark.django_db
def test_second_import_of_the_same_file_changes_nothing():
    clb = factories.CLBFactory(name="CLB Waasland")
    data = csv(row(clb=clb.name), row(instellingsnummer="123457"))
    import_school_list(data, dry_run=False)
    events = AuditEvent.objects.count()
    updated_at = School.objects.get(institution_number="123456").updated_at

    again = import_school_list(data, dry_run=False)
    assert again.applied
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events
    assert School.objects.get(institution_number="123456").updated_at == updated_at


@pytest.mark.django_db
def test_existing_school_is_updated_on_its_institution_number_and_keeps_what_the_list_lacks(moderator):
    school = factories.SchoolFactory(
        institution_number="123456",
        name="Oude naam",
        network="KOV",
        level_kleuter=False,
        level_lager=True,
        latitude=51.17,
        longitude=4.14,
        website="https://regenboog.test",
        verified_at=None,
    )
    report = import_school_list(csv(row(lat="", lon="")), by=moderator, dry_run=False)
    assert (report.created, report.updated) == (0, 1)
    school.refresh_from_db()
    assert school.name == "Basisschool De Regenboog"
    assert school.network == "GO"
    assert school.level_kleuter and school.level_lager
    assert (school.latitude, school.longitude) == (51.17, 4.14)
    assert school.website == "https://regenboog.test"
    assert school.verified_at is None  # an import never decides a pending verification
    event = AuditEvent.objects.get(object_id=str(school.pk), content_type__model="school")
    assert event.action == AuditEvent.Action.UPDATE
    assert event.changes["name"] == ["Oude naam", "Basisschool De Regenboog"]
    assert event.changes["network"] == ["KOV", "GO"]
    assert "latitude" not in event.changes


@pytest.mark.django_db
def test_dry_run_reports_the_changes_and_writes_nothing():
    factories.SchoolFactory(institution_number="123456", name="Oude naam")
    report = import_school_list(csv(ROW, row(instellingsnummer="123457")), dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    [update] = [c for c in report.changes if c.action == "update"]
    assert ("name", "Oude naam", "Basisschool De Regenboog") in [
        (label, old, new) for label, old, new in update.display()
    ]
    assert School.objects.filter(institution_number="123457").count() == 0
    assert School.objects.get(institution_number="123456").name == "Oude naam"


# --- CLB links --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_schools_are_linked_to_their_clb_by_name_without_regard_to_case():
    clb = factories.CLBFactory(name="CLB Waasland")
    import_school_list(csv(row(clb="clb  waasland")), dry_run=False)
    assert CLBSchool.objects.get(school__institution_number="123456").clb == clb


@pytest.mark.django_db
def test_a_new_clb_replaces_the_old_link_and_an_empty_one_keeps_it():
    old, new = factories.CLBFactory(name="CLB Oud"), factories.CLBFactory(name="CLB Nieuw")
    school = factories.SchoolFactory(institution_number="123456")
    other = factories.SchoolFactory(institution_number="123457")
    CLBSchool.objects.create(school=school, clb=old)
    CLBSchool.objects.create(school=other, clb=old)
    report = import_school_list(
        csv(
            row(naam=school.name, clb="CLB Nieuw", lat="51.1656", lon="4.1437"),
            row(instellingsnummer="123457", naam=other.name, clb=""),
        ),
        dry_run=False,
    )
    assert report.applied
    assert CLBSchool.objects.get(school=school).clb == new
    assert CLBSchool.objects.get(school=other).clb == old
    change = next(c for c in report.changes if c.institution_number == "123456")
    assert change.clb == ["CLB Oud", "CLB Nieuw"]
    event = AuditEvent.objects.get(object_id=str(school.pk), content_type__model="school")
    assert event.changes["clb"] == ["CLB Oud", "CLB Nieuw"]


@pytest.mark.django_db
def test_only_a_new_clb_counts_as_an_update():
    factories.CLBFactory(name="CLB Waasland")
    import_school_list(csv(ROW), dry_run=False)
    report = import_school_list(csv(row(clb="CLB Waasland")), dry_run=False)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)


@pytest.mark.django_db
def test_unknown_clb_is_an_error_on_its_line_and_nothing_is_written():
    factories.CLBFactory(name="CLB Waasland")
    data = csv(ROW, row(instellingsnummer="123457", clb="CLB Wasland"))
    report = import_school_list(data, dry_run=False)
    assert [str(p) for p in report.problems] == [
        "line 3: clb: no CLB called “CLB Wasland” in Brugwijzer. Did you mean “CLB Waasland”?"
    ]
    assert not School.objects.filter(institution_number__in=["123456", "123457"]).exists()


@pytest.mark.django_db
def test_unknown_clb_on_a_line_with_other_problems_is_reported_too():
    data = csv(row(naam="", clb="CLB Nergens"))
    assert problems_of(data) == ["line 2: clb: no CLB called “CLB Nergens” in Brugwijzer.", "line 2: naam: required."]


@pytest.mark.django_db
def test_clb_name_shared_by_two_clbs_is_an_error():
    factories.CLBFactory(name="CLB Regio")
    factories.CLBFactory(name="CLB regio")
    assert problems_of(csv(row(clb="CLB Regio"))) == [
        "line 2: clb: several CLBs are called “CLB Regio”; link this school to its CLB in the admin."
    ]


# --- the command ------------------------------------------------------------------------------------


@pytest.fixture
def list_file(tmp_path):
    def write(data: bytes, name: str = "scholen.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


@pytest.mark.django_db
def test_command_imports_and_reports(list_file, capsys):
    call_command("import_schools", list_file(csv(ROW, row(instellingsnummer="123457"))))
    out = capsys.readouterr().out
    assert "Schools imported from scholen.csv: 2 created, 0 updated, 0 unchanged." in out
    assert School.objects.filter(institution_number__in=["123456", "123457"]).count() == 2

    call_command("import_schools", list_file(csv(ROW, row(instellingsnummer="123457"))))
    assert "0 created, 0 updated, 2 unchanged." in capsys.readouterr().out


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(list_file, capsys):
    call_command("import_schools", list_file(csv(ROW)), "--dry-run", verbosity=2)
    out = capsys.readouterr().out
    assert "Dry run, nothing written: 1 created, 0 updated, 0 unchanged." in out
    assert "line 2: create 123456 Basisschool De Regenboog" in out
    assert not School.objects.filter(institution_number="123456").exists()


@pytest.mark.django_db
def test_command_prints_the_problems_and_fails(list_file, capsys):
    path = list_file(csv(ROW, row(instellingsnummer="123457", net="?")))
    with pytest.raises(CommandError, match="1 problem in scholen.csv; nothing was imported.") as raised:
        call_command("import_schools", path)
    assert raised.value.returncode == 1
    assert "line 3: net: “?” is not a network; give GO!, OVSG, POV or KOV." in capsys.readouterr().err
    assert not School.objects.filter(institution_number="123456").exists()


def test_command_reports_a_missing_file():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_schools", "/nonexistent/scholen.csv")

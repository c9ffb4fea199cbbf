"""export_hsds and import_hsds: what they write and print, and their exit codes."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.welfare.hsds import counts, directory, empty_the_welfare_field, foreign_service, normalised
from welfare import hsds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, payload, name="in.json"):
    path = tmp_path / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return path


def test_export_hsds_writes_a_json_array_of_valid_services(tmp_path):
    directory()
    out, _err = run("export_hsds", str(tmp_path / "out.json"))
    services = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(services) == 3
    assert all(hsds.schema_problems(service) == [] for service in services)
    assert out.strip() == f"Wrote 3 services to {tmp_path / 'out.json'}."


def test_export_hsds_to_an_unwritable_place_fails_with_status_1(tmp_path):
    with pytest.raises(CommandError) as raised:
        run("export_hsds", str(tmp_path / "missing-folder" / "out.json"))
    assert raised.value.returncode == 1
    assert "Cannot write" in str(raised.value)


def test_import_hsds_reads_the_export_back(tmp_path):
    directory()
    run("export_hsds", str(tmp_path / "out.json"))
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    empty_the_welfare_field()
    out, err = run("import_hsds", str(tmp_path / "out.json"))
    assert err == ""
    assert out.strip() == (
        "Imported out.json. organisations: 2 created, 0 updated, 0 unchanged; services: 3 created, 0 updated, "
        "0 unchanged; locations: 3 created, 0 updated, 0 unchanged."
    )
    assert normalised(hsds.export_services()) == normalised(exported)


def test_import_hsds_dry_run_lists_the_changes_and_writes_nothing(tmp_path):
    out, _err = run("import_hsds", str(write(tmp_path, [foreign_service()])), "--dry-run")
    assert "New offer “Speelpleinwerking” of “Jeugddienst Proefstad”." in out
    assert "Dry run, nothing written. organisations: 1 created" in out
    assert counts() == (0, 0, 0)


def test_import_hsds_with_a_bad_record_prints_record_path_and_problem_and_exits_with_1(tmp_path):
    service = foreign_service(description="")
    with pytest.raises(CommandError) as raised:
        run("import_hsds", str(write(tmp_path, [service])))
    assert raised.value.returncode == 1
    assert str(raised.value) == "1 problem in in.json; nothing was imported."
    assert counts() == (0, 0, 0)


def test_import_hsds_prints_errors_on_stderr(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_hsds", str(write(tmp_path, [foreign_service(description="")])), stderr=err)
    assert err.getvalue().strip() == (
        f"error: record {foreign_service()['id']} description: "
        "A Brugwijzer offer needs a description: the service has none."
    )


def test_import_hsds_prints_warnings_and_still_imports(tmp_path):
    service = foreign_service(url="https://speelplein.example.be")
    out, _err = run("import_hsds", str(write(tmp_path, [service])))
    assert f"warning: record {service['id']}: Brugwijzer has no place for these fields" in out
    assert counts() == (1, 0, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "in.json is not valid JSON (line 1, column 3"),
        ("", "in.json is not valid JSON (line 1, column 1"),
    ],
)
def test_import_hsds_refuses_a_file_that_is_not_json(tmp_path, content, message):
    with pytest.raises(CommandError) as raised:
        run("import_hsds", str(write(tmp_path, content)))
    assert raised.value.returncode == 1
    assert str(raised.value).startswith(message)


def test_import_hsds_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as raised:
        run("import_hsds", str(tmp_path / "nowhere.json"))
    assert raised.value.returncode == 1
    assert "Cannot read" in str(raised.value)


def test_import_hsds_of_an_official_example_that_does_not_map_exits_with_1(tmp_path):
    with pytest.raises(CommandError) as raised:
        run("import_hsds", str(hsds.SPEC_DIR / "examples" / "service_full.json"))
    assert raised.value.returncode == 1

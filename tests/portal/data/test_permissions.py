"""The permission matrix of the moderators' data pages (/beheer-data/): moderators only;
every other signed-in persona gets 403, anonymous visitors the login page."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal import data_jobs
from portal.data_imports import hsds_fingerprint, import_hsds, import_school_list
from portal.data_uploads import store_upload
from tests.permissions import LOGIN, Case, build_world, check_case, everyone, matrix_params

MODERATORS_ONLY = {**everyone(403), "anonymous": LOGIN}
MODERATORS_PAGE = {**MODERATORS_ONLY, "moderator": 200}
MODERATORS_ACT = {**MODERATORS_ONLY, "moderator": 302}

SCHOOL_LIST = (
    b"instellingsnummer;naam;straat;postcode;nis_code;lat;lon;net;niveau;clb\n"
    b"654321;Basisschool Matrix;Schoolplein 2;9100;46021;;;OVSG;lager;\n"
)
HSDS = [
    {
        "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a201",
        "name": "Matrixspeelplein",
        "description": "Speelplein in de zomervakantie.",
        "status": "active",
        "organization": {
            "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a202",
            "name": "Jeugddienst Matrix",
            "description": "De jeugddienst van de gemeente.",
        },
        "attributes": [
            {
                "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a203",
                "taxonomy_term": {
                    "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a204",
                    "code": "vrije-tijd",
                    "name": "vrije-tijd",
                    "description": "vrije-tijd",
                    "taxonomy": "brugwijzer-levensdomeinen",
                },
            }
        ],
        "service_areas": [{"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a205", "name": "Sint-Niklaas"}],
    }
]
HSDS_BYTES = json.dumps(HSDS).encode()


def _moderator(w):
    return w.users["organisation"]["moderator"]


def _upload(kind: str):
    """An upload of the world's moderator (made once per world): its token in the URL."""

    def kwargs(w) -> dict:
        key = f"upload-{kind}"
        if key not in w.extra:
            data = SCHOOL_LIST if kind == "schools" else HSDS_BYTES
            w.extra[key] = store_upload(data=data, kind=kind, name=f"matrix.{kind}", user=_moderator(w)).token
        return {"token": w.extra[key]}

    return kwargs


def _schools_confirmation(w) -> dict:
    return {"fingerprint": import_school_list(SCHOOL_LIST, dry_run=True).fingerprint}


def _hsds_confirmation(w) -> dict:
    return {"fingerprint": hsds_fingerprint(import_hsds(HSDS, by=None, dry_run=True))}


def _job(w) -> dict:
    if "job" not in w.extra:
        w.extra["job"] = data_jobs.start_job(
            kind="schools", user=_moderator(w), name="matrix.csv", work=lambda progress: {"ok": True}
        ).id
    return {"job_id": w.extra["job"]}


MATRIX = [
    Case("data:index", owner=None, get=MODERATORS_PAGE),
    Case(
        "data:schools_upload",
        owner=None,
        get=MODERATORS_PAGE,
        post=MODERATORS_ACT,
        data=lambda w: {"file": SimpleUploadedFile("matrix.csv", SCHOOL_LIST)},
    ),
    Case("data:schools_preview", owner=None, kwargs=_upload("schools"), get=MODERATORS_PAGE),
    Case(
        "data:schools_confirm",
        owner=None,
        kwargs=_upload("schools"),
        post=MODERATORS_ACT,
        data=_schools_confirmation,
    ),
    Case(
        "data:hsds_upload",
        owner=None,
        get=MODERATORS_PAGE,
        post=MODERATORS_ACT,
        data=lambda w: {"file": SimpleUploadedFile("matrix.json", HSDS_BYTES)},
    ),
    Case("data:hsds_preview", owner=None, kwargs=_upload("hsds"), get=MODERATORS_PAGE),
    Case("data:hsds_confirm", owner=None, kwargs=_upload("hsds"), post=MODERATORS_ACT, data=_hsds_confirmation),
    Case("data:hsds_export", owner=None, get=MODERATORS_PAGE),
    Case("data:discard", owner=None, kwargs=_upload("schools"), post=MODERATORS_ACT),
    Case("data:job", owner=None, kwargs=_job, get=MODERATORS_PAGE),
    Case("data:job", owner=None, kwargs=_job, get=MODERATORS_PAGE, htmx=True),
]


@pytest.fixture(autouse=True)
def isolated_imports(settings, tmp_path, monkeypatch):
    settings.BRUGWIJZER_IMPORT_DIR = tmp_path / "imports"
    monkeypatch.setattr(data_jobs, "RUN_IN_BACKGROUND", False)


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "method"), matrix_params(MATRIX))
def test_permission_matrix(case, persona, method):
    check_case(case, persona, method, build_world())


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["data:schools_confirm", "data:hsds_confirm"])
def test_a_moderators_confirmation_in_the_matrix_really_imports(url_name):
    """The matrix's 302 for a confirmation is a real import, not a redirect for another reason."""
    from django.test import Client

    from schools.models import School
    from welfare.models import Offer

    world = build_world()
    case = next(c for c in MATRIX if c.url_name == url_name)
    client = Client()
    client.force_login(_moderator(world))
    response = client.post(case.url(world), case.data(world))
    assert response["Location"].startswith("/beheer-data/import/")
    if url_name == "data:schools_confirm":
        assert School.objects.filter(institution_number="654321").exists()
    else:
        assert Offer.objects.filter(name="Matrixspeelplein").exists()

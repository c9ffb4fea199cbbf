"""The moderators' school list import: upload → preview (nothing written) → confirm → progress."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bridge.models import CLB
from portal import data_jobs
from portal.data_uploads import MAX_UPLOAD_BYTES
from portal.models import AuditEvent
from schools.models import School
from tests import factories

HEADER = "instellingsnummer;naam;straat;postcode;nis_code;lat;lon;net;niveau;clb"
GOOD = [
    "123456;Basisschool De Regenboog;Schoolstraat 1;9100;46021;51,1656;4,1437;GO!;basis;CLB Waasland",
    "123457;Vrije Basisschool Sint-Jozef;Dorpsstraat 2;9111;46021;;;KOV;kleuter|lager;",
]


def school_list(*rows: str, name: str = "scholen.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADER, *rows]) + "\n").encode(), content_type="text/csv")


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.BRUGWIJZER_IMPORT_DIR = tmp_path / "imports"
    return settings.BRUGWIJZER_IMPORT_DIR


@pytest.fixture(autouse=True)
def jobs_in_the_request(monkeypatch):
    monkeypatch.setattr(data_jobs, "RUN_IN_BACKGROUND", False)


@pytest.fixture
def clb(db):
    return factories.CLBFactory(name="CLB Waasland")


@pytest.fixture
def mod_client(en_client, moderator):
    en_client.force_login(moderator)
    return en_client


def stored_files(import_dir) -> list[str]:
    return sorted(p.name for p in import_dir.iterdir()) if import_dir.exists() else []


def upload(client, *rows: str, name: str = "scholen.csv"):
    return client.post(reverse("data:schools_upload"), {"file": school_list(*rows, name=name)})


def fingerprint(response) -> str:
    return re.search(r'name="fingerprint" value="([0-9a-f]{64})"', response.content.decode()).group(1)


def preview(client, *rows: str):
    response = upload(client, *rows)
    assert response.status_code == 302, response.content.decode()[:2000]
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return token, client.get(response["Location"])


def test_upload_page_explains_the_format(mod_client):
    response = mod_client.get(reverse("data:schools_upload"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "instellingsnummer" in html
    assert "A new school is created as verified" in html
    assert f'data-max-bytes="{MAX_UPLOAD_BYTES}"' in html


def test_preview_shows_the_changes_and_writes_nothing(mod_client, clb, import_dir):
    factories.SchoolFactory(institution_number="123456", name="Oude naam")
    schools, events = School.objects.count(), AuditEvent.objects.count()
    token, response = preview(mod_client, *GOOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check the import of “scholen.csv”" in html
    assert "Nothing has been changed yet." in html
    assert re.search(r"new schools</dt><dd>1<", html)
    assert re.search(r"schools that change</dt><dd>1<", html)
    assert "Oude naam" in html and "Basisschool De Regenboog" in html
    assert "CLB Waasland" in html
    assert "Import 2 schools" in html
    assert (School.objects.count(), AuditEvent.objects.count()) == (schools, events)
    assert stored_files(import_dir) == [f"{token}.json", f"{token}.upload"]


def test_a_file_with_problems_is_shown_with_them_and_not_kept(mod_client, clb, import_dir):
    response = upload(mod_client, GOOD[0], "123458;;Straat 3;9100;46021;;;GO;basis;CLB Nergens")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The file has 2 problems, listed below. Nothing was imported." in html
    assert 'href="#id_file"' in html  # the error summary links to the field
    assert "No CLB called “CLB Nergens” in Brugwijzer." in html
    assert re.search(r"<th scope=\"row\">3</th>\s*<td><code>naam</code></td>\s*<td>Required.</td>", html)
    assert stored_files(import_dir) == []
    assert not School.objects.filter(institution_number="123456").exists()


def test_too_large_upload_is_refused_with_a_clear_message(mod_client, import_dir):
    big = SimpleUploadedFile("groot.csv", b"x" * (MAX_UPLOAD_BYTES + 1), content_type="text/csv")
    response = mod_client.post(reverse("data:schools_upload"), {"file": big})
    assert response.status_code == 200
    assert "This file is 5.0\xa0MB: the largest file you can upload is 5.0\xa0MB." in response.content.decode()
    assert stored_files(import_dir) == []


def test_missing_and_empty_files_are_explained(mod_client):
    response = mod_client.post(reverse("data:schools_upload"), {})
    assert "Choose a file to upload." in response.content.decode()
    response = mod_client.post(reverse("data:schools_upload"), {"file": SimpleUploadedFile("leeg.csv", b"")})
    assert "The file is empty." in response.content.decode()


def test_confirm_imports_and_shows_the_summary(mod_client, clb, moderator, import_dir):
    token, response = preview(mod_client, *GOOD)
    confirm = mod_client.post(reverse("data:schools_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    assert confirm.status_code == 302
    assert confirm["Location"].startswith("/beheer-data/import/")
    assert School.objects.filter(institution_number__in=["123456", "123457"]).count() == 2
    school = School.objects.get(institution_number="123456")
    assert school.clbs.get() == clb
    assert school.verified_by == moderator
    assert AuditEvent.objects.filter(content_type__model="school", actor=moderator).count() == 2
    assert stored_files(import_dir) == []

    done = mod_client.get(confirm["Location"])
    html = done.content.decode()
    assert "The import is done" in html
    assert "2 schools created, 0 changed, 0 already up to date." in html
    assert 'hx-trigger="every 1s"' not in html


def test_confirming_twice_imports_once(mod_client, clb):
    token, response = preview(mod_client, *GOOD)
    url = reverse("data:schools_confirm", args=[token])
    mod_client.post(url, {"fingerprint": fingerprint(response)})
    again = mod_client.post(url, {"fingerprint": fingerprint(response)}, follow=True)
    assert "This upload is no longer available" in again.content.decode()
    assert School.objects.filter(institution_number="123456").count() == 1


def test_a_stored_file_changed_after_the_preview_is_not_imported(mod_client, clb, import_dir):
    token, response = preview(mod_client, *GOOD)
    (import_dir / f"{token}.upload").write_bytes(
        ("\n".join([HEADER, GOOD[0].replace("Regenboog", "Zonnebloem")]) + "\n").encode()
    )
    confirm = mod_client.post(reverse("data:schools_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("data:schools_upload")
    page = mod_client.get(confirm["Location"]).content.decode()
    assert "The stored copy of “scholen.csv” changed after you uploaded it" in page
    assert not School.objects.filter(institution_number="123456").exists()
    assert stored_files(import_dir) == []


def test_data_changed_between_preview_and_confirm_shows_a_new_preview(mod_client, clb):
    token, response = preview(mod_client, *GOOD)
    factories.SchoolFactory(institution_number="123457", name="Intussen geregistreerd")
    confirm = mod_client.post(reverse("data:schools_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Brugwijzer changed since your preview" in html
    assert "Intussen geregistreerd" in html
    assert not School.objects.filter(institution_number="123456").exists()
    assert School.objects.get(institution_number="123457").name == "Intussen geregistreerd"

    applied = mod_client.post(reverse("data:schools_confirm", args=[token]), {"fingerprint": fingerprint(confirm)})
    assert applied.status_code == 302
    assert School.objects.get(institution_number="123457").name == "Vrije Basisschool Sint-Jozef"


def test_a_file_that_became_invalid_is_revalidated_on_confirm(mod_client, clb):
    token, response = preview(mod_client, *GOOD)
    CLB.objects.filter(pk=clb.pk).update(name="CLB Waasland-Noord")
    confirm = mod_client.post(reverse("data:schools_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "This file cannot be imported any more" in html
    assert "No CLB called “CLB Waasland” in Brugwijzer." in html
    assert not School.objects.filter(institution_number__in=["123456", "123457"]).exists()


def test_a_forged_fingerprint_imports_nothing(mod_client, clb):
    token, _response = preview(mod_client, *GOOD)
    confirm = mod_client.post(reverse("data:schools_confirm", args=[token]), {"fingerprint": "0" * 64})
    assert confirm.status_code == 200
    assert not School.objects.filter(institution_number="123456").exists()


def test_the_job_checks_the_fingerprint_again_inside_its_transaction(mod_client, clb, monkeypatch):
    """Between the view's check and the job's transaction, data can still change."""
    from portal import data_views

    token, response = preview(mod_client, *GOOD)
    real = data_jobs.start_job

    def change_first(**kwargs):
        factories.SchoolFactory(institution_number="123457", name="Net op tijd")
        return real(**kwargs)

    monkeypatch.setattr(data_views.data_jobs, "start_job", change_first)
    confirm = mod_client.post(reverse("data:schools_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    html = mod_client.get(confirm["Location"]).content.decode()
    assert "Brugwijzer changed between your confirmation and the start of the import" in html
    assert not School.objects.filter(institution_number="123456").exists()


def test_nothing_to_import_offers_no_confirmation(mod_client, clb):
    from portal.data_imports import import_school_list

    token, _ = preview(mod_client, *GOOD)
    import_school_list(("\n".join([HEADER, *GOOD]) + "\n").encode(), dry_run=False)
    html = mod_client.get(reverse("data:schools_preview", args=[token])).content.decode()
    assert "Nothing to import: every school in this file already matches Brugwijzer." in html
    assert "fingerprint" not in html


def test_another_moderators_upload_is_not_available(mod_client, clb):
    token, response = preview(mod_client, *GOOD)
    other = factories.UserFactory(email="andere-moderator@brugwijzer.test", is_moderator=True)
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(other)
    page = client.get(reverse("data:schools_preview", args=[token]), follow=True)
    assert "This upload is no longer available" in page.content.decode()
    client.post(reverse("data:schools_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    assert not School.objects.filter(institution_number="123456").exists()


def test_a_token_that_is_not_one_is_just_not_found(mod_client):
    response = mod_client.get(reverse("data:schools_preview", args=["..%2F..%2Fetc%2Fpasswd"]), follow=True)
    assert "This upload is no longer available" in response.content.decode()


def test_discard_removes_the_upload(mod_client, clb, import_dir):
    token, _ = preview(mod_client, *GOOD)
    response = mod_client.post(reverse("data:discard", args=[token]), follow=True)
    assert "“scholen.csv” was discarded; nothing was imported." in response.content.decode()
    assert stored_files(import_dir) == []
    again = mod_client.post(reverse("data:discard", args=[token]), follow=True)
    assert "This upload was already imported or discarded." in again.content.decode()


def test_index_lists_my_waiting_uploads_only(mod_client, clb, moderator):
    token, _ = preview(mod_client, *GOOD)
    from portal.data_uploads import store_upload

    other = factories.UserFactory(email="andere-moderator@brugwijzer.test", is_moderator=True)
    store_upload(data=b"{}", kind="hsds", name="niet-van-mij.json", user=other)
    html = mod_client.get(reverse("data:index")).content.decode()
    assert reverse("data:schools_preview", args=[token]) in html
    assert "niet-van-mij.json" not in html


def test_index_without_uploads_says_so(mod_client):
    html = mod_client.get(reverse("data:index")).content.decode()
    assert "No uploads are waiting." in html
    assert reverse("data:hsds_export") in html


def test_preview_pages_through_many_changes(mod_client):
    rows = [f"{200000 + n};School {n};Straat {n};9100;46021;;;GO;lager;" for n in range(120)]
    token, response = preview(mod_client, *rows)
    assert response.content.decode().count('<th scope="row">School ') == 50
    last = mod_client.get(reverse("data:schools_preview", args=[token]), {"page": 3})
    assert last.content.decode().count('<th scope="row">School ') == 20


def test_preview_query_count_does_not_grow_with_the_file(mod_client, django_assert_max_num_queries):
    few = [f"{200000 + n};School {n};Straat {n};9100;46021;;;GO;lager;" for n in range(3)]
    many = [f"{300000 + n};School {n};Straat {n};9100;46021;;;GO;lager;" for n in range(30)]
    token_few, _ = preview(mod_client, *few)
    token_many, _ = preview(mod_client, *many)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        mod_client.get(reverse("data:schools_preview", args=[token_few]))
    with CaptureQueriesContext(connection) as large:
        mod_client.get(reverse("data:schools_preview", args=[token_many]))
    assert len(large) == len(small)

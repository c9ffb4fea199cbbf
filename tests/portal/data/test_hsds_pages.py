"""The moderators' HSDS import (upload → preview → confirm → progress) and export download."""

import copy
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal import data_jobs
from portal.data_uploads import MAX_UPLOAD_BYTES
from portal.models import AuditEvent
from tests import factories
from welfare.models import Offer, Organisation

SERVICE = {
    "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a101",
    "name": "Speelpleinwerking",
    "description": "Speelplein in de zomervakantie.",
    "status": "active",
    "organization": {
        "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a102",
        "name": "Jeugddienst Proefstad",
        "description": "De jeugddienst van de gemeente.",
    },
    "attributes": [
        {
            "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a103",
            "taxonomy_term": {
                "id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a104",
                "code": "vrije-tijd",
                "name": "vrije-tijd",
                "description": "vrije-tijd",
                "taxonomy": "brugwijzer-levensdomeinen",
            },
        }
    ],
    "service_areas": [{"id": "5b0e5a4e-8c1f-4f39-9d55-0c5bb0c1a105", "name": "Sint-Niklaas"}],
}


def hsds_file(payload, name: str = "diensten.json") -> SimpleUploadedFile:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.BRUGWIJZER_IMPORT_DIR = tmp_path / "imports"
    return settings.BRUGWIJZER_IMPORT_DIR


@pytest.fixture(autouse=True)
def jobs_in_the_request(monkeypatch):
    monkeypatch.setattr(data_jobs, "RUN_IN_BACKGROUND", False)


@pytest.fixture
def mod_client(en_client, moderator):
    en_client.force_login(moderator)
    return en_client


def stored_files(import_dir) -> list[str]:
    return sorted(p.name for p in import_dir.iterdir()) if import_dir.exists() else []


def preview(client, payload):
    response = client.post(reverse("data:hsds_upload"), {"file": hsds_file(payload)})
    assert response.status_code == 302, response.content.decode()[-3000:]
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return token, client.get(response["Location"])


def fingerprint(response) -> str:
    return re.search(r'name="fingerprint" value="([0-9a-f]{64})"', response.content.decode()).group(1)


def test_upload_page(mod_client):
    html = mod_client.get(reverse("data:hsds_upload")).content.decode()
    assert "Import an HSDS file" in html
    assert 'accept=".json,application/json"' in html


def test_preview_counts_what_would_change_and_writes_nothing(mod_client):
    organisations, offers, events = Organisation.objects.count(), Offer.objects.count(), AuditEvent.objects.count()
    _token, response = preview(mod_client, [SERVICE])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check the import of “diensten.json”" in html
    assert re.search(r'<th scope="row">Organisations</th><td>1</td><td>0</td><td>0</td>', html)
    assert re.search(r'<th scope="row">Offers \(HSDS services\)</th><td>1</td><td>0</td><td>0</td>', html)
    assert "Speelpleinwerking" in html
    assert "Import these changes" in html
    assert (Organisation.objects.count(), Offer.objects.count(), AuditEvent.objects.count()) == (
        organisations,
        offers,
        events,
    )


def test_invalid_json_is_explained_and_not_kept(mod_client, import_dir):
    response = mod_client.post(reverse("data:hsds_upload"), {"file": hsds_file(b'[{"name": "x",}]')})
    assert response.status_code == 200
    assert "The file is not valid JSON: line 1, column 1" in response.content.decode()  # 14 or 15 by Python version
    assert stored_files(import_dir) == []


def test_a_file_that_is_not_utf8_is_explained(mod_client):
    response = mod_client.post(reverse("data:hsds_upload"), {"file": hsds_file(b'[{"name": "Caf\xe9"}]')})
    assert "The file is not UTF-8 text (line 1)." in response.content.decode()


def test_hsds_problems_are_listed_by_record_and_nothing_is_kept(mod_client, import_dir):
    broken = copy.deepcopy(SERVICE)
    del broken["name"]
    response = mod_client.post(reverse("data:hsds_upload"), {"file": hsds_file([broken])})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"The file has \d+ problems?, listed below. Nothing was imported.", html)
    assert f"<code>{SERVICE['id']}</code>" in html
    assert stored_files(import_dir) == []
    assert not Organisation.objects.filter(name="Jeugddienst Proefstad").exists()


def test_too_large_hsds_upload_is_refused(mod_client, import_dir):
    big = SimpleUploadedFile("groot.json", b" " * (MAX_UPLOAD_BYTES + 1))
    response = mod_client.post(reverse("data:hsds_upload"), {"file": big})
    assert "the largest file you can upload is 5.0\xa0MB" in response.content.decode()
    assert stored_files(import_dir) == []


def test_confirm_imports_with_the_moderator_in_the_audit_log(mod_client, moderator, import_dir):
    token, response = preview(mod_client, [SERVICE])
    confirm = mod_client.post(reverse("data:hsds_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    assert confirm.status_code == 302
    organisation = Organisation.objects.get(name="Jeugddienst Proefstad")
    assert Offer.objects.filter(organisation=organisation, name="Speelpleinwerking").exists()
    assert AuditEvent.objects.filter(actor=moderator, content_type__model="organisation").exists()
    assert stored_files(import_dir) == []
    html = mod_client.get(confirm["Location"]).content.decode()
    assert "The import is done" in html
    assert re.search(r'<th scope="row">Organisations</th><td>1</td><td>0</td><td>0</td>', html)


def test_switching_language_between_preview_and_confirm_still_imports(mod_client):
    """The fingerprint is of what would change, not of the sentences that describe it."""
    token, response = preview(mod_client, [SERVICE])
    mod_client.cookies["django_language"] = "nl-be"
    confirm = mod_client.post(reverse("data:hsds_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    assert confirm.status_code == 302, confirm.content.decode()[-2000:]
    assert Offer.objects.filter(name="Speelpleinwerking", organisation__name="Jeugddienst Proefstad").exists()


def test_same_file_again_has_nothing_to_import(mod_client):
    token, response = preview(mod_client, [SERVICE])
    mod_client.post(reverse("data:hsds_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    _token, again = preview(mod_client, [SERVICE])
    html = again.content.decode()
    assert "Nothing to import: everything in this file already matches Brugwijzer." in html
    assert "fingerprint" not in html


def test_changes_between_preview_and_confirm_show_a_new_preview(mod_client):
    token, response = preview(mod_client, [SERVICE])
    factories.OrganisationFactory(name="Intussen", external_id=SERVICE["organization"]["id"])
    confirm = mod_client.post(reverse("data:hsds_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    assert confirm.status_code == 200
    assert "Brugwijzer changed since your preview" in confirm.content.decode()
    assert not Offer.objects.filter(name="Speelpleinwerking").exists()


def test_a_stored_file_changed_after_the_preview_is_not_imported(mod_client, import_dir):
    token, response = preview(mod_client, [SERVICE])
    (import_dir / f"{token}.upload").write_bytes(json.dumps([{**SERVICE, "name": "Iets anders"}]).encode())
    confirm = mod_client.post(reverse("data:hsds_confirm", args=[token]), {"fingerprint": fingerprint(response)})
    assert confirm["Location"] == reverse("data:hsds_upload")
    assert not Offer.objects.filter(name__in=["Speelpleinwerking", "Iets anders"]).exists()
    assert stored_files(import_dir) == []


def test_export_downloads_every_public_offer_as_a_dated_json_file(mod_client):
    offer = factories.OfferFactory(name="Huiswerkklas Export")
    response = mod_client.get(reverse("data:hsds_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="brugwijzer-hsds-{timezone.localdate():%Y-%m-%d}.json"'
    )
    services = json.loads(response.content)
    assert offer.name in [service["name"] for service in services]

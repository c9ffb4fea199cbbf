"""Uploaded files kept between preview and confirmation: owner, integrity, once only, expiry."""

import os
import threading
import time

import pytest
from django.utils import translation

from portal import data_jobs
from portal.data_uploads import (
    UploadChanged,
    UploadGone,
    claim_upload,
    get_upload,
    read_upload,
    store_upload,
    uploads_of,
)
from tests import factories


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.BRUGWIJZER_IMPORT_DIR = tmp_path / "imports"
    return settings.BRUGWIJZER_IMPORT_DIR


@pytest.fixture
def owner(db):
    return factories.UserFactory(email="moderator@brugwijzer.test", is_moderator=True)


def test_an_upload_is_read_back_only_by_its_owner_and_for_its_kind(owner):
    upload = store_upload(data=b"a;b\n", kind="schools", name="C:\\Users\\eva\\scholen.csv", user=owner)
    assert upload.name == "scholen.csv"
    assert read_upload(get_upload(upload.token, kind="schools", user=owner)) == b"a;b\n"
    other = factories.UserFactory(email="ander@brugwijzer.test", is_moderator=True)
    with pytest.raises(UploadGone):
        get_upload(upload.token, kind="schools", user=other)
    with pytest.raises(UploadGone):
        get_upload(upload.token, kind="hsds", user=owner)


def test_the_directory_is_private(owner, import_dir):
    store_upload(data=b"x", kind="schools", name="s.csv", user=owner)
    assert oct(import_dir.stat().st_mode & 0o777) == "0o700"


def test_a_changed_file_is_refused(owner, import_dir):
    upload = store_upload(data=b"origineel", kind="schools", name="s.csv", user=owner)
    (import_dir / f"{upload.token}.upload").write_bytes(b"gewijzigd")
    with pytest.raises(UploadChanged):
        read_upload(upload)
    with pytest.raises(UploadChanged):
        claim_upload(upload)
    assert list(import_dir.iterdir()) == []


def test_a_file_is_claimed_once(owner, import_dir):
    upload = store_upload(data=b"x", kind="schools", name="s.csv", user=owner)
    assert claim_upload(upload) == b"x"
    with pytest.raises(UploadGone):
        claim_upload(upload)
    assert list(import_dir.iterdir()) == []


@pytest.mark.parametrize("token", ["../../etc/passwd", "", "a" * 21, "a" * 22 + "/"])
def test_tokens_that_are_not_ours_are_not_found(owner, token):
    with pytest.raises(UploadGone):
        get_upload(token, kind="schools", user=owner)


def test_uploads_expire_after_a_day(owner, import_dir, monkeypatch):
    old = store_upload(data=b"oud", kind="schools", name="oud.csv", user=owner)
    day_ago = time.time() - 25 * 3600
    for path in import_dir.iterdir():
        os.utime(path, (day_ago, day_ago))
    fresh = store_upload(data=b"nieuw", kind="hsds", name="nieuw.json", user=owner)  # storing cleans up
    assert sorted(p.name for p in import_dir.iterdir()) == sorted([f"{fresh.token}.upload", f"{fresh.token}.json"])
    assert [u.token for u in uploads_of(owner)] == [fresh.token]
    with pytest.raises(UploadGone):
        get_upload(old.token, kind="schools", user=owner)


def test_an_upload_past_its_lifetime_is_gone_even_before_cleanup(owner, monkeypatch):
    import datetime

    from django.utils import timezone

    upload = store_upload(data=b"x", kind="schools", name="s.csv", user=owner)
    later = timezone.now() + datetime.timedelta(days=1, minutes=1)
    monkeypatch.setattr("portal.data_uploads.timezone.now", lambda: later)
    with pytest.raises(UploadGone):
        get_upload(upload.token, kind="schools", user=owner)


def test_a_background_job_speaks_the_language_of_the_request(owner, monkeypatch):
    monkeypatch.setattr(data_jobs, "RUN_IN_BACKGROUND", True)
    with translation.override("en"):
        job = data_jobs.start_job(
            kind="hsds", user=owner, name="x.json", work=lambda progress: {"language": translation.get_language()}
        )
    for thread in threading.enumerate():
        if thread.name == f"data-import-{job.id}":
            thread.join(timeout=10)
    assert data_jobs.get_job(job.id, user=owner).result == {"language": "en"}

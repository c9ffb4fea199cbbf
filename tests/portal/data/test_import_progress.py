"""Progress of a confirmed import: the job state in the cache, the polling page, the thread."""

import datetime
import threading

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import data_jobs
from portal.data_imports import import_school_list
from schools.models import School
from tests import factories

HEADER = "instellingsnummer,naam,straat,postcode,nis_code,lat,lon,net,niveau,clb"


def school_list(count: int, clb: str = "") -> bytes:
    rows = [f"{400000 + n},School {n},Straat {n},9100,46021,,,GO,lager,{clb}" for n in range(count)]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def mod_client(en_client, moderator):
    en_client.force_login(moderator)
    return en_client


@pytest.fixture(autouse=True)
def jobs_in_the_request(monkeypatch):
    monkeypatch.setattr(data_jobs, "RUN_IN_BACKGROUND", False)


@pytest.mark.django_db
def test_import_reports_each_phase_honestly():
    factories.CLBFactory(name="CLB Waasland")
    seen = []
    report = import_school_list(school_list(3, clb="CLB Waasland"), dry_run=False, progress=lambda *p: seen.append(p))
    assert report.applied
    assert seen == [
        ("check", 0, 0),
        ("schools", 1, 3),
        ("schools", 2, 3),
        ("schools", 3, 3),
        ("clbs", 0, 1),
        ("clbs", 1, 1),
        ("log", 1, 3),
        ("log", 2, 3),
        ("log", 3, 3),
    ]


@pytest.mark.django_db
def test_job_keeps_its_progress_in_the_cache_while_it_runs(moderator):
    states = []

    def work(progress):
        progress("schools", 1, 4)
        progress("schools", 4, 4)
        states.append(data_jobs.get_job(job_id[0], user=moderator))
        return {"ok": True}

    job_id = []
    real_save = data_jobs._save

    def remember(job):
        job_id[:] = [job.id]
        real_save(job)

    import unittest.mock

    with unittest.mock.patch.object(data_jobs, "_save", remember):
        job = data_jobs.start_job(kind="schools", user=moderator, name="x.csv", work=work)
    assert (states[0].phase, states[0].done, states[0].total, states[0].percent) == ("schools", 4, 4, 100)
    assert states[0].state == data_jobs.RUNNING
    finished = data_jobs.get_job(job.id, user=moderator)
    assert finished.state == data_jobs.DONE
    assert finished.result == {"ok": True}


@pytest.mark.django_db
def test_a_job_belongs_to_who_started_it(moderator, mod_client):
    job = data_jobs.start_job(kind="schools", user=moderator, name="x.csv", work=lambda progress: {"ok": True})
    other = factories.UserFactory(email="andere-moderator@brugwijzer.test", is_moderator=True)
    assert data_jobs.get_job(job.id, user=other) is None
    mod_client.force_login(other)
    assert mod_client.get(reverse("data:job", args=[job.id])).status_code == 404


@pytest.mark.parametrize("job_id", ["\x00", "x" * 300, "../etc", "a b"])
def test_a_job_id_start_job_never_makes_is_not_looked_up(moderator, mod_client, job_id, recwarn):
    assert data_jobs.get_job(job_id, user=moderator) is None
    assert not [w for w in recwarn if "CacheKeyWarning" in type(w.message).__name__]


@pytest.mark.django_db
def test_a_failing_job_says_so_and_logs_it(moderator, mod_client, caplog):
    def work(progress):
        raise RuntimeError("disk full")

    job = data_jobs.start_job(kind="schools", user=moderator, name="x.csv", work=work)
    assert data_jobs.get_job(job.id, user=moderator).state == data_jobs.FAILED
    assert "disk full" in caplog.text
    html = mod_client.get(reverse("data:job", args=[job.id])).content.decode()
    assert "The import failed" in html
    assert "Nothing was imported." in html


def _running_job(moderator, **changes) -> data_jobs.Job:
    job = data_jobs.Job(
        id="a" * 22,
        kind="schools",
        user_id=moderator.pk,
        name="scholen.csv",
        phase="schools",
        done=1200,
        total=2400,
        started_at=timezone.now().isoformat(),
    )
    for name, value in changes.items():
        setattr(job, name, value)
    data_jobs._save(job)
    return job


@pytest.mark.django_db
def test_running_job_page_polls_a_status_region(moderator, mod_client):
    job = _running_job(moderator)
    html = mod_client.get(reverse("data:job", args=[job.id])).content.decode()
    assert 'role="status"' in html
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="{reverse("data:job", args=[job.id])}"' in html
    assert '<progress class="job-progress" max="2400" value="1200"' in html
    assert "1,200 of 2,400 (50%)" in html
    assert 'data-announce="Saving schools: 50%"' in html
    assert f'href="{reverse("data:job", args=[job.id])}"' in html  # works without JS


@pytest.mark.django_db
def test_polling_gets_only_the_status_region(moderator, mod_client):
    job = _running_job(moderator, done=600)
    response = mod_client.get(reverse("data:job", args=[job.id]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<div id="job-status"')
    assert 'data-announce="Saving schools: 25%"' in html
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_finished_job_stops_polling(moderator, mod_client):
    job = _running_job(moderator, state=data_jobs.DONE, result={"ok": True, "created": 3, "updated": 1, "unchanged": 0})
    html = mod_client.get(reverse("data:job", args=[job.id]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html
    assert "3 schools created, 1 changed, 0 already up to date." in html
    assert 'data-announce="The import is done."' in html


@pytest.mark.django_db
def test_a_job_silent_for_minutes_is_reported_as_stopped(moderator, mod_client):
    job = _running_job(moderator)
    state = data_jobs.cache.get(data_jobs._key(job.id))
    state["updated_at"] = (timezone.now() - datetime.timedelta(minutes=6)).isoformat()
    data_jobs.cache.set(data_jobs._key(job.id), state)
    html = mod_client.get(reverse("data:job", args=[job.id])).content.decode()
    assert "The import stopped" in html
    assert "hx-trigger" not in html


@pytest.mark.django_db(transaction=True)
def test_an_import_runs_in_a_background_thread_with_its_own_connection(monkeypatch):
    """The real thing: a thread with its own database connection and transaction. (The pages
    start it the same way; the request is left out here because in-memory SQLite in tests locks
    whole tables, so the request's own session write could collide with the thread's.)"""
    monkeypatch.setattr(data_jobs, "RUN_IN_BACKGROUND", True)
    moderator = factories.UserFactory(email="moderator@brugwijzer.test", is_moderator=True)

    def work(progress):
        report = import_school_list(school_list(25), by=moderator, dry_run=False, progress=progress)
        return {"created": report.created, "thread": threading.current_thread().name}

    job = data_jobs.start_job(kind="schools", user=moderator, name="s.csv", work=work)
    for thread in threading.enumerate():
        if thread.name == f"data-import-{job.id}":
            thread.join(timeout=60)
    finished = data_jobs.get_job(job.id, user=moderator)
    assert finished.state == data_jobs.DONE, finished
    assert finished.result == {"created": 25, "thread": f"data-import-{job.id}"}
    assert School.objects.filter(institution_number__startswith="400").count() == 25

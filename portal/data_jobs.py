"""Imports that run while the moderator watches their progress.

A confirmed import runs in a thread of the web process, with its own database connection and its
own transaction (all or nothing), and writes how far it is to the cache; the progress page polls
that state. At Brugwijzer's scale (a few thousand schools) this needs no task queue.

What it relies on, and what production needs:
- the default cache (LocMemCache) lives in one process. With several worker processes, configure
  a shared cache (Redis, Memcached or the database cache), or a progress poll that reaches another
  worker answers "not found".
- a process that stops (a restart, a deploy) takes its running import with it. The transaction then
  rolls back, and the progress page says so once no progress was reported for STALE_AFTER.

Tests set RUN_IN_BACKGROUND to False: the job then runs inside the request, the same code path
minus the thread.
"""

import datetime
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

RUN_IN_BACKGROUND = True
JOB_TTL = 60 * 60 * 24
STALE_AFTER = datetime.timedelta(minutes=5)
_REPORT_EVERY = 0.25  # seconds between progress writes to the cache

RUNNING, DONE, FAILED = "running", "done", "failed"
ProgressFn = Callable[[str, int, int], None]


@dataclass
class Job:
    id: str
    kind: str
    user_id: int
    name: str
    state: str = RUNNING
    phase: str = ""
    done: int = 0
    total: int = 0
    started_at: str = ""
    updated_at: str = ""
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state != RUNNING

    @property
    def lost(self) -> bool:
        """Running, but silent for too long: its process has most likely stopped."""
        updated = datetime.datetime.fromisoformat(self.updated_at)
        return self.state == RUNNING and timezone.now() - updated > STALE_AFTER

    @property
    def started(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.started_at)


_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _key(job_id: str) -> str:
    return f"brugwijzer:data-job:{job_id}"


def _save(job: Job) -> None:
    job.updated_at = timezone.now().isoformat()
    cache.set(_key(job.id), asdict(job), JOB_TTL)


def get_job(job_id: str, *, user) -> Job | None:
    """The job, if it exists and was started by `user`."""
    if not _JOB_ID.fullmatch(job_id):
        return None  # not an id start_job makes: never a cache key
    state = cache.get(_key(job_id))
    if not state or state.get("user_id") != user.pk:
        return None
    return Job(**state)


def start_job(*, kind: str, user, name: str, work: Callable[[ProgressFn], dict[str, Any]]) -> Job:
    """Run `work(progress)` and keep its plain-data result on the job. `work` must do all its
    writing in one transaction: a failure leaves nothing behind."""
    now = timezone.now().isoformat()
    job = Job(id=secrets.token_urlsafe(16), kind=kind, user_id=user.pk, name=name, started_at=now)
    _save(job)
    last_write = [0.0]

    def progress(phase: str, done: int, total: int) -> None:
        moment = time.monotonic()
        if phase != job.phase or done >= total or moment - last_write[0] >= _REPORT_EVERY:
            job.phase, job.done, job.total = phase, done, total
            last_write[0] = moment
            _save(job)

    language = translation.get_language()

    def run() -> None:
        try:
            # The thread speaks the moderator's language: messages, and the HSDS change list that a
            # confirmation compares with the preview's.
            with translation.override(language):
                job.result = work(progress)
            job.state = DONE
        except Exception:  # noqa: BLE001 - whatever went wrong, the moderator must learn it stopped
            logger.exception("Data import %s (%s) failed", job.id, kind)
            job.state = FAILED
        finally:
            _save(job)
            if RUN_IN_BACKGROUND:
                connections.close_all()

    if RUN_IN_BACKGROUND:
        threading.Thread(target=run, name=f"data-import-{job.id}").start()
    else:
        run()
    return job

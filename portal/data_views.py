"""The moderators' data pages, mounted at /beheer-data/: import a school list or an HSDS file,
and download the HSDS export.

An import goes upload → preview → confirm → progress. The upload is checked at once (a file with
problems is shown with them and not kept); a valid file is kept on the server under a random
token (portal.data_uploads) and the preview is computed from it, writing nothing. The confirmation
never trusts the preview: it reads the file back (its hash must match), checks it against the
database again, and imports only when the changes are the ones the moderator saw. The import
then runs with a progress page (portal.data_jobs).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import data_jobs
from portal.access import is_moderator, require
from portal.data_forms import ConfirmForm, UploadForm
from portal.data_imports import (
    PHASE_CHECK,
    PHASE_CLBS,
    PHASE_HSDS,
    PHASE_LOG,
    PHASE_SCHOOLS,
    DataChanged,
    HsdsFileError,
    hsds_fingerprint,
    import_hsds,
    import_school_list,
    read_hsds_payload,
)
from portal.data_uploads import (
    StoredUpload,
    UploadChanged,
    UploadGone,
    claim_upload,
    discard_upload,
    get_upload,
    read_upload,
    store_upload,
    uploads_of,
)

CHANGES_PER_PAGE = 50
MAX_PROBLEMS_SHOWN = 500


def moderator_required(view: Callable) -> Callable:
    """Signed in (else the login page) and a moderator (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        require(is_moderator(request.user))
        return view(request, *args, **kwargs)

    return wrapped


def _upload_or_redirect(request: HttpRequest, token: str, kind: str) -> StoredUpload | HttpResponse:
    try:
        return get_upload(token, kind=kind, user=request.user)
    except UploadGone:
        messages.info(
            request,
            _(
                "This upload is no longer available: it was imported or discarded, or it is more than a day old. "
                "Upload the file again."
            ),
        )
        return redirect("data:schools_upload" if kind == "schools" else "data:hsds_upload")


def _changed_file(request: HttpRequest, upload: StoredUpload) -> HttpResponse:
    discard_upload(upload)
    messages.error(
        request,
        _("The stored copy of “%(name)s” changed after you uploaded it, so it was not used. Upload the file again.")
        % {"name": upload.name},
    )
    return redirect("data:schools_upload" if upload.kind == "schools" else "data:hsds_upload")


@require_GET
@moderator_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/data/index.html", {"uploads": uploads_of(request.user)})


# --- school list ----------------------------------------------------------------------------------


def _school_form(data=None, files=None) -> UploadForm:
    return UploadForm(
        data,
        files,
        accept=".csv,text/csv,text/plain",
        help_text=_("A CSV file (UTF-8), at most 5 MB. Checking it changes nothing yet."),
    )


@require_http_methods(["GET", "POST"])
@moderator_required
def schools_upload(request: HttpRequest) -> HttpResponse:
    """Upload a school list; a list with problems is shown with them, a valid one kept for the preview."""
    posted = request.method == "POST"
    form = _school_form(request.POST if posted else None, request.FILES if posted else None)
    report = None
    if posted and form.is_valid():
        upload_file = form.cleaned_data["file"]
        data = upload_file.read()
        report = import_school_list(data, dry_run=True, source=upload_file.name)
        if report.ok:
            upload = store_upload(data=data, kind="schools", name=upload_file.name, user=request.user)
            return redirect("data:schools_preview", token=upload.token)
        form.add_error(
            "file",
            ngettext(
                "The file has %(count)d problem, listed below. Nothing was imported.",
                "The file has %(count)d problems, listed below. Nothing was imported.",
                len(report.problems),
            )
            % {"count": len(report.problems)},
        )
    return render(
        request,
        "portal/data/schools_upload.html",
        {
            "form": form,
            "report": report,
            "problems": report.sorted_problems[:MAX_PROBLEMS_SHOWN] if report else [],
        },
    )


def _schools_preview(request: HttpRequest, upload: StoredUpload, report, *, data_changed: bool = False) -> HttpResponse:
    page = Paginator(report.changed, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/data/schools_preview.html",
        {
            "upload": upload,
            "report": report,
            "problems": report.sorted_problems[:MAX_PROBLEMS_SHOWN],
            "page_obj": page,
            "form": ConfirmForm(initial={"fingerprint": report.fingerprint}),
            "data_changed": data_changed,
        },
    )


@require_GET
@moderator_required
def schools_preview(request: HttpRequest, token: str) -> HttpResponse:
    """What the import would change, computed from the stored file; nothing is written."""
    upload = _upload_or_redirect(request, token, "schools")
    if isinstance(upload, HttpResponse):
        return upload
    try:
        data = read_upload(upload)
    except UploadChanged:
        return _changed_file(request, upload)
    except UploadGone:
        return _upload_or_redirect(request, token, "schools")
    report = import_school_list(data, dry_run=True, source=upload.name)
    return _schools_preview(request, upload, report)


@require_POST
@moderator_required
def schools_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Check the stored file again and, when it would do exactly what was previewed, import it."""
    upload = _upload_or_redirect(request, token, "schools")
    if isinstance(upload, HttpResponse):
        return upload
    form = ConfirmForm(request.POST)
    try:
        data = read_upload(upload)
    except UploadChanged:
        return _changed_file(request, upload)
    except UploadGone:
        return _upload_or_redirect(request, token, "schools")
    report = import_school_list(data, dry_run=True, source=upload.name)
    if not report.ok or not form.is_valid() or form.cleaned_data["fingerprint"] != report.fingerprint:
        return _schools_preview(request, upload, report, data_changed=report.ok)
    try:
        data = claim_upload(upload)
    except UploadChanged:
        return _changed_file(request, upload)
    except UploadGone:
        return _upload_or_redirect(request, token, "schools")

    expected = report.fingerprint
    user = request.user

    def work(progress) -> dict[str, Any]:
        applied = import_school_list(
            data, by=user, dry_run=False, source=upload.name, progress=progress, expect_fingerprint=expected
        )
        return {
            "ok": applied.applied,
            "data_changed": applied.data_changed,
            **applied.summary(),
            "problems": [str(p) for p in applied.sorted_problems[:MAX_PROBLEMS_SHOWN]],
            "problem_count": len(applied.problems),
        }

    job = data_jobs.start_job(kind="schools", user=user, name=upload.name, work=work)
    return redirect("data:job", job_id=job.id)


# --- HSDS -----------------------------------------------------------------------------------------


def _hsds_form(data=None, files=None) -> UploadForm:
    return UploadForm(
        data,
        files,
        accept=".json,application/json",
        help_text=_("An HSDS file in JSON (UTF-8), at most 5 MB. Checking it changes nothing yet."),
    )


def _hsds_problem_count(report) -> int:
    return len(report.errors)


@require_http_methods(["GET", "POST"])
@moderator_required
def hsds_upload(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = _hsds_form(request.POST if posted else None, request.FILES if posted else None)
    report = None
    if posted and form.is_valid():
        upload_file = form.cleaned_data["file"]
        data = upload_file.read()
        try:
            payload = read_hsds_payload(data)
        except HsdsFileError as error:
            form.add_error("file", str(error))
        else:
            report = import_hsds(payload, by=request.user, dry_run=True)
            if report.ok:
                upload = store_upload(data=data, kind="hsds", name=upload_file.name, user=request.user)
                return redirect("data:hsds_preview", token=upload.token)
            count = _hsds_problem_count(report)
            form.add_error(
                "file",
                ngettext(
                    "The file has %(count)d problem, listed below. Nothing was imported.",
                    "The file has %(count)d problems, listed below. Nothing was imported.",
                    count,
                )
                % {"count": count},
            )
    return render(
        request,
        "portal/data/hsds_upload.html",
        {
            "form": form,
            "report": report,
            "errors": [_hsds_row(e) for e in list(report.errors)[:MAX_PROBLEMS_SHOWN]] if report else [],
            "warnings": [_hsds_row(w) for w in list(report.warnings)[:MAX_PROBLEMS_SHOWN]] if report else [],
        },
    )


def _hsds_preview(request: HttpRequest, upload: StoredUpload, report, *, data_changed: bool = False) -> HttpResponse:
    page = Paginator(list(report.changes), CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    counts = _hsds_counts(report.created, report.updated, report.unchanged)
    return render(
        request,
        "portal/data/hsds_preview.html",
        {
            "upload": upload,
            "report": report,
            "counts": counts,
            "has_changes": any(c[1] or c[2] for c in counts) or bool(report.changes),
            "errors": [_hsds_row(e) for e in list(report.errors)[:MAX_PROBLEMS_SHOWN]],
            "warnings": [_hsds_row(w) for w in list(report.warnings)[:MAX_PROBLEMS_SHOWN]],
            "page_obj": page,
            "form": ConfirmForm(initial={"fingerprint": hsds_fingerprint(report)}),
            "data_changed": data_changed,
        },
    )


HSDS_KINDS = {
    "organization": _lazy("organisations"),
    "location": _lazy("locations"),
    "service": _lazy("offers (HSDS services)"),
}


def _hsds_counts(created: dict, updated: dict, unchanged: dict) -> list[tuple[str, int, int, int]]:
    """(label, created, updated, unchanged) per kind of record, in the order people think of them."""
    kinds = [k for k in HSDS_KINDS if k in created or k in updated or k in unchanged]
    kinds += sorted((set(created) | set(updated) | set(unchanged)) - set(kinds))
    return [
        (str(HSDS_KINDS.get(kind, kind)), created.get(kind, 0), updated.get(kind, 0), unchanged.get(kind, 0))
        for kind in kinds
    ]


def _stored_hsds(request: HttpRequest, token: str):
    upload = _upload_or_redirect(request, token, "hsds")
    if isinstance(upload, HttpResponse):
        return upload, None
    try:
        return upload, read_hsds_payload(read_upload(upload))
    except UploadChanged:
        return _changed_file(request, upload), None
    except UploadGone:
        return _upload_or_redirect(request, token, "hsds"), None
    except HsdsFileError:  # it was valid JSON at upload, so its bytes changed
        return _changed_file(request, upload), None


@require_GET
@moderator_required
def hsds_preview(request: HttpRequest, token: str) -> HttpResponse:
    upload, payload = _stored_hsds(request, token)
    if isinstance(upload, HttpResponse):
        return upload
    report = import_hsds(payload, by=request.user, dry_run=True)
    return _hsds_preview(request, upload, report)


@require_POST
@moderator_required
def hsds_confirm(request: HttpRequest, token: str) -> HttpResponse:
    upload, payload = _stored_hsds(request, token)
    if isinstance(upload, HttpResponse):
        return upload
    form = ConfirmForm(request.POST)
    report = import_hsds(payload, by=request.user, dry_run=True)
    if not report.ok or not form.is_valid() or form.cleaned_data["fingerprint"] != hsds_fingerprint(report):
        return _hsds_preview(request, upload, report, data_changed=report.ok)
    try:
        claim_upload(upload)
    except UploadChanged:
        return _changed_file(request, upload)
    except UploadGone:
        return _upload_or_redirect(request, token, "hsds")

    expected = hsds_fingerprint(report)
    user = request.user

    def work(progress) -> dict[str, Any]:
        progress(PHASE_HSDS, 0, 0)
        try:
            applied = import_hsds(payload, by=user, dry_run=False, expect_fingerprint=expected)
        except DataChanged:
            return {"ok": False, "data_changed": True}
        return {
            "ok": bool(applied.ok),
            "data_changed": False,
            "counts": _hsds_counts(applied.created, applied.updated, applied.unchanged),
            "problems": [_hsds_problem_text(e) for e in list(applied.errors)[:MAX_PROBLEMS_SHOWN]],
            "problem_count": len(applied.errors),
            "warnings": [_hsds_problem_text(w) for w in list(applied.warnings)[:MAX_PROBLEMS_SHOWN]],
        }

    job = data_jobs.start_job(kind="hsds", user=user, name=upload.name, work=work)
    return redirect("data:job", job_id=job.id)


def _hsds_row(problem) -> dict[str, str]:
    """An HsdsProblem (record_id, path, problem), or a plain message, for a table row."""
    if isinstance(problem, str):
        return {"record_id": "", "path": "", "problem": problem}
    return {
        "record_id": str(getattr(problem, "record_id", "") or ""),
        "path": str(getattr(problem, "path", "") or ""),
        "problem": str(getattr(problem, "problem", problem)),
    }


def _hsds_problem_text(problem) -> str:
    if isinstance(problem, str):
        return problem
    parts = [str(getattr(problem, name, "") or "") for name in ("record_id", "path")]
    where = " ".join(p for p in parts if p)
    text = str(getattr(problem, "problem", problem))
    return f"{where}: {text}" if where else text


@require_GET
@moderator_required
def hsds_export(request: HttpRequest) -> HttpResponse:
    """Every published service as HSDS JSON, downloaded as a file."""
    from welfare.hsds import export_services

    response = JsonResponse(export_services(), safe=False, json_dumps_params={"ensure_ascii": False, "indent": 2})
    filename = f"brugwijzer-hsds-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- shared ---------------------------------------------------------------------------------------


@require_POST
@moderator_required
def discard(request: HttpRequest, token: str) -> HttpResponse:
    """Throw away an upload that will not be imported."""
    for kind in ("schools", "hsds"):
        try:
            upload = get_upload(token, kind=kind, user=request.user)
        except UploadGone:
            continue
        discard_upload(upload)
        messages.success(request, _("“%(name)s” was discarded; nothing was imported.") % {"name": upload.name})
        break
    else:
        messages.info(request, _("This upload was already imported or discarded."))
    return redirect("data:index")


PHASE_LABELS = {
    PHASE_CHECK: _lazy("Checking the file"),
    PHASE_SCHOOLS: _lazy("Saving schools"),
    PHASE_CLBS: _lazy("Linking schools to their CLB"),
    PHASE_LOG: _lazy("Writing the audit log"),
    PHASE_HSDS: _lazy("Importing welfare services"),
}


@require_GET
@moderator_required
@never_cache
def job(request: HttpRequest, job_id: str) -> HttpResponse:
    """How far a confirmed import is; htmx polls the status region every second until it ends."""
    found = data_jobs.get_job(job_id, user=request.user)
    if found is None:
        raise Http404
    phase_label = str(PHASE_LABELS.get(found.phase, _lazy("Starting")))
    template = "portal/data/job.html#status" if request.htmx else "portal/data/job.html"
    return render(
        request,
        template,
        {"job": found, "phase_label": phase_label, "announce": _announcement(found, phase_label)},
    )


def _announcement(job: data_jobs.Job, phase_label: str) -> str:
    """What screen readers hear: the phase, progress in steps of a quarter, and the outcome."""
    if job.lost:
        return _("The import stopped.")
    if not job.finished:
        milestone = job.percent // 25 * 25
        if job.total and milestone:
            return _("%(phase)s: %(percent)d%%") % {"phase": phase_label, "percent": milestone}
        return phase_label
    if job.state == data_jobs.DONE and job.result.get("ok"):
        return _("The import is done.")
    return _("Nothing was imported.")

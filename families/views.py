from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from families.access import get_need_for, get_school_for_needs
from families.forms import FamilyNeedForm, NeedFilter, language_label
from families.models import FamilyNeed, NeedStatus
from families.services import NeedError, create_need, set_need_status, update_need
from portal.models import AuditEvent

NEEDS_PER_PAGE = 20
HISTORY_LENGTH = 20


FIELD_LABELS = {
    "title": _lazy("title"),
    "description": _lazy("description"),
    "life_domains": _lazy("life domains"),
    "home_languages": _lazy("languages spoken at home"),
    "age_min": _lazy("age from"),
    "age_max": _lazy("age to"),
    "family_count": _lazy("number of families"),
    "urgency": _lazy("urgency"),
    "preferences": _lazy("what would help"),
    "status": _lazy("status"),
}


def describe_change(event: AuditEvent) -> str:
    """One line for the history table: what happened, in words."""
    if event.action == AuditEvent.Action.CREATE:
        return _("Stated the need")
    if event.action == AuditEvent.Action.STATUS and "status" in event.changes:
        old, new = event.changes["status"]
        return _("Status changed from %(old)s to %(new)s") % {
            "old": NeedStatus(old).label if old in NeedStatus.values else old,
            "new": NeedStatus(new).label if new in NeedStatus.values else new,
        }
    fields = [str(FIELD_LABELS.get(name, name)) for name in event.changes]
    return _("Changed: %(fields)s") % {"fields": ", ".join(fields)} if fields else event.get_action_display()


def open_first(needs: QuerySet[FamilyNeed]) -> QuerySet[FamilyNeed]:
    """Open needs on top, then the newest first."""
    return needs.annotate(
        open_first=Case(When(status=NeedStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("open_first", "-created_at", "-id")


@require_GET
@login_required
def need_list(request: HttpRequest, school_pk: int) -> HttpResponse:
    """A school's needs, filtered by status and life domain, a page at a time.

    Three queries for the list whatever its length: the count, the page and its life domains.
    """
    school = get_school_for_needs(request.user, school_pk)
    needs_filter = NeedFilter(request.GET or None, queryset=open_first(school.needs.prefetch_related("life_domains")))
    page = Paginator(needs_filter.qs, NEEDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "school": school,
        "access": school.access,
        "filter": needs_filter,
        "page_obj": page,
        "is_filtered": any(needs_filter.form.cleaned_data.values()) if needs_filter.is_bound else False,
    }
    template = "families/needs/list.html#results" if request.htmx else "families/needs/list.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def need_create(request: HttpRequest, school_pk: int) -> HttpResponse:
    school = get_school_for_needs(request.user, school_pk, write=True)
    form = FamilyNeedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            need = create_need(school=school, by=request.user, **form.need_data())
        except NeedError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The need “%(title)s” has been saved.") % {"title": need.title})
            return redirect("families:need_detail", pk=need.pk)
    return render(request, "families/needs/form.html", {"school": school, "form": form, "need": None})


@require_GET
@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one need; the history of changes for those who may change it."""
    need = get_need_for(request.user, pk)
    history = []
    if need.access.can_state_needs:
        events = AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(FamilyNeed), object_id=str(need.pk)
        ).select_related("actor")[:HISTORY_LENGTH]
        history = [{"event": event, "summary": describe_change(event)} for event in events]
    return render(
        request,
        "families/needs/detail.html",
        {
            "need": need,
            "school": need.school,
            "access": need.access,
            "life_domains": list(need.life_domains.all()),
            "home_languages": sorted(language_label(language) for language in need.home_languages.all()),
            "history": history,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_need_for(request.user, pk, write=True)
    form = FamilyNeedForm(request.POST if request.method == "POST" else None, need=need)
    if request.method == "POST" and form.is_valid():
        try:
            changes = update_need(need=need, by=request.user, **form.need_data())
        except NeedError as error:
            form.add_error(None, str(error))
        else:
            if changes:
                messages.success(request, _("Your changes to “%(title)s” have been saved.") % {"title": need.title})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("families:need_detail", pk=need.pk)
    return render(request, "families/needs/form.html", {"school": need.school, "form": form, "need": need})


def _change_status(request: HttpRequest, pk: int, status: str, done: str) -> HttpResponse:
    need = get_need_for(request.user, pk, write=True)
    try:
        set_need_status(need=need, by=request.user, status=status)
    except NeedError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"title": need.title})
    return redirect("families:need_detail", pk=need.pk)


@require_POST
@login_required
def need_mark_addressed(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_status(request, pk, NeedStatus.ADDRESSED, _("“%(title)s” is marked as addressed."))


@require_POST
@login_required
def need_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_status(request, pk, NeedStatus.OPEN, _("“%(title)s” is open again."))


@require_http_methods(["GET", "POST"])
@login_required
def need_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdrawing asks for confirmation on a page of its own, so it works without JavaScript."""
    if request.method == "POST":
        return _change_status(
            request, pk, NeedStatus.WITHDRAWN, _("“%(title)s” has been withdrawn. You can reopen it later.")
        )
    need = get_need_for(request.user, pk, write=True)
    if need.status != NeedStatus.OPEN:
        messages.info(request, _("Only an open need can be withdrawn."))
        return redirect("families:need_detail", pk=need.pk)
    return render(request, "families/needs/withdraw.html", {"need": need, "school": need.school})

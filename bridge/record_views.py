"""The collaboration record (/afspraak/<pk>/…): the three questions, status, learning log, history
and the printable agreement.

Who may use these pages is decided in `bridge.record_access`: the partners (approved members of
the school or of one of its organisations, the brokers who serve the school, moderators) read and
edit everything; anyone else gets 404, anonymous visitors the login page. Changes go through
`bridge.record_services`.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bridge import record_services as services
from bridge.models import (
    Actor,
    Collaboration,
    CollaborationCondition,
    CollaborationForm,
    CollaborationRole,
    CollaborationStatus,
    ConditionKind,
    ConditionState,
    LearningEntry,
)
from bridge.record_access import get_record_for, sides_for
from bridge.record_forms import ConditionsForm, LearningEntryForm, RolesForm, StatusForm, WhyForm
from families.models import Urgency
from portal.models import AuditEvent

HISTORY_PER_PAGE = 20

# Values that the history shows by their label rather than their code.
_LABELS: dict[str, dict[str, Any]] = {
    "status": dict(CollaborationStatus.choices),
    "form": dict(CollaborationForm.choices),
    "urgency": dict(Urgency.choices),
    "state": dict(ConditionState.choices),
    "author_side": dict(Actor.choices),
}


def _field_label(model, name: str) -> str:
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:  # a key of the audit log that is no field (an old name)
        return name


def _value_label(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if name in _LABELS and value in _LABELS[name]:
        return capfirst(str(_LABELS[name][value]))
    return str(value)


def _history(collaboration: Collaboration, page_number: str | None):
    """The audit events of the collaboration and of its conditions, roles and learning entries,
    newest first, one page at a time (the row ids come from the prefetched record)."""
    models = {
        Collaboration: [collaboration.pk],
        CollaborationCondition: [row.pk for row in collaboration.conditions.all()],
        CollaborationRole: [row.pk for row in collaboration.roles.all()],
        LearningEntry: [row.pk for row in collaboration.learning_entries.all()],
    }
    types = ContentType.objects.get_for_models(*models)
    query = Q(pk__in=[])
    for model, pks in models.items():
        if pks:
            query |= Q(content_type=types[model], object_id__in=[str(pk) for pk in pks])
    events = AuditEvent.objects.filter(query).select_related("content_type").order_by("-created_at", "-id")
    page = Paginator(events, HISTORY_PER_PAGE).get_page(page_number)
    by_type = {types[model].pk: model for model in models}
    details = {(CollaborationCondition, str(row.pk)): row.get_kind_display() for row in collaboration.conditions.all()}
    details |= {(CollaborationRole, str(row.pk)): row.get_actor_display() for row in collaboration.roles.all()}
    details |= {
        (LearningEntry, str(row.pk)): row.get_author_side_display() for row in collaboration.learning_entries.all()
    }
    for event in page.object_list:
        model = by_type[event.content_type_id]
        event.subject = capfirst(str(model._meta.verbose_name))
        event.detail = details.get((model, event.object_id), "")
        event.rows = [
            {
                "field": _field_label(model, name),
                "old": _value_label(name, values[0]) if isinstance(values, list) and len(values) == 2 else "",
                "new": _value_label(name, values[1] if isinstance(values, list) and len(values) == 2 else values),
            }
            for name, values in (event.changes or {}).items()
        ]
    return page


def _record(user, pk: int) -> Collaboration:
    """The collaboration with everything its pages read, prefetched once."""
    collaboration = get_record_for(user, pk)
    prefetch_related_objects(
        [collaboration],
        "needs__life_domains",
        "life_domains",
        "conditions",
        "roles",
        Prefetch(
            "learning_entries", queryset=LearningEntry.objects.select_related("author").order_by("-created_at", "-pk")
        ),
    )
    return collaboration


def _conditions(collaboration: Collaboration) -> list[dict[str, Any]]:
    existing = {row.kind: row for row in collaboration.conditions.all()}
    return [
        {"kind": kind, "label": capfirst(label), "row": existing.get(kind)} for kind, label in ConditionKind.choices
    ]


def _roles(collaboration: Collaboration) -> list[dict[str, Any]]:
    existing = {row.actor: row for row in collaboration.roles.all()}
    return [{"actor": actor, "label": capfirst(label), "row": existing.get(actor)} for actor, label in Actor.choices]


def _errors_from(form, error: services.RecordError) -> None:
    form.add_error(None, ValidationError(str(error)))


@require_GET
@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole record: Waarom, Onder welke voorwaarden, Wie doet wat, the lifecycle, the
    learning log and the history."""
    collaboration = _record(request.user, pk)
    context = {
        "collaboration": collaboration,
        "conditions": _conditions(collaboration),
        "roles": _roles(collaboration),
        "entries": collaboration.learning_entries.all(),
        "next_statuses": [
            (status, capfirst(dict(CollaborationStatus.choices)[status]))
            for status in services.next_statuses(collaboration.status)
        ],
        "history": _history(collaboration, request.GET.get("page")),
        "can_write_learning": bool(sides_for(request.user, collaboration).actors),
    }
    return render(request, "bridge/record/overview.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def edit_why(request: HttpRequest, pk: int) -> HttpResponse:
    collaboration = _record(request.user, pk)
    form = WhyForm(request.POST or None, collaboration=collaboration)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_why(collaboration=collaboration, by=request.user, **form.cleaned_data)
        except services.RecordError as error:
            _errors_from(form, error)
        else:
            messages.success(request, _("The why of the collaboration is saved."))
            return redirect("record:overview", pk=collaboration.pk)
    return render(request, "bridge/record/edit_why.html", {"collaboration": collaboration, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def edit_conditions(request: HttpRequest, pk: int) -> HttpResponse:
    collaboration = _record(request.user, pk)
    form = ConditionsForm(request.POST or None, collaboration=collaboration)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_conditions(collaboration=collaboration, by=request.user, conditions=form.conditions())
        except services.RecordError as error:
            _errors_from(form, error)
        else:
            messages.success(request, _("The conditions are saved."))
            return redirect("record:overview", pk=collaboration.pk)
    return render(request, "bridge/record/edit_conditions.html", {"collaboration": collaboration, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def edit_roles(request: HttpRequest, pk: int) -> HttpResponse:
    collaboration = _record(request.user, pk)
    form = RolesForm(request.POST or None, collaboration=collaboration)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_roles(collaboration=collaboration, by=request.user, roles=form.roles())
        except services.RecordError as error:
            _errors_from(form, error)
        else:
            messages.success(request, _("Who does what is saved."))
            return redirect("record:overview", pk=collaboration.pk)
    return render(request, "bridge/record/edit_roles.html", {"collaboration": collaboration, "form": form})


@require_POST
@login_required
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One lifecycle step; the buttons on the overview post here. Errors come back as a message."""
    collaboration = get_record_for(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the next status of the collaboration."))
        return redirect("record:overview", pk=collaboration.pk)
    try:
        services.change_status(
            collaboration=collaboration,
            by=request.user,
            to=form.cleaned_data["to"],
            expected=form.cleaned_data["expected"],
        )
    except services.RecordError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The collaboration is now %(status)s.") % {"status": collaboration.get_status_display()},
        )
    return redirect("record:overview", pk=collaboration.pk)


@require_http_methods(["GET", "POST"])
@login_required
def learning_add(request: HttpRequest, pk: int) -> HttpResponse:
    collaboration = get_record_for(request.user, pk)
    sides = sides_for(request.user, collaboration)
    form = LearningEntryForm(request.POST or None, sides=sides.choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_learning_entry(collaboration=collaboration, by=request.user, **form.cleaned_data)
        except services.RecordError as error:
            _errors_from(form, error)
        else:
            messages.success(request, _("Your entry is in the learning log."))
            return redirect(f"{reverse('record:overview', kwargs={'pk': collaboration.pk})}#learning")
    context = {"collaboration": collaboration, "form": form, "has_sides": bool(sides.actors)}
    return render(request, "bridge/record/learning_add.html", context)


@require_GET
@login_required
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """The samenwerkingsafspraak to print and sign: parties, why, conditions, roles, dates."""
    collaboration = _record(request.user, pk)
    signatories = [{"side": _("School"), "name": collaboration.school.name}]
    signatories += [
        {"side": _("Welfare organisation"), "name": organisation.name}
        for organisation in collaboration.organisations.all()
    ]
    if collaboration.broker:
        signatories.append({"side": _("Broker"), "name": str(collaboration.broker)})
    context = {
        "collaboration": collaboration,
        "conditions": _conditions(collaboration),
        "roles": [role for role in _roles(collaboration) if role["row"] and (role["row"].tasks or role["row"].limits)],
        "signatories": signatories,
    }
    return render(request, "bridge/record/agreement.html", context)

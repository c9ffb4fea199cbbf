"""The signed-in user's own data (download, delete the account) and an entity's audit trail.

Mounted at /account/gegevens/. What is exported and how an account is deleted is decided in
portal.privacy; which events an administrator reads in portal.security.audit_trail_of.
"""

import json
from typing import Any

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import is_moderator, require
from portal.models import AuditEvent, Membership, MembershipRole, MembershipStatus
from portal.privacy import AccountDeletionError, delete_account, deletion_blocker, export_user_data
from portal.security import audit_trail_of
from portal.services import KIND_SLUGS, members_url
from schools.models import School
from welfare.models import Organisation

TEMPLATES = "portal/account"
AUDIT_PER_PAGE = 50
# The entities that have an audit trail page, by the Dutch path segment used everywhere.
AUDITED = {KIND_SLUGS["organisation"]: Organisation, KIND_SLUGS["school"]: School}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("To be sure it is you, enter the password you sign in with."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password


def _admin_entity(user) -> Model | None:
    """The school or organisation `user` administers, whose audit trail they may read."""
    own = (
        Membership.objects.filter(user=user, status=MembershipStatus.APPROVED, role=MembershipRole.ADMIN)
        .filter(Q(organisation__isnull=False) | Q(school__isnull=False))
        .select_related("organisation", "school")
        .first()
    )
    return own.entity if own else None


def _audit_url_kwargs(entity: Model) -> dict[str, Any]:
    kind = "organisation" if isinstance(entity, Organisation) else "school"
    return {"kind": KIND_SLUGS[kind], "pk": entity.pk}


@require_GET
@login_required
@never_cache
def index(request: HttpRequest) -> HttpResponse:
    """What Brugwijzer keeps about the user, the download, and the way to delete the account."""
    entity = _admin_entity(request.user)
    return render(
        request,
        f"{TEMPLATES}/index.html",
        {
            "audit_entity": entity,
            "audit_kwargs": _audit_url_kwargs(entity) if entity else None,
            "blocker": deletion_blocker(request.user),
        },
    )


@require_GET
@login_required
@never_cache
def download(request: HttpRequest) -> HttpResponse:
    """The user's data as a JSON file to save."""
    data = export_user_data(request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"brugwijzer-gegevens-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def delete(request: HttpRequest) -> HttpResponse:
    """Ask for the password, then delete the account (see portal.privacy) and sign out."""
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    blocker = deletion_blocker(user)
    if request.method == "POST":
        # Guessing a password here is as limited as re-authenticating elsewhere in allauth.
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            form.add_error(None, _("Too many attempts. Wait a minute and try again."))
        elif form.is_valid():
            try:
                delete_account(user=user)
            except AccountDeletionError as error:
                form.add_error(None, str(error))
            else:
                logout(request)
                messages.success(
                    request,
                    _(
                        "Your account was deleted. What you did on Brugwijzer stays in its history under "
                        "a pseudonym, without your name or e-mail address."
                    ),
                )
                return redirect("home")
    return render(
        request,
        f"{TEMPLATES}/delete.html",
        {
            "form": form,
            "blocker": blocker,
            "blocker_members_url": members_url(blocker) if blocker is not None else "",
        },
    )


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _field_label(model: type[Model] | None, name: str) -> str:
    """The field's own (translated) name when the model has such a field, else the key."""
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name)) if model else name
    except (FieldDoesNotExist, AttributeError):
        return name


def _change_rows(model: type[Model] | None, changes: Any) -> list[dict[str, Any]]:
    """{field: [old, new]} or {field: value} as rows of text for the template."""
    if not isinstance(changes, dict):
        return [{"field": "", "value": _shown(changes), "pair": False}]
    rows = []
    for field, value in changes.items():
        label = _field_label(model, field)
        if isinstance(value, list) and len(value) == 2:
            rows.append({"field": label, "old": _shown(value[0]), "new": _shown(value[1]), "pair": True})
        else:
            rows.append({"field": label, "value": _shown(value), "pair": False})
    return rows


def _object_label(model: type[Model] | None, event: AuditEvent) -> str:
    return capfirst(model._meta.verbose_name) if model else event.content_type.model


@require_GET
@login_required
def entity_audit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Who changed what, and when, in a school or an organisation: for its administrators and
    the moderators. Its members and pending members get 403, anyone else 404."""
    model = AUDITED.get(kind)
    if model is None:
        raise Http404
    entity = get_object_or_404(model, pk=pk)
    if not is_moderator(request.user):
        field = "organisation" if model is Organisation else "school"
        own = Membership.objects.live().filter(user=request.user, **{field: entity}).only("role", "status").first()
        require(own is not None, visible=False)
        require(own.status == MembershipStatus.APPROVED and own.role == MembershipRole.ADMIN)
    page = Paginator(audit_trail_of(entity), AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for event in page:
        model = event.content_type.model_class()
        rows.append(
            {"event": event, "object_label": _object_label(model, event), "changes": _change_rows(model, event.changes)}
        )
    return render(
        request,
        f"{TEMPLATES}/audit.html",
        {"entity": entity, "page_obj": page, "rows": rows, "members_url": members_url(entity)},
    )

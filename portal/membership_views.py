"""Joining an organisation, deciding on members, and the moderators' verification queue.

The views check who may see a page (anonymous → login, another entity → 404, a pending or
ordinary member where only administrators act → 403) and turn `MembershipError` into a
message; every change itself happens in `portal.services`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Model, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import services
from portal.access import is_moderator, require
from portal.membership_forms import (
    ApproveForm,
    DeclineMembershipForm,
    DeclineRegistrationForm,
    JoinSearchForm,
    OrganisationRegistrationForm,
    RequestMembershipForm,
    RoleForm,
    SchoolRegistrationForm,
)
from portal.models import Membership, MembershipRole, MembershipStatus
from portal.redirects import local_url
from portal.services import MembershipError
from schools.models import School
from welfare.models import Location, Organisation

ENTITY_RELATIONS = ("school__municipality", "organisation__kind", "clb", "municipality")
TEMPLATES = "portal/membership"


# --- helpers --------------------------------------------------------------------------------


def _paginate(request: HttpRequest, items, *, param: str = "page", per_page: int = 25) -> Page:
    """A page of `items` read from ?<param>=, with links that keep the other query parameters."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    page.previous_url = page.next_url = ""
    if page.has_previous():
        query[param] = page.previous_page_number()
        page.previous_url = "?" + query.urlencode()
    if page.has_next():
        query[param] = page.next_page_number()
        page.next_url = "?" + query.urlencode()
    return page


def _next_or(request: HttpRequest, fallback: str) -> str:
    return local_url(request, request.POST.get("next") or request.GET.get("next")) or fallback


def _own_membership(user, entity: Model) -> Membership | None:
    return services.members_of(entity).live().filter(user=user).only("id", "status", "role").first()


def _require_access(user, entity: Model, *, manage: bool) -> Membership | None:
    """Moderators pass. Anyone outside `entity` gets 404; its pending members, and its ordinary
    members where only administrators act (`manage`), get 403. Returns the user's membership."""
    if is_moderator(user):
        return _own_membership(user, entity)
    own = _own_membership(user, entity)
    require(own is not None, visible=False)
    require(own.status == MembershipStatus.APPROVED)
    if manage:
        require(own.role == MembershipRole.ADMIN)
    return own


def _membership(pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", *ENTITY_RELATIONS), pk=pk)


def _entity(kind_slug: str, pk: int) -> Model:
    kind = services.SLUG_KINDS.get(kind_slug)
    if kind is None:
        raise Http404
    return get_object_or_404(services.ENTITY_MODELS[kind], pk=pk)


def _partial(request: HttpRequest, page: str, partial: str) -> str:
    return f"{TEMPLATES}/{page}#{partial}" if request.htmx else f"{TEMPLATES}/{page}"


# --- joining --------------------------------------------------------------------------------


@require_GET
@login_required
def join(request: HttpRequest) -> HttpResponse:
    """Search a school, organisation, CLB or local government and ask to join it; a user who
    already has a request or membership sees it here instead (and can withdraw a request)."""
    membership = services.live_membership(request.user)
    form = JoinSearchForm(request.GET or None)
    kind, query, results = "school", "", None
    if membership is None and form.is_bound and form.is_valid():
        kind, query = form.cleaned_data["kind"], form.cleaned_data["q"]
        if len(query) >= JoinSearchForm.MIN_LENGTH or query.isdigit():
            results = _paginate(request, services.search_joinable(kind, query), per_page=20)
    context = {
        "membership": membership,
        "registration": membership is not None and services.awaits_verification(membership.entity),
        "form": form,
        "kind": kind,
        "query": query,
        "results": results,
        "min_length": JoinSearchForm.MIN_LENGTH,
    }
    return render(request, _partial(request, "join.html", "results"), context)


@require_POST
@login_required
def request_membership(request: HttpRequest) -> HttpResponse:
    form = RequestMembershipForm(request.POST)
    entity = None
    if form.is_valid():
        entity = services.joinable(form.cleaned_data["kind"]).filter(pk=form.cleaned_data["entity"]).first()
    if entity is None:
        messages.error(request, _("We could not find what you asked to join. Search again, please."))
        return redirect("membership:join")
    try:
        services.request_membership(user=request.user, entity=entity)
    except MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Your request to join %(entity)s has been sent. You will get an e-mail as soon as it is decided.")
            % {"entity": entity},
        )
    return redirect("membership:join")


@require_http_methods(["GET", "POST"])
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related(*ENTITY_RELATIONS), pk=pk, user=request.user)
    if membership.status != MembershipStatus.PENDING:
        messages.info(request, _("This request has already been handled: it can no longer be withdrawn."))
        return redirect("membership:join")
    if request.method == "POST":
        try:
            services.withdraw_membership(membership=membership, by=request.user)
        except MembershipError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Your request to join %(entity)s was withdrawn.") % {"entity": membership.entity}
            )
        return redirect("membership:join")
    context = {"membership": membership, "registration": services.awaits_verification(membership.entity)}
    return render(request, f"{TEMPLATES}/withdraw.html", context)


def _register(request: HttpRequest, *, form_class, register, page: str) -> HttpResponse:
    current = services.live_membership(request.user)
    if current is not None:
        messages.info(
            request,
            _("You already have a place on Brugwijzer (%(entity)s): you can register something new once you left it.")
            % {"entity": current.entity},
        )
        return redirect("membership:join")
    if request.htmx and request.method == "GET":
        form = form_class(initial={"postal_code": request.GET.get("postal_code", "")})
        return render(request, f"{TEMPLATES}/{page}#municipality", {"form": form})
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entity = register(by=request.user, **form.cleaned_data)
        except MembershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Thank you. %(entity)s has been registered: a Brugwijzer moderator checks it, usually within two "
                    "working days. You will get an e-mail, and then you can manage it."
                )
                % {"entity": entity},
            )
            return redirect("membership:join")
    return render(request, f"{TEMPLATES}/{page}", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def register_organisation(request: HttpRequest) -> HttpResponse:
    """Register a welfare organisation that is not on Brugwijzer yet; the registrant becomes its
    pending administrator until a moderator verifies it."""
    return _register(
        request,
        form_class=OrganisationRegistrationForm,
        register=services.register_organisation,
        page="register_organisation.html",
    )


@require_http_methods(["GET", "POST"])
@login_required
def register_school(request: HttpRequest) -> HttpResponse:
    """Register a school that is not on Brugwijzer yet, as `register_organisation`."""
    return _register(
        request, form_class=SchoolRegistrationForm, register=services.register_school, page="register_school.html"
    )


# --- members of an entity ---------------------------------------------------------------------


@require_GET
@login_required
def members(request: HttpRequest) -> HttpResponse:
    """The members page of the user's own school, organisation, CLB or local government."""
    membership = Membership.objects.approved().filter(user=request.user).select_related(*ENTITY_RELATIONS).first()
    if membership is not None:
        return redirect(services.members_url(membership.entity))
    if is_moderator(request.user):
        return redirect("membership:moderation")
    messages.info(request, _("You are not an approved member of a school, organisation, CLB or local government yet."))
    return redirect("membership:join")


@require_GET
@login_required
def entity_members(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Approved and pending members of one entity. Its members see the list; its administrators
    and moderators also decide on requests, roles and removals."""
    entity = _entity(kind, pk)
    own = _require_access(request.user, entity, manage=False)
    can_manage = is_moderator(request.user) or (own is not None and own.role == MembershipRole.ADMIN)
    everyone = services.members_of(entity).select_related("user", "decided_by")
    pending = everyone.filter(status=MembershipStatus.PENDING).order_by("created_at", "pk")
    approved = everyone.filter(status=MembershipStatus.APPROVED).order_by("role", "user__full_name", "user__email")
    context = {
        "entity": entity,
        "kind": services.entity_field(entity),
        "own": own,
        "can_manage": can_manage,
        "awaits_verification": services.awaits_verification(entity),
        "review_url": services.review_url(entity) if services.awaits_verification(entity) else "",
        "pending": _paginate(request, pending, param="pending", per_page=25),
        "approved": _paginate(request, approved, param="page", per_page=25),
        "admin_count": everyone.filter(status=MembershipStatus.APPROVED, role=MembershipRole.ADMIN).count(),
        "here": request.get_full_path(),
    }
    return render(request, f"{TEMPLATES}/members.html", context)


@require_POST
@login_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(pk)
    _require_access(request.user, membership.entity, manage=True)
    form = ApproveForm(request.POST)
    role = (form.cleaned_data["role"] or None) if form.is_valid() else None
    try:
        services.approve_membership(membership=membership, by=request.user, role=role)
    except MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s is now a member of %(entity)s. They get an e-mail.")
            % {"name": membership.user, "entity": membership.entity},
        )
    return redirect(_next_or(request, services.members_url(membership.entity)))


@require_http_methods(["GET", "POST"])
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(pk)
    _require_access(request.user, membership.entity, manage=True)
    back = _next_or(request, services.members_url(membership.entity))
    if membership.status != MembershipStatus.PENDING:
        messages.info(request, _("This request has already been handled."))
        return redirect(back)
    form = DeclineMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_membership(membership=membership, by=request.user, reason=form.cleaned_data["reason"])
        except MembershipError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The request of %(name)s was declined. They get an e-mail.") % {"name": membership.user},
            )
        return redirect(back)
    return render(request, f"{TEMPLATES}/decline_member.html", {"membership": membership, "form": form, "back": back})


@require_POST
@login_required
def set_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(pk)
    _require_access(request.user, membership.entity, manage=True)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose member or administrator."))
    else:
        role = form.cleaned_data["role"]
        try:
            services.set_member_role(membership=membership, role=role, by=request.user)
        except MembershipError as error:
            messages.error(request, str(error))
        else:
            if role == MembershipRole.ADMIN:
                text = _("%(name)s is now an administrator of %(entity)s.")
            else:
                text = _("%(name)s is now a member (not an administrator) of %(entity)s.")
            messages.success(request, text % {"name": membership.user, "entity": membership.entity})
    return redirect(_next_or(request, services.members_url(membership.entity)))


@require_http_methods(["GET", "POST"])
@login_required
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator removes a member, or a member leaves; asks for confirmation first."""
    membership = _membership(pk)
    entity = membership.entity
    leaving = membership.user_id == request.user.pk and membership.status == MembershipStatus.APPROVED
    if not leaving:
        _require_access(request.user, entity, manage=True)
    back = reverse("membership:join") if leaving else _next_or(request, services.members_url(entity))
    if membership.status != MembershipStatus.APPROVED:
        messages.info(request, _("This person is not an approved member (any more)."))
        return redirect(back)
    if request.method == "POST":
        try:
            services.remove_member(membership=membership, by=request.user)
        except MembershipError as error:
            messages.error(request, str(error))
            return redirect(services.members_url(entity) if leaving else back)
        if leaving:
            messages.success(request, _("You left %(entity)s.") % {"entity": entity})
        else:
            messages.success(
                request, _("%(name)s was removed from %(entity)s.") % {"name": membership.user, "entity": entity}
            )
        return redirect(back)
    context = {"membership": membership, "leaving": leaving, "back": _next_or(request, services.members_url(entity))}
    return render(request, f"{TEMPLATES}/remove_member.html", context)


# --- the moderators' queue --------------------------------------------------------------------


@require_GET
@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    """New schools and organisations to verify, and requests to join entities without an admin."""
    require(is_moderator(request.user))
    organisations = (
        Organisation.objects.awaiting_verification()
        .select_related("kind", "registered_by")
        .prefetch_related(Prefetch("locations", queryset=Location.objects.select_related("municipality")))
        .order_by("created_at", "pk")
    )
    schools = (
        School.objects.awaiting_verification()
        .select_related("municipality", "registered_by")
        .order_by("created_at", "pk")
    )
    context = {
        "organisations": _paginate(request, organisations, param="organisations", per_page=20),
        "schools": _paginate(request, schools, param="schools", per_page=20),
        "requests": _paginate(request, services.requests_for_moderators(), param="requests", per_page=20),
        "here": request.get_full_path(),
    }
    return render(request, f"{TEMPLATES}/moderation.html", context)


def _review(request: HttpRequest, entity: School | Organisation, page: str, form=None, *, status: int = 200):
    registrant = (
        services.members_of(entity).filter(user_id=entity.registered_by_id).select_related("user").first()
        if entity.registered_by_id
        else None
    )
    context = {
        "entity": entity,
        "registrant": registrant,
        "awaiting": entity.verified_at is None and entity.declined_at is None,
        "form": form or DeclineRegistrationForm(),
    }
    return render(request, f"{TEMPLATES}/{page}", context, status=status)


def _organisation(pk: int) -> Organisation:
    return get_object_or_404(
        Organisation.objects.select_related("kind", "registered_by", "verified_by").prefetch_related(
            Prefetch("locations", queryset=Location.objects.select_related("municipality"))
        ),
        pk=pk,
    )


def _school(pk: int) -> School:
    return get_object_or_404(School.objects.select_related("municipality", "registered_by", "verified_by"), pk=pk)


def _verify(request: HttpRequest, entity: School | Organisation, verify) -> HttpResponse:
    try:
        verify(entity, by=request.user)
    except MembershipError as error:
        messages.error(request, str(error))
        return redirect(services.review_url(entity))
    messages.success(
        request, _("%(entity)s is verified. The person who registered it gets an e-mail.") % {"entity": entity}
    )
    return redirect("membership:moderation")


def _decline(request: HttpRequest, entity: School | Organisation, decline, page: str) -> HttpResponse:
    form = DeclineRegistrationForm(request.POST)
    if not form.is_valid():
        return _review(request, entity, page, form)
    try:
        decline(entity, by=request.user, reason=form.cleaned_data["reason"])
    except MembershipError as error:
        messages.error(request, str(error))
        return redirect(services.review_url(entity))
    messages.success(
        request, _("%(entity)s was declined. The person who registered it gets an e-mail.") % {"entity": entity}
    )
    return redirect("membership:moderation")


@require_GET
@login_required
def review_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_moderator(request.user))
    return _review(request, _organisation(pk), "review_organisation.html")


@require_POST
@login_required
def verify_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_moderator(request.user))
    return _verify(
        request, _organisation(pk), lambda entity, by: services.verify_organisation(organisation=entity, by=by)
    )


@require_POST
@login_required
def decline_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_moderator(request.user))
    return _decline(
        request,
        _organisation(pk),
        lambda entity, by, reason: services.decline_organisation(organisation=entity, by=by, reason=reason),
        "review_organisation.html",
    )


@require_GET
@login_required
def review_school(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_moderator(request.user))
    return _review(request, _school(pk), "review_school.html")


@require_POST
@login_required
def verify_school(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_moderator(request.user))
    return _verify(request, _school(pk), lambda entity, by: services.verify_school(school=entity, by=by))


@require_POST
@login_required
def decline_school(request: HttpRequest, pk: int) -> HttpResponse:
    require(is_moderator(request.user))
    return _decline(
        request,
        _school(pk),
        lambda entity, by, reason: services.decline_school(school=entity, by=by, reason=reason),
        "review_school.html",
    )

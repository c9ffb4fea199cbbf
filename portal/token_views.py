"""Personal API tokens: the signed-in user lists, makes and revokes their own.

A new token is shown once. The view that makes it keeps it in the session for exactly one
page view and redirects, so that reloading the page neither shows it again nor makes another.
Someone else's token answers 404, as if it did not exist; staff revoke tokens in the admin.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.token_forms import TokenForm
from portal.tokens import MAX_ACTIVE_TOKENS, TokenError, active_tokens_of, create_token, revoke_token, tokens_of

NEW_TOKEN_SESSION_KEY = "brugwijzer_new_api_token"
PER_PAGE = 20


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens, the form to make one, and a token just made (once)."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = create_token(user=request.user, name=form.cleaned_data["name"])
        except TokenError as error:
            form.add_error(error.field, str(error))
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "name": token.name, "token": raw}
            return redirect("tokens:list")
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    page = Paginator(tokens_of(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/tokens/list.html",
        {
            "form": form,
            "page_obj": page,
            "new_token": new_token,
            "active_count": active_tokens_of(request.user).count(),
            "max_active": MAX_ACTIVE_TOKENS,
            "api_example": request.build_absolute_uri(reverse("api:matches")),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask before revoking one of the user's own tokens, then revoke it."""
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    if request.method == "POST":
        try:
            revoke_token(token=token, by=request.user)
        except TokenError as error:
            messages.info(request, str(error))
        else:
            messages.success(
                request,
                _("The token “%(name)s” was revoked. Scripts that use it no longer get an answer.")
                % {"name": token.name},
            )
        return redirect("tokens:list")
    return render(request, "portal/tokens/revoke.html", {"token": token})

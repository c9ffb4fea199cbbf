"""Personal API tokens: made and shown once, listed, revoked — each user only their own."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import ApiToken, AuditEvent
from portal.tokens import (
    MAX_ACTIVE_TOKENS,
    TokenError,
    bearer_token,
    create_token,
    revoke_token,
    user_for_token,
)

pytestmark = pytest.mark.django_db

LIST = reverse("tokens:list")


def revoke_url(token) -> str:
    return reverse("tokens:revoke", kwargs={"pk": token.pk})


@pytest.fixture
def user(welfare_worker):
    return welfare_worker


@pytest.fixture
def signed_in(en_client, user):
    en_client.force_login(user)
    return en_client


# --- making a token -------------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(signed_in, user):
    response = signed_in.post(LIST, {"name": "  Rapport  voor het  CLB "})

    assert response.status_code == 302
    assert response["Location"] == LIST
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (user, "Rapport voor het CLB")

    page = signed_in.get(LIST)
    html = page.content.decode()
    raw = page.context["new_token"]["token"]
    assert raw.startswith("bw_") and raw in html
    assert "it is shown only this once" in html
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[: len(token.prefix)] and len(token.prefix) < len(raw)
    assert raw not in {token.name, token.prefix, token.key_hash}
    assert "no-store" in page["Cache-Control"]

    again = signed_in.get(LIST).content.decode()
    assert raw not in again
    assert token.prefix in again


def test_the_new_token_works_on_the_api(signed_in, user, school):
    signed_in.post(LIST, {"name": "Script"})
    raw = signed_in.get(LIST).context["new_token"]["token"]

    assert user_for_token(raw) == user


def test_a_name_is_required(signed_in):
    response = signed_in.post(LIST, {"name": "   "})

    assert response.status_code == 200
    assert "Give the token a name." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_name_longer_than_the_field_is_refused(signed_in):
    response = signed_in.post(LIST, {"name": "x" * 101})

    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_two_active_tokens_cannot_share_a_name_but_a_revoked_one_frees_it(signed_in, user):
    token, _raw = create_token(user=user, name="Script")

    response = signed_in.post(LIST, {"name": "script"})
    assert response.status_code == 200
    assert "You already have a token with this name." in response.content.decode()
    assert ApiToken.objects.count() == 1

    revoke_token(token=token, by=user)
    assert signed_in.post(LIST, {"name": "Script"}).status_code == 302
    assert ApiToken.objects.count() == 2


def test_the_number_of_active_tokens_is_limited(signed_in, user):
    for n in range(MAX_ACTIVE_TOKENS):
        create_token(user=user, name=f"Script {n}")

    page = signed_in.get(LIST).content.decode()
    assert "the most you can have" in page
    assert 'name="name"' not in page

    response = signed_in.post(LIST, {"name": "Nog een"})
    assert response.status_code == 200
    assert "the most you can have" in response.content.decode()
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS
    with pytest.raises(TokenError, match=f"You already have {MAX_ACTIVE_TOKENS} tokens."):
        create_token(user=user, name="Nog een")


def test_making_and_revoking_a_token_is_in_the_audit_log(user):
    token, raw = create_token(user=user, name="Script")
    revoke_token(token=token, by=user)

    events = AuditEvent.objects.filter(object_id=str(token.pk)).order_by("created_at", "id")
    assert [event.action for event in events] == ["create", "status"]
    assert all(event.actor == user for event in events)
    assert not any(raw in str(event.changes) or raw in event.object_repr for event in events)


# --- the list ---------------------------------------------------------------------------------------


def test_the_list_shows_only_the_users_own_tokens(signed_in, user, outsider):
    mine, _ = create_token(user=user, name="Mijn script")
    used, _ = create_token(user=user, name="Gebruikt script")
    ApiToken.objects.filter(pk=used.pk).update(last_used_at=timezone.now())
    revoked, _ = create_token(user=user, name="Oud script")
    revoke_token(token=revoked, by=user)
    create_token(user=outsider, name="Script van iemand anders")

    html = signed_in.get(LIST).content.decode()

    assert "Mijn script" in html and mine.prefix in html
    assert "Gebruikt script" in html
    assert "never" in html
    assert "Oud script" in html and "revoked on" in html
    assert "Script van iemand anders" not in html
    assert html.count(">Revoke<") == 2


def test_without_tokens_the_list_says_so(signed_in):
    assert "You have no API tokens yet." in signed_in.get(LIST).content.decode()


def test_the_list_takes_the_same_queries_for_3_and_30_tokens(signed_in, user):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(LIST).status_code == 200
        return len(captured)

    for n in range(3):
        create_token(user=user, name=f"Script {n}")
    few = queries()
    for n in range(3, 20):
        create_token(user=user, name=f"Script {n}")
    for token in ApiToken.objects.all()[:10]:
        revoke_token(token=token, by=user)
    for n in range(20, 30):
        create_token(user=user, name=f"Script {n}")

    assert queries() == few


def test_the_list_is_paginated(signed_in, user):
    for n in range(25):
        token, _ = create_token(user=user, name=f"Script {n}")
        revoke_token(token=token, by=user)

    first = signed_in.get(LIST)
    second = signed_in.get(LIST, {"page": 2})

    assert len(first.context["page_obj"]) == 20
    assert len(second.context["page_obj"]) == 5


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(LIST, {"name": "Script"}).status_code == 302
    assert not ApiToken.objects.exists()


# --- revoking -------------------------------------------------------------------------------------------


def test_revoking_asks_first_then_stops_the_token(signed_in, user):
    token, raw = create_token(user=user, name="Script")

    page = signed_in.get(revoke_url(token))
    assert page.status_code == 200
    assert "Do you want to revoke the token “Script”" in page.content.decode()
    assert ApiToken.objects.get().revoked_at is None

    response = signed_in.post(revoke_url(token), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "was revoked" in response.content.decode()
    assert ApiToken.objects.get().revoked_at is not None
    assert user_for_token(raw) is None


def test_revoking_a_revoked_token_changes_nothing(signed_in, user):
    token, _ = create_token(user=user, name="Script")
    revoke_token(token=token, by=user)
    revoked_at = ApiToken.objects.get().revoked_at

    assert "was already revoked" in signed_in.get(revoke_url(token)).content.decode()
    response = signed_in.post(revoke_url(token), follow=True)

    assert "This token was already revoked." in response.content.decode()
    assert ApiToken.objects.get().revoked_at == revoked_at
    with pytest.raises(TokenError):
        revoke_token(token=token, by=user)


@pytest.mark.parametrize("visitor", ["outsider", "moderator"])
def test_another_users_token_does_not_exist_for_them(client, user, visitor, request):
    token, raw = create_token(user=user, name="Script")
    client.force_login(request.getfixturevalue(visitor))

    assert client.get(revoke_url(token)).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    assert user_for_token(raw) == user


# --- recognising a token ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "bw_", "bw_short", "nope" * 10, "bw_" + "a" * 101, "bw_" + "é" * 30])
def test_anything_that_is_not_a_token_is_refused_without_a_query(raw, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert user_for_token(raw) is None


def test_a_token_of_the_right_shape_that_was_never_made_is_refused(user):
    create_token(user=user, name="Script")

    assert user_for_token("bw_" + "A" * 43) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("Bearer bw_abc", "bw_abc"),
        ("bearer   bw_abc  ", "bw_abc"),
        ("Bearer", ""),
        ("Basic dXNlcg==", ""),
        ("Bearer a b", ""),
    ],
)
def test_the_bearer_header_is_read_strictly(rf, header, expected):
    request = rf.get("/", headers={"Authorization": header} if header is not None else {})

    assert bearer_token(request) == expected


def test_a_token_is_marked_as_used_without_touching_anything_else(user):
    token, raw = create_token(user=user, name="Script")
    assert token.last_used_at is None

    assert user_for_token(raw) == user

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert (token.name, token.revoked_at) == ("Script", None)


def test_tokens_are_unique(user):
    tokens = {create_token(user=user, name=f"Script {n}")[1] for n in range(10)}

    assert len(tokens) == 10
    assert ApiToken.objects.values("key_hash").distinct().count() == 10


def test_a_token_of_a_user_who_is_removed_goes_with_them(user):
    create_token(user=user, name="Script")

    user.delete()

    assert not ApiToken.objects.exists()

"""Trying a need before saving it: the suggestions for what is in the form, and nothing stored."""

import pytest
from django.urls import reverse

from families.models import FamilyNeed
from portal.models import AuditEvent
from tests import factories
from tests.bridge.matchview import broker_for, nearby_offer

pytestmark = pytest.mark.django_db


def url(school) -> str:
    return reverse("bridge:try_need", kwargs={"school_pk": school.pk})


def need_data(**overrides) -> dict:
    data = {
        "title": "Hulp bij huiswerk",
        "life_domains": [factories.life_domain("leren").pk],
        "age_min": "6",
        "age_max": "12",
        "family_count": "4",
        "urgency": "medium",
        "preferences": ["free"],
        "description": "Enkele gezinnen vinden geen hulp bij het huiswerk.",
    }
    data.update(overrides)
    return data


def test_the_form_is_shown_without_suggestions_at_first(en_client, school_coordinator, school):
    en_client.force_login(school_coordinator)

    response = en_client.get(url(school))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Try a need before saving it" in page
    assert "Show matching partners" in page
    assert "Partners this need would get" not in page


def test_trying_shows_the_suggestions_and_saves_nothing(en_client, school_coordinator, school):
    nearby_offer(name="Huiswerkklas De Brug", age_min=6, age_max=12)
    nearby_offer(name="Woonloket", domains=("wonen",))
    en_client.force_login(school_coordinator)
    needs, events = FamilyNeed.objects.count(), AuditEvent.objects.count()

    response = en_client.post(url(school), need_data())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Partners this need would get" in page
    assert "Huiswerkklas De Brug" in page
    assert "Woonloket" not in page
    assert "Helpt bij: Leren en school" in page
    assert "Gratis" in page  # the preference "free" counts
    assert "Ask this partner" not in page  # a need that is not saved cannot be asked for
    assert FamilyNeed.objects.count() == needs
    assert AuditEvent.objects.count() == events


def test_the_title_may_stay_empty_while_trying(en_client, school_coordinator, school):
    nearby_offer(name="Huiswerkklas De Brug")
    en_client.force_login(school_coordinator)

    response = en_client.post(url(school), need_data(title=""))

    assert "Huiswerkklas De Brug" in response.content.decode()


def test_a_need_nobody_can_help_with_is_shown_as_a_gap(en_client, school_coordinator, school):
    en_client.force_login(school_coordinator)

    page = en_client.post(url(school), need_data(life_domains=[factories.life_domain("mobiliteit").pk])).content
    page = page.decode()

    assert "No good partner found" in page


def test_the_privacy_guard_still_applies(en_client, school_coordinator, school):
    nearby_offer(name="Huiswerkklas De Brug")
    en_client.force_login(school_coordinator)

    response = en_client.post(url(school), need_data(description="Mail de mama via an.peeters@example.be"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "This text contains an e-mail address" in page
    assert "Partners this need would get" not in page
    assert 'type="hidden" name="description"' not in page
    assert not FamilyNeed.objects.exists()


def test_missing_life_domain_is_an_error(en_client, school_coordinator, school):
    en_client.force_login(school_coordinator)

    response = en_client.post(url(school), need_data(life_domains=[]))

    assert "Choose at least one life domain." in response.content.decode()
    assert response.context["result"] is None


def test_the_save_button_posts_the_same_form_to_the_need_form(en_client, school_coordinator, school):
    nearby_offer(name="Huiswerkklas De Brug")
    en_client.force_login(school_coordinator)

    page = en_client.post(url(school), need_data()).content.decode()

    create = reverse("families:need_create", kwargs={"school_pk": school.pk})
    assert f'formaction="{create}"' in page
    assert 'form="try-need-form"' in page

    response = en_client.post(create, need_data())
    assert response.status_code == 302
    assert FamilyNeed.objects.get().title == "Hulp bij huiswerk"


def test_broker_may_try_but_not_save(en_client, clb_broker, school):
    broker_for(clb_broker, school)
    nearby_offer(name="Huiswerkklas De Brug")
    en_client.force_login(clb_broker)

    response = en_client.post(url(school), need_data())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Huiswerkklas De Brug" in page
    assert "Only the school can save it." in page
    assert "Save this need" not in page


def test_outsider_gets_404(client, outsider, school):
    client.force_login(outsider)

    assert client.post(url(school), need_data()).status_code == 404


def test_pending_member_gets_403(client, school):
    client.force_login(factories.member_of(school=school, status="pending"))

    assert client.get(url(school)).status_code == 403

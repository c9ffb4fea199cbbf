"""A hand-built municipality for the dashboard, barrier and bridge-view tests.

Sint-Niklaas (46021):
- school A, guided by CLB Waas (`clb_staff`), served by a bridge figure (`figure`), with needs
  n1 leren open ×3 families (accepted match request), n2 leren+inkomen open ×6 (an active
  collaboration takes it up), n3 wonen open ×2 (no offer: a gap), n4 leren addressed ×4 and
  n5 wonen withdrawn; collaborations: "Huiswerkklas" active/structural with organisation P1
  (verified) and n2, "Taalcafé" proposed/referral with P1 and P2 (not verified);
- school B with need n6 inkomen open ×1 (a gap) and an ended joint activity with P2;
- school C: nothing at all; school D: not verified.
Lokeren (46029): school E, guided by CLB Durme (`other_clb_staff`), with a need and an active
collaboration, and one barrier. Sint-Niklaas has three barriers: two school costs (one about
school A), one transport.
"""

from dataclasses import dataclass, field
from typing import Any

from bridge.models import Barrier
from tests import factories

SINT_NIKLAAS, LOKEREN = "46021", "46029"


@dataclass
class Municipal:
    schools: dict[str, Any] = field(default_factory=dict)
    needs: dict[str, Any] = field(default_factory=dict)
    collaborations: dict[str, Any] = field(default_factory=dict)
    organisations: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    barriers: list[Any] = field(default_factory=list)


def need_at(school, *domains, family_count=3, **fields):
    return factories.FamilyNeedFactory(
        school=school,
        life_domains=[factories.life_domain(slug) for slug in domains],
        family_count=family_count,
        **fields,
    )


def build_municipal() -> Municipal:
    w = Municipal()
    sint_niklaas, lokeren = factories.municipality(SINT_NIKLAAS), factories.municipality(LOKEREN)
    a = factories.SchoolFactory(name="Basisschool Ahorn", municipality=sint_niklaas)
    b = factories.SchoolFactory(name="Basisschool Beuk", municipality=sint_niklaas)
    c = factories.SchoolFactory(name="Basisschool Ceder", municipality=sint_niklaas)
    d = factories.SchoolFactory(
        name="Basisschool Den (nog niet geverifieerd)", municipality=sint_niklaas, verified_at=None
    )
    e = factories.SchoolFactory(name="Basisschool Eik", municipality=lokeren, postal_code="9160")
    w.schools = {"a": a, "b": b, "c": c, "d": d, "e": e}

    clb = factories.CLBFactory(name="CLB Waas")
    factories.CLBSchoolFactory(clb=clb, school=a)
    other_clb = factories.CLBFactory(name="CLB Durme")
    factories.CLBSchoolFactory(clb=other_clb, school=e)
    figure = factories.BridgeFigureFactory(user__email="figuur@gemeente.test", user__full_name="Fien Figuur")
    figure.schools.add(a)
    w.users = {
        "clb_staff": factories.member_of(clb=clb, email="staff@clb-waas.test"),
        "other_clb_staff": factories.member_of(clb=other_clb, email="staff@clb-durme.test"),
        "figure": figure.user,
        "government": factories.member_of(municipality=sint_niklaas, email="beleid@sint-niklaas.test"),
        "other_government": factories.member_of(municipality=lokeren, email="beleid@lokeren.test"),
        "member_a": factories.member_of(school=a, email="zorg@ahorn.test"),
        "pending_a": factories.member_of(school=a, status="pending", email="nieuw@ahorn.test"),
        "member_e": factories.member_of(school=e, email="zorg@eik.test"),
        "moderator": factories.UserFactory(email="moderator@dashboard.test", is_moderator=True),
    }

    p1 = factories.OrganisationFactory(name="Huis van het Kind Waas")
    p2 = factories.OrganisationFactory(name="Buurtwerk Nog Niet Geverifieerd", verified_at=None)
    w.organisations = {"p1": p1, "p2": p2}
    w.users["worker_p1"] = factories.member_of(organisation=p1, email="werker@huisvanhetkind.test")

    n1 = need_at(a, "leren", family_count=3, title="Huiswerkbegeleiding")
    n2 = need_at(a, "leren", "inkomen", family_count=6, title="Schoolkosten en huiswerk")
    n3 = need_at(a, "wonen", family_count=2, title="Woonbegeleiding")
    n4 = need_at(a, "leren", family_count=4, status="addressed", title="Leesouders")
    n5 = need_at(a, "wonen", family_count=2, status="withdrawn", title="Ingetrokken")
    n6 = need_at(b, "inkomen", family_count=1, title="Energiefactuur")
    n7 = need_at(e, "leren", family_count=8, title="Lokeren huiswerk")
    w.needs = {"n1": n1, "n2": n2, "n3": n3, "n4": n4, "n5": n5, "n6": n6, "n7": n7}
    offer = factories.OfferFactory(organisation=p1, life_domains=[factories.life_domain("leren")])
    factories.MatchRequestFactory(need=n1, offer=offer, status="accepted")

    homework = factories.CollaborationFactory(
        title="Huiswerkklas", school=a, status="active", form="structural", organisations=[p1]
    )
    homework.needs.add(n2)
    homework.life_domains.set([factories.life_domain("leren"), factories.life_domain("inkomen")])
    language = factories.CollaborationFactory(
        title="Taalcafé", school=a, status="proposed", form="referral", organisations=[p1, p2]
    )
    language.life_domains.set([factories.life_domain("taal")])
    ended = factories.CollaborationFactory(
        title="Vakantiewerking", school=b, status="ended", form="joint_activity", organisations=[p2]
    )
    lokeren_collaboration = factories.CollaborationFactory(title="Lokerse samenwerking", school=e, status="active")
    w.collaborations = {"homework": homework, "language": language, "ended": ended, "lokeren": lokeren_collaboration}

    w.barriers = [
        Barrier.objects.create(
            municipality=sint_niklaas,
            school=a,
            kind="school_costs",
            note="De schooluitstap kost te veel.",
            reported_by=figure.user,
        ),
        Barrier.objects.create(
            municipality=sint_niklaas, kind="school_costs", note="Turngerief is duur.", reported_by=figure.user
        ),
        Barrier.objects.create(
            municipality=sint_niklaas, kind="transport", note="Geen bus na 17 uur.", reported_by=figure.user
        ),
        Barrier.objects.create(
            municipality=lokeren, kind="language", note="Alleen Nederlandstalige brieven.", reported_by=figure.user
        ),
    ]
    return w

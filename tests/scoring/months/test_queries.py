"""Every page of the Months area reads a fixed number of queries, whatever the number of units
and people: measured on a small ward (3 units, 7 people) and a larger one (9 units, 29)."""

import pytest
from django.urls import reverse

from scoring.models import Phase
from scoring.month.services.decide import period_decide, period_publish
from scoring.month.services.opening import period_advance, period_open
from tests.factories import UnitFactory, member
from tests.month.conftest import points, submit
from units.models import Cadre, Role

pytestmark = pytest.mark.django_db


def build(org, ward, departments):
    """The ward's head and its departments (a head and three staff each), November opened."""
    head = member(ward, role="head", code=f"H-{ward.code}", job_group="leader")
    for i in range(departments):
        unit = UnitFactory(code=f"{ward.code}-D{i}", parent=ward)
        member(unit, role="head", code=f"{unit.code}-H", job_group="leader")
        for j in range(3):
            member(unit, code=f"{unit.code}-{j}")
    return head, period_open(month="2026-11", scope=ward, user=None)


def scored(period):
    """Every member scored by the ward's head or their department's head."""
    period = period_advance(period=period, phase=Phase.REVIEW, user=None)
    heads = dict(Role.objects.filter(role="head").values_list("unit_id", "cadre_id"))
    for m in period.members.select_related("cadre", "unit"):
        boss = heads.get(m.unit_id)
        if boss == m.cadre_id or boss is None:
            boss = heads.get(m.unit.parent_id)
        if boss is None:
            continue
        submit(period, m.cadre, m.cadre, "self")
        submit(period, m.cadre, Cadre.objects.get(pk=boss), "supervisor", points(T=60))
    return period


# Every page: session, user, the period, the user's scope (one query); then
PAGES = {
    # name: (the phase the period is brought to, queries)
    # the period's units, history, rating rules (3), submitted cards, reminded today
    "months:month": (Phase.SELF, 11),
    "months:advance": (Phase.SELF, 4),
    "months:back": (Phase.PEER, 4),
    # the period's units
    "months:reopen": (Phase.PEER, 5),
    # the organisation (memberships, roles, units), members, units, peer assignments
    # the units of the people who change
    "months:refresh": (Phase.SELF, 11),
    # the period's units
    "months:pools": (Phase.SELF, 5),
    # the engine's inputs (criteria, members, cards, lines, adjustments, units, tasks; the
    # regulation is read with the period), the period's units
    "months:decide": (Phase.REVIEW, 12),
    # the period's units, their pools' split, the results
    "months:publish": (Phase.DECIDED, 7),
    # open appeals, the period's units, their pools' split, the results
    "months:lock": (Phase.APPEALS, 8),
}


def bring(period, phase):
    if phase in (Phase.SELF, Phase.PEER):
        return period_advance(period=period, phase=phase, user=None)
    period = scored(period)
    if phase == Phase.REVIEW:
        return period
    period = period_decide(period=period, user=None)
    if phase == Phase.DECIDED:
        return period
    return period_publish(period=period, user=None)


@pytest.mark.parametrize("name", PAGES)
def test_a_page_reads_the_same_queries_for_a_small_and_a_larger_ward(
    org, login, clock, django_assert_num_queries, name
):
    clock("2026-11-20")
    phase, expected = PAGES[name]
    sizes = {}
    for ward, departments in ((org.w1, 0), (org.w2, 7)):
        head, period = build(org, ward, departments)
        period = bring(period, phase)
        if name == "months:refresh":  # people join after the opening: one per unit
            for unit in period.units.select_related("unit"):
                member(unit.unit, code=f"NEW-{unit.unit.code}")
        client = login(head)
        url = reverse(name, args=[period.pk])
        assert client.get(url).status_code == 200
        with django_assert_num_queries(expected):
            page = client.get(url).content.decode()
        sizes[ward.code] = len(page)
    if name not in ("months:advance", "months:back"):  # the two pages without rows
        assert sizes["W2"] > sizes["W1"]


def test_the_list_and_the_opening_form_read_a_fixed_number_of_queries(
    org, login, clock, django_assert_num_queries
):
    clock("2026-10-28")
    for ward, departments in ((org.w1, 0), (org.w2, 7)):
        head, _period = build(org, ward, departments)
        client = login(org.admin)
        client.get(reverse("months:index"))
        # session, user, scope (user's cadre); periods; the units to open a month for
        with django_assert_num_queries(5):
            client.get(reverse("months:index"))
        client = login(head)
        url = reverse("months:open") + f"?scope={ward.code}"
        client.get(url)
        # session, user, scope (1); the unit chosen; the months open there; the scope's latest
        # month; regulations in force; the latest month's regulation; a clashing period; the
        # organisation (memberships, roles, units); the scopes and regulations listed
        with django_assert_num_queries(14):
            client.get(url)

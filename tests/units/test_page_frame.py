"""The page frame (docs/PERFORMANCE.md, "The page frame"): what every page costs before its own
work. The empty signed-in page (bench/urls.py, the benchmarks' page floor) takes at most three
queries for every kind of user, the session, the user, and the scope with the cadre, roles,
memberships and their units in one; and the scope is worked out anew on every request, so a role
or a membership that changes shows on the very next page.
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import RoleFactory
from units.models import Membership, Role
from units.scope import scope_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 15)


@pytest.fixture(autouse=True)
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel(dt.datetime(2026, 10, 15, 9, 0), tick=False):
        yield


def empty_page(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bench/floor/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.parametrize("who", ["staff_a", "head_a", "leader_w1", "admin"])
def test_the_empty_page_takes_at_most_three_queries(org, login, who):
    client = login(getattr(org, who))
    client.get("/bench/floor/")  # the first request may load what a server loads once
    _page, count = empty_page(client)
    assert count <= 3


def test_the_query_count_does_not_grow_with_roles_and_memberships(org, login):
    client = login(org.head_a)
    _page, before = empty_page(client)
    for unit in (org.b, org.w2, org.city):
        RoleFactory(cadre=org.head_a, unit=unit, role="leader")
        Membership.objects.create(cadre=org.head_a, unit=unit, valid_from=dt.date(2020, 1, 1))
    _page, after = empty_page(client)
    assert after == before <= 3


def test_the_navigation_follows_the_role(org, login):
    scoring, board = reverse("month:manage"), reverse("directives:board_home")
    client = login(org.staff_a)
    page, _count = empty_page(client)
    assert f'href="{scoring}"' not in page and f'href="{board}"' not in page
    RoleFactory(cadre=org.staff_a, unit=org.a, role="head")
    page, _count = empty_page(client)
    assert f'href="{scoring}"' in page and f'href="{board}"' in page
    Role.objects.filter(cadre=org.staff_a).delete()
    page, _count = empty_page(client)
    assert f'href="{scoring}"' not in page and f'href="{board}"' not in page


def test_a_role_ending_today_counts_today_and_not_tomorrow(org):
    Role.objects.filter(cadre=org.head_a).update(valid_to=TODAY)
    assert scope_for(org.head_a.user).can_act(org.a)
    assert not scope_for(org.head_a.user, on=TODAY + dt.timedelta(days=1)).can_act(org.a)
    assert not scope_for(org.head_a.user, on=TODAY + dt.timedelta(days=1)).read_paths


def test_the_own_unit_follows_the_membership(org):
    assert scope_for(org.staff_a.user).own_unit == org.a
    Membership.objects.filter(cadre=org.staff_a).update(valid_to=TODAY - dt.timedelta(days=1))
    Membership.objects.create(cadre=org.staff_a, unit=org.b, valid_from=TODAY)
    scope = scope_for(org.staff_a.user)
    assert scope.own_unit == org.b
    assert scope.can_view(org.b) and not scope.can_view(org.a)


def test_the_latest_started_membership_is_the_own_unit(org):
    Membership.objects.create(cadre=org.staff_a, unit=org.b, valid_from=TODAY)
    assert scope_for(org.staff_a.user).own_unit == org.b
    assert scope_for(org.staff_a.user, on=TODAY - dt.timedelta(days=1)).own_unit == org.a


def test_the_scope_holds_whole_rows(org):
    RoleFactory(cadre=org.head_a, unit=org.w2, role="leader")
    scope = scope_for(org.head_a.user)
    assert scope.cadre == org.head_a and scope.cadre.full_name == org.head_a.full_name
    assert [(r.unit.code, r.role) for r in scope.roles] == [("W1-A", "head"), ("W2", "leader")]
    assert all(r.pk and r.cadre == org.head_a for r in scope.roles)
    assert scope.roles[0].unit.name == org.a.name and scope.roles[0].unit.path == org.a.path
    assert scope.own_unit.parent_id == org.w1.pk
    assert scope.acting_role_paths == [(org.a.path, "head")]


def test_a_user_without_a_cadre_has_an_empty_scope(org):
    scope = scope_for(org.admin)
    assert scope.cadre is None and scope.roles == () and scope.own_unit is None
    assert scope.is_admin


def test_the_menus_follow_the_kind_of_user_the_page_and_the_language(org, login, settings):
    """The menu items are rendered once per combination of what they show (units/context_
    processors.py): each kind of user still gets its own, the current page is marked, and the
    language is the reader's."""
    admin_menu, dashboard = f'href="{reverse("admin:index")}"', reverse("dashboard")
    page, _count = empty_page(login(org.admin))
    assert admin_menu in page
    client = login(org.staff_a)
    page, _count = empty_page(client)
    assert admin_menu not in page and f'href="{dashboard}"' not in page
    client = login(org.leader_w1)
    page, _count = empty_page(client)
    assert f'href="{dashboard}"' in page and 'aria-current="page"' not in page
    on_dashboard = client.get(dashboard).content.decode()
    assert f'active" href="{dashboard}" aria-current="page"' in on_dashboard
    assert ">Bảng điều hành</a>" in on_dashboard
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert ">Dashboard</a>" in client.get(dashboard).content.decode()

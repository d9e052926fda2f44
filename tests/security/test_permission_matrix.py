"""Every named URL × eight roles (DESIGN §7), generated from the URLconf: a URL missing from
the matrix fails, an entry for a URL that is gone fails, and every refused POST writes nothing."""

import sys

import pytest
from django.test import Client
from django.urls import reverse

from directives.models import TaskStatus
from scoring.models import Adjustment, Appeal, AppealStatus, Phase, Scorecard, ScorecardKind
from tests.scoring.factories import open_period, points
from tests.security.matrix import LAST, MATRIX, ROLES, build_scenario, snapshot, url_names

pytestmark = pytest.mark.django_db

REFUSED = {"L", "403", "404", "405"}
FLOOR = 500  # URL × role × method cases; the matrix has more


@pytest.fixture
def scenario(org, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return build_scenario(org)


def test_every_url_has_a_matrix_entry():
    assert sorted(url_names() - MATRIX.keys()) == []


def test_every_matrix_entry_is_a_url():
    assert sorted(MATRIX.keys() - url_names()) == []


def outcome(response) -> str:
    if response.status_code == 302:
        return "L" if response["Location"].startswith(reverse("login")) else "R"
    return str(response.status_code)


def request(scenario, role, name, method) -> str:
    entry = MATRIX[name]
    client = Client()
    user = scenario.users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=entry.kwargs(scenario))
    data = entry.query(scenario) if method == "get" else entry.data(scenario)
    response = getattr(client, method)(url, data)
    if response.streaming:
        b"".join(response.streaming_content)  # reading to the end closes the file
    return outcome(response)


def cases():
    """(name, method) in the order they run: every GET, then every POST, LAST at the end."""
    gets = [(name, "get") for name in MATRIX]
    posts = [(name, "post") for name, entry in MATRIX.items() if entry.post is not None]
    posts.sort(key=lambda case: case[0] in LAST)
    return gets + posts


def test_permission_matrix(scenario, capsys):
    failures = []
    checked = 0
    state = snapshot()
    for name, method in cases():
        expected = getattr(MATRIX[name], method)
        for role in ROLES:
            got = request(scenario, role, name, method)
            checked += 1
            if got != expected[role]:
                failures.append(
                    f"{method.upper()} {name} as {role}: {got}, expected {expected[role]}"
                )
            if method == "post":
                after = snapshot()
                if expected[role] in REFUSED and after != state:
                    failures.append(f"POST {name} as {role} was refused but wrote")
                state = after
    with capsys.disabled():
        sys.stdout.write(
            f"\npermission matrix: {len(MATRIX)} URLs × {len(ROLES)} roles"
            f" = {checked} cases checked\n"
        )
    assert not failures, "\n".join(failures)
    assert checked >= FLOOR
    allowed_writes_went_through(scenario)


def allowed_writes_went_through(s):
    """The POSTs of the roles that may write did write: the refused ones had something to do."""
    s.review.refresh_from_db()
    s.decided.refresh_from_db()
    s.task.refresh_from_db()
    s.appeal.refresh_from_db()
    assert s.review.phase == Phase.DECIDED
    assert s.decided.phase == Phase.APPEALS
    assert s.task.status == TaskStatus.IN_PROGRESS
    assert s.appeal.status == AppealStatus.REJECTED
    assert not Adjustment.objects.filter(pk=s.adjustment.pk).exists()
    assert Adjustment.objects.filter(period=s.review, reason="Vắng họp").count() == 1
    card = Scorecard.objects.get(
        period=s.review, ratee=s.org.staff_a, kind=ScorecardKind.SUPERVISOR
    )
    assert card.updated_by == s.org.head_a.user
    assert card.lines.get(criterion__code="G4").points == 7
    assert Appeal.objects.filter(period=s.published, cadre=s.org.staff_a2).count() == 1
    for ratee, kind in ((s.org.staff_a, ScorecardKind.SELF), (s.ratee, ScorecardKind.PEER)):
        card = Scorecard.objects.get(period=s.review, ratee=ratee, rater=s.org.staff_a, kind=kind)
        assert (card.version, card.updated_by) == (2, s.org.staff_a.user)


def test_a_form_naming_a_scorecard_that_does_not_exist_is_answered_not_a_500(org, login):
    period = open_period(org.a, "2026-10", phase=Phase.SELF)
    form = {f"points_{code}": str(value) for code, value in points().items()}
    response = login(org.staff_a).post(
        reverse("month:self", args=[period.pk]), form | {"version": "3", "action": "submit"}
    )
    assert response.status_code == 200
    assert "changed after you opened it" in response.content.decode()
    assert not Scorecard.objects.filter(period=period).exists()

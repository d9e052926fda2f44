"""Every named URL × eight roles (DESIGN §7), generated from the URLconf: a URL missing from
the matrix fails, an entry for a URL that is gone fails, and every refused POST writes nothing."""

import sys
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from directives.models import TaskStatus
from scoring.models import Adjustment, Appeal, AppealStatus, Phase, Scorecard, ScorecardKind
from scoring.services import appeal_file, period_decide, period_publish
from tests.scoring.factories import open_period, points, submit
from tests.security.matrix import LAST, MATRIX, ROLES, build_scenario, snapshot, url_names
from units.models import Cadre

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
    writes = sum(1 for entry in MATRIX.values() if entry.post is not None)
    with capsys.disabled():
        sys.stdout.write(
            f"\npermission matrix: {len(MATRIX)} URLs ({writes} also by POST) × {len(ROLES)}"
            f" roles = {checked} cases checked\n"
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
    assert s.review.units.get(unit=s.org.a).pool == 8_500_000  # months:pools
    for ratee, kind in ((s.org.staff_a, ScorecardKind.SELF), (s.ratee, ScorecardKind.PEER)):
        card = Scorecard.objects.get(period=s.review, ratee=ratee, rater=s.org.staff_a, kind=kind)
        assert (card.version, card.updated_by) == (2, s.org.staff_a.user)


def test_a_form_naming_a_scorecard_that_does_not_exist_is_answered_not_a_500(org, login, settings):
    period = open_period(org.a, "2026-10", phase=Phase.SELF)
    form = {f"points_{code}": str(value) for code, value in points().items()}
    client = login(org.staff_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("month:self", args=[period.pk]), form | {"version": "3", "action": "submit"}
    )
    assert response.status_code == 200
    assert "changed after you opened it" in response.content.decode()
    assert not Scorecard.objects.filter(period=period).exists()


# --- a NUL anywhere in a URL: 400, never a 500 (PostgreSQL refuses NUL in text) -------------


def nul_variants(scenario):
    """Every GET URL of the matrix with a NUL in one of its text arguments or query values."""
    for name, entry in MATRIX.items():
        kwargs, query = entry.kwargs(scenario), entry.query(scenario)
        for key, value in kwargs.items():
            if isinstance(value, str):
                try:
                    yield name, reverse(name, kwargs=kwargs | {key: f"{value}\x00"}), query
                except NoReverseMatch:
                    continue  # the converter refuses it: the URL cannot even be written
        for key in query:
            yield name, reverse(name, kwargs=kwargs), query | {key: "\x00"}


def test_a_nul_anywhere_in_a_url_is_a_400_not_a_500(scenario):
    client = Client(raise_request_exception=False)
    client.force_login(scenario.users["admin"])
    statuses = {
        (name, url, str(query)): client.get(url, query).status_code
        for name, url, query in nul_variants(scenario)
    }
    assert len(statuses) >= 30
    assert {case: status for case, status in statuses.items() if status != 400} == {}


# --- one period over the ward: a head of a sibling unit reads only their own part ------------

ALPHA = "Alpha Unique 5151"  # SA of W1-A, renamed so any mention of them is a plain substring


@pytest.fixture
def ward(org):
    """Periods over the whole ward W1: 2026-10 in review (SA has no self-assessment yet),
    2026-09 published with SA's open appeal."""
    Cadre.objects.filter(pk=org.staff_a.pk).update(full_name=ALPHA)
    published = open_period(org.w1, "2026-09", phase=Phase.REVIEW)
    for cadre, head in (
        (org.staff_a, org.head_a),
        (org.staff_a2, org.head_a),
        (org.staff_b, org.head_b),
    ):
        submit(published, cadre, cadre, "self")
        submit(published, cadre, head, "supervisor", points(T=50))
    published = period_publish(period=period_decide(period=published, user=None), user=None)
    appeal = appeal_file(period=published, cadre=org.staff_a, text="Xin xem lại", user=None)
    review = open_period(org.w1, "2026-10", phase=Phase.REVIEW)
    return SimpleNamespace(org=org, published=published, review=review, appeal=appeal)


def test_a_head_inside_a_ward_period_reads_only_their_own_unit(ward, login):
    org, review, published = ward.org, ward.review.pk, ward.published.pk
    shared = [
        ("month:decide", [review], {}),
        ("month:decide", [published], {}),
        ("month:appeals", [published], {}),
        ("month:progress", [review], {}),
        ("periods:year", [2026, "W1-B"], {}),
        ("dashboard-ranking", [], {"unit": "W1-B", "month": "2026-09"}),
    ]
    for name, args, query in shared:
        url = reverse(name, args=args)
        assert ALPHA not in login(org.head_b).get(url, query).content.decode(), name
        if name.startswith("month:"):  # the same page over W1-A names SA
            assert ALPHA in login(org.head_a).get(url, query).content.decode(), name
    client = login(org.head_b)
    for name, args, query in [
        ("month:progress", [review], {"unit": "W1-A"}),
        ("month:grid", [review, "W1-A"], {}),
        ("month:cadre_result", [published, "SA"], {}),
        ("month:tasks", [review, "SA"], {}),
        ("dashboard-cadre", ["SA"], {}),
        ("dashboard", [], {"unit": "W1", "month": "2026-09"}),
        ("periods:year", [2026, "W1"], {}),
    ]:
        assert client.get(reverse(name, args=args), query).status_code == 404, name
    reply = reverse("month:appeal_reply", args=[published, ward.appeal.pk])
    answer = {"decision": "reject", "answer": "Không"}
    assert client.post(reply, answer).status_code == 404
    for name, pk in (("month:decide", review), ("month:publish", published)):
        assert client.post(reverse(name, args=[pk])).status_code == 403, name
    ward.appeal.refresh_from_db()
    ward.review.refresh_from_db()
    assert (ward.appeal.status, ward.review.phase) == (AppealStatus.OPEN, Phase.REVIEW)

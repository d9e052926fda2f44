"""Every named URL × eight roles (docs/RULES.md §3), generated from the URLconf: a URL missing from
the matrix fails, an entry for a URL that is gone fails, every refused POST writes nothing, and
docs/RULES.md shows this very matrix."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from directives.dossiers.models import DossierRating
from directives.models import AuditEntry as TaskAuditEntry
from directives.models import Task, TaskStatus
from scoring.api.models import ApiClient
from scoring.models import (
    Adjustment,
    Appeal,
    AppealStatus,
    Phase,
    Revision,
    Scorecard,
    ScorecardKind,
)
from tests.conftest import build_org
from tests.security.matrix import (
    LAST,
    MATRIX,
    ROLES,
    build_scenario,
    documented,
    markdown,
    snapshot,
    url_names,
)
from units.models import AccountEvent, AccountEventKind

pytestmark = pytest.mark.django_db

REFUSED = {"L", "401", "403", "404", "405"}
FLOOR = 500  # URL × role × method cases; the matrix has more


@pytest.fixture(scope="module")
def matrix_scenario(django_db_setup, django_db_blocker, tmp_path_factory):
    """The scenario built once per module (per xdist worker) inside a transaction; each case
    runs in a savepoint of it (the `db` fixture) and is rolled back, so every case starts from
    the same scenario, and the transaction is rolled back after the module."""
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media), PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield build_scenario(build_org())
        transaction.set_rollback(True)


@pytest.fixture
def scenario(matrix_scenario, db):
    return matrix_scenario


def test_every_url_has_a_matrix_entry():
    assert sorted(url_names() - MATRIX.keys()) == []


def test_every_matrix_entry_is_a_url():
    assert sorted(MATRIX.keys() - url_names()) == []


def test_rules_md_shows_the_matrix():
    """docs/RULES.md §3 shows the table these tests run: `make matrix-doc` after a change."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "RULES.md").read_text(encoding="utf-8")
    assert documented(text) == markdown(), "docs/RULES.md shows another matrix: make matrix-doc"


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


CASES = [(name, method, role) for name, method in cases() for role in ROLES]


def test_the_matrix_checks_enough_cases():
    assert len(CASES) >= FLOOR


@pytest.mark.parametrize(
    ("name", "method", "role"), CASES, ids=[f"{m.upper()} {n} as {r}" for n, m, r in CASES]
)
def test_permission(scenario, name, method, role):
    """One URL, one method, one role: the outcome the matrix gives, and a refused POST writes
    nothing. Each case starts from the same scenario (rolled back after each)."""
    expected = getattr(MATRIX[name], method)[role]
    before = snapshot() if method == "post" else None
    assert request(scenario, role, name, method) == expected
    if method == "post" and expected in REFUSED:
        assert snapshot() == before, "refused, but wrote"


def test_the_allowed_writes_go_through(scenario):
    """The POSTs of the roles that may write, one after another on one scenario, did write:
    the refused ones had something to do."""
    for name, method in cases():
        if method != "post":
            continue
        for role in ROLES:
            if MATRIX[name].post[role] not in REFUSED:
                request(scenario, role, name, method)
    allowed_writes_went_through(scenario)


def allowed_writes_went_through(s):
    """The POSTs of the roles that may write did write: the refused ones had something to do."""
    s.review.refresh_from_db()
    s.decided.refresh_from_db()
    s.task.refresh_from_db()
    s.appeal.refresh_from_db()
    s.correction.refresh_from_db()
    assert s.review.phase == Phase.DECIDED
    assert not s.correction.is_open and Revision.objects.filter(correction=s.correction).exists()
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
    client = ApiClient.objects.get(pk=s.api_client.pk)
    assert (client.name, client.unit, client.access, client.revoked) == (
        "eOffice",
        s.org.a,
        "read",
        True,
    )
    assert ApiClient.objects.filter(name="Một cửa").exists()
    imported = Task.objects.get(code="NV-MATRIX")
    assert (imported.assignee, imported.assigned_by) == (s.org.staff_a2, s.org.head_a)
    assert TaskAuditEntry.objects.get(action="tasks_import").user == s.org.head_a.user
    # The dossier ratings import: the head of W1-A, then the administrator (the same row again).
    dossier = DossierRating.objects.get(code="HS-MATRIX")
    assert (dossier.unit, dossier.cadre) == (s.org.a, s.org.staff_a)
    imports = TaskAuditEntry.objects.filter(action="dossiers_import").order_by("pk")
    assert [e.user for e in imports] == [s.org.head_a.user, s.org.admin]
    # The administrator's catalogue writes: an import, an item added, an item changed.
    others = TaskAuditEntry.objects.exclude(action__in=["tasks_import", "dossiers_import"]).exclude(
        action__startswith="api_client."
    )
    catalogue = {e.action: e for e in others}
    assert sorted(catalogue) == ["catalogue_import", "catalogue_item_saved"]
    assert {e.user for e in others} == {s.org.admin}
    items = dict(s.regulation.catalogue_items.values_list("code", "coefficient"))
    assert items == {"SP-BC-01": Decimal("2"), "SP-MOI": Decimal("1"), "SP-TD-01": Decimal("0.5")}
    assert TaskAuditEntry.objects.filter(action__startswith="api_client.").count() == 4
    link = AccountEvent.objects.get(kind=AccountEventKind.PASSWORD_LINK)
    assert (link.actor, link.account) == (s.org.admin, s.org.staff_a.user)
    assert s.review.units.get(unit=s.org.a).pool == 8_500_000  # months:pools
    for ratee, kind in ((s.org.staff_a, ScorecardKind.SELF), (s.ratee, ScorecardKind.PEER)):
        card = Scorecard.objects.get(period=s.review, ratee=ratee, rater=s.org.staff_a, kind=kind)
        assert (card.version, card.updated_by) == (2, s.org.staff_a.user)


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

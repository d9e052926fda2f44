"""Issue 16's settings in the regulation's admin form, and the dossier ratings read-only there
(the import and the API write them)."""

import datetime as dt

import pytest
from django.urls import reverse

from directives.dossiers.models import DossierRating, Rating
from directives.models import Regulation

pytestmark = pytest.mark.django_db
SETTINGS = (
    "satisfaction_points",
    "satisfaction_threshold",
    "satisfaction_min_ratings",
    "satisfaction_bonus",
    "complaint_penalty",
    "on_time_target",
    "radar_consecutive_months",
    "radar_months_of_12",
)


def test_the_regulation_form_shows_every_new_setting_with_its_default(login, org):
    regulation = Regulation.objects.get(code="ND335")
    page = login(org.admin).get(reverse("admin:directives_regulation_change", args=[regulation.pk]))
    text = page.content.decode()
    for name in SETTINGS:
        assert f'name="{name}"' in text, name
    assert (regulation.on_time_target, regulation.satisfaction_points) == (100, False)
    assert (regulation.radar_consecutive_months, regulation.radar_months_of_12) == (3, 6)


def test_the_dossier_ratings_are_read_only_in_the_admin(login, org):
    rating = DossierRating.objects.create(
        code="HS-1",
        unit=org.a,
        cadre=org.staff_a,
        handled_on=dt.date(2026, 3, 2),
        on_time=True,
        rating=Rating.SATISFIED,
    )
    client = login(org.admin)
    listing = client.get(reverse("admin:directives_dossierrating_changelist"), {"q": "HS-1"})
    assert listing.status_code == 200 and "HS-1" in listing.content.decode()
    assert client.get(reverse("admin:directives_dossierrating_add")).status_code == 403
    change = reverse("admin:directives_dossierrating_change", args=[rating.pk])
    assert 'name="comment"' not in client.get(change).content.decode()

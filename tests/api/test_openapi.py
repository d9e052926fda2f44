"""The checked-in description (docs/openapi.yaml) is the one the running code generates."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

CHECKED_IN = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_the_checked_in_openapi_file_has_not_drifted(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == CHECKED_IN.read_text(), (
        "docs/openapi.yaml differs from the code: run `make openapi` and commit it"
    )


def test_every_api_endpoint_is_described_with_its_token():
    text = CHECKED_IN.read_text()
    for path in (
        "/api/v1/units/",
        "/api/v1/cadres/",
        "/api/v1/results/{month}/",
        "/api/v1/results/year/{year}/",
        "/api/v1/tasks/",
        "/api/v1/tasks/{code}/",
        "/api/v1/webhook/",
    ):
        assert f"  {path}:" in text
    assert "scheme: bearer" in text and "application/problem+json" in text


def test_the_swagger_page_is_served_from_our_own_static_files(org, login):
    page = login(org.staff_a).get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "<script>" not in page

"""The production static files' storage (config/storage.py) keeps each address after its first
use and never keeps a refusal."""

import json

import pytest
from django.core.files.storage import storages
from django.test import override_settings


@pytest.fixture
def manifest_storage(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/app.css": "css/app.0123abcd.css"}, "version": "1.1"})
    )
    backends = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
    }
    with override_settings(DEBUG=False, STATIC_ROOT=tmp_path, STORAGES=backends):
        yield storages["staticfiles"]


def test_the_hashed_address_is_worked_out_once(manifest_storage, monkeypatch):
    assert manifest_storage.url("css/app.css") == "/static/css/app.0123abcd.css"
    looked_up = []
    real = type(manifest_storage).stored_name

    def stored_name(self, name):
        looked_up.append(name)
        return real(self, name)

    monkeypatch.setattr(type(manifest_storage), "stored_name", stored_name)
    assert manifest_storage.url("css/app.css") == "/static/css/app.0123abcd.css"
    assert looked_up == []


def test_a_file_missing_from_the_manifest_is_refused_every_time(manifest_storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            manifest_storage.url("css/missing.css")

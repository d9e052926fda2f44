import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The org fixture makes ten accounts; the production hasher would take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

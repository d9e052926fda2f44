import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, password):
    return client.post(reverse("login"), {"username": "canbo", "password": password})


def test_ten_wrong_passwords_lock_the_account(client, settings):
    UserFactory(username="canbo", password="Dung-mat-khau-2026")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "sai").status_code == 200
    locked = attempt(client, "sai")
    assert locked.status_code == 429
    assert "Tài khoản tạm khóa" in locked.content.decode()
    # Even the right password is refused while the account is locked.
    assert attempt(client, "Dung-mat-khau-2026").status_code == 429


def test_nine_wrong_passwords_do_not_lock_and_success_resets_the_count(client, settings):
    UserFactory(username="canbo", password="Dung-mat-khau-2026")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "sai")
    assert attempt(client, "Dung-mat-khau-2026").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "sai").status_code == 200


def test_the_lock_is_per_account_not_per_address(client, settings):
    UserFactory(username="canbo", password="Dung-mat-khau-2026")
    UserFactory(username="other", password="Khac-mat-khau-2026")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "sai")
    other = client.post(reverse("login"), {"username": "other", "password": "Khac-mat-khau-2026"})
    assert other.status_code == 302

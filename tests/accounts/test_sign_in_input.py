"""Hostile usernames at local sign-in: refused at the form, before django-axes or the database
sees them; the typed password is never sent back."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
PASSWORD = "a-refused-password-typed-here"


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("a" * 151, "Username must be 150 characters or fewer"),
        ("b" * 10_000, "Username must be 150 characters or fewer"),
        ("nul\x00name", "Username must not contain control characters"),
        ("bell\x07name", "Username must not contain control characters"),
        ("tab\tname", "Username must not contain control characters"),
        ("del\x7fname", "Username must not contain control characters"),
        ("next\u0085line", "Username must not contain control characters"),
    ],
)
def test_a_username_too_long_or_with_control_characters_is_refused_at_the_field(username, message):
    from axes.models import AccessAttempt

    response = Client().post(SIGN_IN, {"username": username, "password": PASSWORD})

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert PASSWORD not in body
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(action="auth.sign_in.failed")
    assert event.target_id == ""
    assert event.details == {"method": "local_password", "reason": "invalid_username"}


def test_a_refused_password_is_not_echoed_back(make_staff):
    user = make_staff(Role.AUDITOR)
    response = Client().post(SIGN_IN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert PASSWORD not in response.content.decode()


def test_a_valid_username_is_still_counted_towards_lockout(make_staff):
    from axes.models import AccessAttempt

    user = make_staff(Role.AUDITOR)
    Client().post(SIGN_IN, {"username": user.username, "password": PASSWORD})
    assert AccessAttempt.objects.get().failures_since_start == 1

"""The step-up window: what counts as an authentication, and for how long."""

import time

from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from notifyadmin.accounts.stepup import stepup_is_fresh, stepup_time


def request_with(**session_values):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session.update(session_values)
    return request


def test_a_local_password_sign_in_is_an_authentication(db):
    # Given someone who signed in with their password a minute ago: they are not asked again
    request = request_with(signed_in_at=int(time.time()) - 60)
    assert stepup_is_fresh(request, max_age_seconds=300)
    # And once the window has passed, they are
    request = request_with(signed_in_at=int(time.time()) - 301)
    assert not stepup_is_fresh(request, max_age_seconds=300)


def test_a_cis2_sign_in_counts_its_auth_time_not_the_moment_the_session_began(db):
    # A CIS2 sign-in may reuse a CIS2 session authenticated an hour ago
    now = int(time.time())
    request = request_with(sign_in_method="cis2", signed_in_at=now, auth_time=now - 3600)
    assert stepup_time(request).timestamp() == now - 3600
    assert not stepup_is_fresh(request, max_age_seconds=300)


def test_a_step_up_is_an_authentication(db):
    now = int(time.time())
    request = request_with(signed_in_at=now - 3600, reauthenticated_at=now - 10)
    assert stepup_time(request).timestamp() == now - 10


def test_nothing_known_is_not_fresh(db):
    assert stepup_time(request_with()) is None
    assert not stepup_is_fresh(request_with(), max_age_seconds=300)

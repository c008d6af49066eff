"""Step-up with CIS2 (prompt=login, max_age) and session limits."""

import time
from urllib.parse import parse_qs, urlsplit

import time_machine

from audit.models import AuditEvent
from notifyadmin.accounts.stepup import recent_authentication_required, stepup_is_fresh

from .conftest import DESIGNER_UID, MULTI_ROLE_UID


def _age_auth_time(client, seconds: int) -> None:
    session = client.session
    session["auth_time"] = int(time.time()) - seconds
    session.save()


def test_stepup_sends_cis2_users_to_cis2_and_back_with_a_fresh_auth_time(journey, cis2, settings, rf):
    settings.STEPUP_MAX_AGE_SECONDS = 300
    journey.sign_in(uid=DESIGNER_UID)
    _age_auth_time(journey.client, 3600)
    session_key = journey.client.session.session_key

    # The high-risk page's guard (stepup.py) sends a CIS2 user to /oidc/stepup/.
    request = rf.get("/templates/x/sign-off/")
    request.session = journey.client.session
    guard = recent_authentication_required(request, max_age_minutes=5)
    assert guard is not None and guard["Location"] == "/oidc/stepup/?next=%2Ftemplates%2Fx%2Fsign-off%2F"

    location = journey.start("/oidc/stepup/?next=/accounts/switch-role/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["prompt"] == "login" and query["max_age"] == "300"
    response = journey.client.get(journey.at_standin(location, uid=DESIGNER_UID))

    assert response.status_code == 302 and response["Location"] == "/accounts/switch-role/"
    session = journey.client.session
    assert session.session_key == session_key  # the same session, not a new sign-in
    assert abs(session["auth_time"] - time.time()) < 5
    request.session = session
    assert stepup_is_fresh(request, max_age_seconds=60)
    event = AuditEvent.objects.get(action="auth.stepup.completed")
    assert event.cis2_uid == DESIGNER_UID and event.details == {"method": "cis2"}
    assert AuditEvent.objects.filter(action="auth.sign_in.succeeded").count() == 1


def test_stepup_as_someone_else_is_refused_with_what_happened(journey, cis2):
    from notifyadmin.accounts.models import StaffUser

    # Given a designer signed in, sent to CIS2 to confirm their identity
    journey.sign_in(uid=DESIGNER_UID)
    _age_auth_time(journey.client, 3600)
    designer = StaffUser.objects.get(cis2_uid=DESIGNER_UID)
    session_key = journey.client.session.session_key
    location = journey.start("/oidc/stepup/?next=/accounts/switch-role/")

    # When someone else authenticates at CIS2
    response = journey.client.get(journey.at_standin(location, uid=MULTI_ROLE_UID, person_roleid="555134560701"))

    # Then it is refused, saying what happened, and the designer's session is as it was
    assert response.status_code == 403
    body = response.content.decode()
    assert "You confirmed your identity as someone else at NHS Care Identity (CIS2)" in body
    assert "/oidc/stepup/?next=%2Faccounts%2Fswitch-role%2F" in body
    session = journey.client.session
    assert session.session_key == session_key
    assert session["_auth_user_id"] == str(designer.pk)
    assert time.time() - session["auth_time"] >= 3600
    assert "cis2_stepup_pending" not in session
    # and the audit trail says so, not "forged callback"; nothing about the other person is written
    event = AuditEvent.objects.get(action="auth.stepup.different_person")
    assert event.actor == designer
    assert event.details == {"method": "cis2", "confirmed_as_cis2_uid": MULTI_ROLE_UID}
    assert not AuditEvent.objects.filter(action__in=["auth.cis2.sign_in.refused", "auth.stepup.completed"]).exists()
    assert AuditEvent.objects.filter(action="auth.sign_in.succeeded").count() == 1
    assert not StaffUser.objects.filter(cis2_uid=MULTI_ROLE_UID).exists()


def test_stepup_refused_token_leaves_auth_time_stale(journey, cis2):
    journey.sign_in(uid=DESIGNER_UID)
    _age_auth_time(journey.client, 3600)
    cis2.next_id_token("stale_auth_time")
    location = journey.start("/oidc/stepup/?next=/")
    response = journey.client.get(journey.at_standin(location, uid=DESIGNER_UID))
    assert response.status_code == 400
    assert time.time() - journey.client.session["auth_time"] >= 3600


def test_stepup_needs_sign_in(cis2, client):
    response = client.get("/oidc/stepup/?next=/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")


def test_session_ends_after_the_absolute_limit_even_when_active(journey, cis2, settings):
    settings.SESSION_COOKIE_AGE = 12 * 60 * 60
    settings.SESSION_IDLE_SECONDS = 15 * 60
    with time_machine.travel(time.time(), tick=True) as traveller:
        journey.sign_in(uid=DESIGNER_UID)
        for _ in range(12 * 6):  # active every 10 minutes for 12 hours
            traveller.shift(600)
            response = journey.client.get("/")
            if response.status_code != 200:
                break
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/sign-in/")
    assert "signed_in_at" not in journey.client.session


def test_session_ends_after_idle_limit(journey, cis2):
    with time_machine.travel(time.time(), tick=True) as traveller:
        journey.sign_in(uid=DESIGNER_UID)
        traveller.shift(16 * 60)
        assert journey.client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(journey, cis2):
    journey.sign_in(uid=DESIGNER_UID)
    cookie = journey.client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_expiry_is_audited_with_the_cis2_identity(journey, cis2):
    from audit.models import AuditEvent

    with time_machine.travel(time.time(), tick=True) as traveller:
        journey.sign_in(uid=DESIGNER_UID)
        traveller.shift(16 * 60)
        journey.client.get("/")
    event = AuditEvent.objects.get(action="auth.session.expired")
    assert event.cis2_uid == DESIGNER_UID and event.cis2_role_id == "555134560101"

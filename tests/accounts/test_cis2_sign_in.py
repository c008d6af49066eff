"""CIS2 sign-in end to end: notifyadmin (Django test client) against the CIS2 stand-in over HTTP."""

from urllib.parse import parse_qs, urlsplit

import pytest

from audit.models import AuditEvent
from notifyadmin.accounts.models import Cis2Session, RoleAssignment, StaffUser
from notifyadmin.accounts.roles import Role

from .conftest import ADMIN_UID, DESIGNER_UID, MULTI_ROLE_UID, NO_ROLES_UID, RECEPTIONIST_UID


def test_authorize_request_carries_pkce_state_nonce_scopes_and_acr(journey, cis2):
    location = journey.start()
    assert location.startswith(f"{cis2.issuer}/authorize?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["response_type"] == "code"
    assert query["scope"] == "openid profile email nhsperson associatedorgs nationalrbacaccess selectedrole"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert query["state"] and query["nonce"]
    assert query["acr_values"] == "AAL2_OR_AAL3_ANY"
    assert query["prompt"] == "login"
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"


@pytest.mark.parametrize("client_auth", ["private_key_jwt", "client_secret_post"])
def test_new_person_signs_in_and_lands_on_their_home_page(journey, cis2, settings, cis2_keys, client_auth):
    from .cis2_support import configure

    configure(settings, standin=cis2, private_key=cis2_keys[0], base_url="http://testserver", client_auth=client_auth)

    response = journey.sign_in(uid=DESIGNER_UID)

    assert response.status_code == 302 and response["Location"] == "/"
    user = StaffUser.objects.get(cis2_uid=DESIGNER_UID)
    assert (user.first_name, user.last_name, user.email) == ("Priya", "Raman", "priya.raman@northfield-nhs.example")
    assert not user.has_usable_password()
    assert [a.role for a in RoleAssignment.objects.filter(user=user)] == [Role.CONTENT_DESIGNER]
    session = journey.client.session
    assert session["sign_in_method"] == "cis2"
    assert session["cis2_selected_role_id"] == "555134560101"
    assert isinstance(session["auth_time"], int)
    assert session["oidc_id_token"]
    cis2_session = Cis2Session.objects.get(user=user)
    assert cis2_session.sid == session["sign_in_session_id"] == cis2.sessions()[-1].sid
    assert cis2_session.session_key == session.session_key

    home = journey.client.get("/")
    assert home.status_code == 200
    page = home.content.decode()
    assert "Priya Raman" in page and "Content designer" in page and "Northfield Teaching Hospitals" in page

    event = AuditEvent.objects.get(action="auth.sign_in.succeeded")
    assert event.details == {"method": "cis2"}
    assert (event.cis2_uid, event.cis2_role_id, event.sign_in_session_id) == (
        DESIGNER_UID,
        "555134560101",
        cis2_session.sid,
    )
    assert event.actor_role == Role.CONTENT_DESIGNER


def test_every_later_audit_event_is_attributed_to_the_cis2_identity(journey, cis2):
    journey.sign_in(uid=MULTI_ROLE_UID, person_roleid="555134560703")
    journey.client.post("/accounts/sign-out/")
    event = AuditEvent.objects.get(action="auth.signed_out")
    assert (event.cis2_uid, event.cis2_role_id) == (MULTI_ROLE_UID, "555134560703")
    assert event.sign_in_session_id


def test_combined_role_gives_both_app_roles(journey, cis2):
    journey.sign_in(uid=MULTI_ROLE_UID, person_roleid="555134560703")
    user = StaffUser.objects.get(cis2_uid=MULTI_ROLE_UID)
    assert sorted(a.role for a in user.role_assignments.all()) == [Role.CLINICAL_SAFETY_OFFICER, Role.CONTENT_DESIGNER]


def test_returning_person_is_updated_and_roles_synced_to_the_selected_role(journey, cis2, organisation):
    user = StaffUser.objects.create(username="old", cis2_uid=MULTI_ROLE_UID, first_name="Old", last_name="Name")
    RoleAssignment.objects.create(user=user, organisation=organisation, role=Role.AUDITOR)

    journey.sign_in(uid=MULTI_ROLE_UID, person_roleid="555134560702")

    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Aisha", "Bello")
    assert [a.role for a in user.role_assignments.all()] == [Role.CLINICAL_SAFETY_OFFICER]
    assert AuditEvent.objects.filter(action="staff.role.removed").count() == 1
    assert AuditEvent.objects.filter(action="staff.cis2.updated").count() == 1


def test_next_url_is_honoured(journey, cis2):
    response = journey.sign_in(uid=ADMIN_UID, path="/oidc/authenticate/?next=/accounts/staff/")
    assert response["Location"] == "/accounts/staff/"


@pytest.mark.parametrize("uid", [RECEPTIONIST_UID])
def test_role_that_maps_to_nothing_sees_no_access_page(journey, cis2, uid):
    response = journey.sign_in(uid=uid)

    assert response.status_code == 403
    page = response.content.decode()
    assert "You do not have access to notifyadmin" in page
    assert (
        "ask your organisation&#39;s notifyadmin administrator" in page
        or "ask your organisation's notifyadmin administrator" in page
    )
    assert "S8001:G8001:R5090" in page
    assert "_auth_user_id" not in journey.client.session
    assert not StaffUser.objects.filter(cis2_uid=uid).exists()
    event = AuditEvent.objects.get(action="auth.cis2.no_role")
    assert event.cis2_uid == uid and event.details["reason"] == "no_role"


def test_unknown_organisation_is_refused_unless_allowed(journey, cis2, organisation, settings):
    organisation.cis2_role_mappings.all().delete()
    organisation.ods_code = "RZZ"
    organisation.save()
    settings.CIS2_CREATE_UNKNOWN_ORGANISATIONS = False

    response = journey.sign_in(uid=DESIGNER_UID)

    assert response.status_code == 403
    assert "that organisation is not set up in notifyadmin" in response.content.decode()
    assert AuditEvent.objects.get(action="auth.cis2.no_role").details["reason"] == "unknown_organisation"


def test_unknown_organisation_created_when_allowed_and_global_mapping_applies(journey, cis2, organisation, settings):
    from notifyadmin.accounts.models import Cis2RoleMapping, Organisation

    organisation.cis2_role_mappings.all().delete()
    organisation.ods_code = "RZZ"
    organisation.save()
    Cis2RoleMapping.objects.create(organisation=None, role_code="S8001:G8005:R5001", app_role=Role.CONTENT_DESIGNER)
    settings.CIS2_CREATE_UNKNOWN_ORGANISATIONS = True

    response = journey.sign_in(uid=DESIGNER_UID)

    assert response.status_code == 302
    created = Organisation.objects.get(ods_code="RX1")
    assert created.name == "Northfield Teaching Hospitals NHS Foundation Trust"


def test_person_with_no_roles_is_refused(journey, cis2):
    response = journey.sign_in(uid=NO_ROLES_UID)
    assert response.status_code == 403
    assert "choose your role" in response.content.decode()
    assert AuditEvent.objects.get(action="auth.cis2.sign_in.refused").details == {"reason": "selected_role_missing"}


def test_activity_code_narrows_a_mapping(journey, cis2, organisation):
    from notifyadmin.accounts.models import Cis2RoleMapping

    Cis2RoleMapping.objects.create(
        organisation=organisation, role_code="S8001:G8005:R5001", activity_code="B0002", app_role=Role.AUDITOR
    )
    Cis2RoleMapping.objects.create(
        organisation=organisation, role_code="S8001:G8005:R5001", activity_code="B0099", app_role=Role.OPERATIONS
    )
    journey.sign_in(uid=DESIGNER_UID)
    user = StaffUser.objects.get(cis2_uid=DESIGNER_UID)
    assert sorted(a.role for a in user.role_assignments.all()) == [Role.AUDITOR, Role.CONTENT_DESIGNER]


def test_sign_in_page_offers_cis2_when_configured(cis2, client):
    page = client.get("/accounts/sign-in/?next=/audit/").content.decode()
    assert "Sign in with CIS2" in page
    assert 'href="/oidc/authenticate/?next=%2Faudit%2F"' in page


def test_sign_in_page_without_cis2_has_no_button(client, db):
    assert "Sign in with CIS2" not in client.get("/accounts/sign-in/").content.decode()


def test_cis2_routes_404_when_not_configured(client, db):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.post("/oidc/backchannel-logout/").status_code == 404

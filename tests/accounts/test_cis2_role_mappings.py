"""Administrators edit CIS2 role mappings in the app; every change is audited."""

import pytest

from audit.models import AuditEvent
from notifyadmin.accounts.models import Cis2RoleMapping
from notifyadmin.accounts.roles import Role


@pytest.fixture
def admin_client(client_for):
    return client_for(Role.ADMINISTRATOR)


def test_admin_adds_a_mapping(admin_client, organisation):
    response = admin_client.post(
        "/accounts/role-mappings/new/",
        {"role_code": " s8001:g8005:r5001 ", "activity_code": "b0001", "app_role": "auditor"},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/role-mappings/"
    mapping = Cis2RoleMapping.objects.get()
    assert (mapping.organisation, mapping.role_code, mapping.activity_code, mapping.app_role) == (
        organisation,
        "S8001:G8005:R5001",
        "B0001",
        "auditor",
    )
    event = AuditEvent.objects.get(action="role_mapping.created")
    assert event.details == {"role_code": "S8001:G8005:R5001", "activity_code": "B0001", "app_role": "auditor"}
    assert event.organisation == organisation


def test_bad_input_is_shown_at_the_field(admin_client):
    response = admin_client.post(
        "/accounts/role-mappings/new/", {"role_code": "not a code", "activity_code": "X1", "app_role": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a CIS2 role code in the form S8000:G8000:R8001" in page
    assert "Enter an activity code in the form B0001, or leave it empty" in page
    assert "Choose a notifyadmin role" in page
    assert not Cis2RoleMapping.objects.exists()


@pytest.mark.parametrize("code", ["9990548609", "07700900123", "S8001:12345", "R", "SS8001"])
def test_a_role_code_must_be_letter_and_digits_parts(admin_client, code):
    response = admin_client.post("/accounts/role-mappings/new/", {"role_code": code, "app_role": "auditor"})
    assert response.status_code == 400
    assert "Enter a CIS2 role code in the form S8000:G8000:R8001" in response.content.decode()
    assert not Cis2RoleMapping.objects.filter(role_code=code).exists()


def test_duplicate_is_refused(admin_client, organisation):
    Cis2RoleMapping.objects.create(organisation=organisation, role_code="S1:G1:R1", app_role="auditor")
    response = admin_client.post("/accounts/role-mappings/new/", {"role_code": "S1:G1:R1", "app_role": "auditor"})
    assert response.status_code == 400
    assert "A mapping for this role code, activity code and app role already exists" in response.content.decode()


def test_admin_changes_and_removes_a_mapping(admin_client, organisation):
    mapping = Cis2RoleMapping.objects.create(organisation=organisation, role_code="S1:G1:R1", app_role="auditor")
    page = admin_client.get("/accounts/role-mappings/").content.decode()
    assert "S1:G1:R1" in page and "Auditor" in page

    response = admin_client.post(
        f"/accounts/role-mappings/{mapping.id}/", {"role_code": "S1:G1:R1", "app_role": "operations"}
    )
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.app_role == "operations"
    assert AuditEvent.objects.get(action="role_mapping.changed").details["after"]["app_role"] == "operations"

    assert admin_client.get(f"/accounts/role-mappings/{mapping.id}/delete/").status_code == 200
    assert admin_client.post(f"/accounts/role-mappings/{mapping.id}/delete/").status_code == 302
    assert not Cis2RoleMapping.objects.exists()
    assert AuditEvent.objects.get(action="role_mapping.deleted").target_id == str(mapping.id)


def test_other_organisations_and_national_mappings_cannot_be_edited(admin_client, other_organisation):
    theirs = Cis2RoleMapping.objects.create(organisation=other_organisation, role_code="S1:G1:R1", app_role="auditor")
    national = Cis2RoleMapping.objects.create(organisation=None, role_code="S2:G2:R2", app_role="auditor")
    assert "S1:G1:R1" not in admin_client.get("/accounts/role-mappings/").content.decode()
    for mapping in (theirs, national):
        assert admin_client.get(f"/accounts/role-mappings/{mapping.id}/").status_code == 404
        assert admin_client.post(f"/accounts/role-mappings/{mapping.id}/delete/").status_code == 404
    assert admin_client.get("/accounts/role-mappings/not-a-uuid/").status_code == 404
    assert Cis2RoleMapping.objects.count() == 2


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_only_administrators_manage_mappings(client_for, role):
    assert client_for(role).get("/accounts/role-mappings/").status_code == 403


def test_demo_seeder_maps_the_standin_roles_and_is_safe_twice(organisation, make_staff):
    from notifyadmin.accounts.cis2.demo import seed
    from notifyadmin.core.demo import DemoContext

    admin = make_staff(Role.ADMINISTRATOR, first_name="Sarah", last_name="Whitfield")
    seed(DemoContext(organisation=organisation, people={"admin": admin}))
    seed(DemoContext(organisation=organisation, people={"admin": admin}))
    assert Cis2RoleMapping.objects.filter(organisation=organisation).count() == 8
    created = AuditEvent.objects.filter(action="role_mapping.created")
    # Made by the demo administrator, so the demo's audit trail names who set the mappings up.
    assert sorted(set(created.values_list("actor_name", flat=True))) == ["Sarah Whitfield"]
    assert created.count() == 8


def test_cis2_local_setup_writes_key_and_clients_file(tmp_path, settings):
    import json
    import stat

    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    settings.CIS2_PRIVATE_KEY_PATH = str(tmp_path / "cis2-client" / "private.pem")
    settings.CIS2_CLIENT_ID = "notifyadmin-local"
    call_command("cis2_local_setup")
    key = (tmp_path / "cis2-client" / "private.pem").read_bytes()
    call_command("cis2_local_setup")
    assert (tmp_path / "cis2-client" / "private.pem").read_bytes() == key  # kept, not regenerated
    assert stat.S_IMODE((tmp_path / "cis2-client" / "private.pem").stat().st_mode) == 0o600
    client = json.loads((tmp_path / "cis2-standin-clients.json").read_text())["clients"][0]
    assert client["client_id"] == "notifyadmin-local"
    assert client["redirect_uris"] == ["http://127.0.0.1:8000/oidc/callback/"]
    assert client["backchannel_logout_uri"] == "http://127.0.0.1:8000/oidc/backchannel-logout/"
    assert client["token_endpoint_auth_method"] == "private_key_jwt"
    from notifyadmin.sandboxes.cis2.config import clients_from_file

    assert clients_from_file(tmp_path / "cis2-standin-clients.json")[0].public_key_path.endswith("public.pem")

"""Administrators manage API clients in the app: list, create (key shown once, never cached),
rotate, revoke, deactivate, each with its reason, audited; other roles are refused."""

import re

import pytest
from django.test import Client

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.integrations.models import ApiClient, ApiKey
from tests.integrations.helpers import issue_key

pytestmark = pytest.mark.django_db
LIST = "/integrations/api-clients/"
NEW = "/integrations/api-clients/new/"
READ = "/api/v1/preferences/patients/00000000-0000-0000-0000-000000000000/"


@pytest.fixture
def admin(client_for):
    return client_for(Role.ADMINISTRATOR)


def _key_in(response) -> str:
    return re.search(r'<code id="api-key">([^<]+)</code>', response.content.decode()).group(1)


def _works(key: str) -> bool:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(READ).status_code == 404


def test_the_list_says_what_would_appear_when_empty(admin):
    page = admin.get(LIST).content.decode()
    assert "No client systems yet. When you create one, it appears here" in page


def test_creating_a_client_shows_its_key_once_and_never_caches_it(admin):
    response = admin.post(
        NEW, {"name": "GP SMS gateway", "client_id": "gp-sms", "permissions": ["preference.api"], "reason": "Go live"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = _key_in(response)
    assert key.startswith("gp-sms.") and _works(key)
    client = ApiClient.objects.get(client_id="gp-sms")
    assert client.permissions == ["preference.api"]
    assert key not in admin.get(f"{LIST}{client.id}/").content.decode()
    event = AuditEvent.objects.get(action="api_client.created")
    assert (event.actor_role, event.reason) == ("administrator", "Go live")


def test_refused_input_is_shown_on_the_field_with_a_400(admin):
    response = admin.post(NEW, {"name": "X", "client_id": "Not Valid", "permissions": []})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one thing this client system may do" in page
    assert ApiClient.objects.count() == 0


def test_rotating_with_a_stop_now_issues_a_new_key_and_stops_the_old(admin, organisation):
    old = issue_key(organisation)
    client = ApiClient.objects.get()
    response = admin.post(f"{LIST}{client.id}/rotate/", {"grace": "0", "reason": "Key seen in a log"})
    new = _key_in(response)
    assert (_works(old), _works(new)) == (False, True)
    assert AuditEvent.objects.get(action="api_key.rotated").reason == "Key seen in a log"


def test_revoking_a_key_asks_for_a_reason_first(admin, organisation):
    key = issue_key(organisation)
    client = ApiClient.objects.get()
    record = ApiKey.objects.get()
    url = f"{LIST}{client.id}/keys/{record.id}/revoke/"
    confirm = admin.get(url).content.decode()
    assert "will be refused at once when it uses this key" in confirm
    refused = admin.post(url, {"reason": ""})
    assert refused.status_code == 400 and _works(key)
    done = admin.post(url, {"reason": "Supplier changed"})
    assert done.status_code == 302 and not _works(key)


def test_deactivating_a_client_refuses_all_its_keys(admin, organisation):
    key = issue_key(organisation)
    client = ApiClient.objects.get()
    response = admin.post(f"{LIST}{client.id}/deactivate/", {"reason": "System retired"})
    assert response.status_code == 302 and not _works(key)
    assert AuditEvent.objects.get(action="api_client.deactivated").reason == "System retired"


def test_another_organisations_client_is_not_found(admin, other_organisation):
    issue_key(other_organisation, client_id="theirs")
    theirs = ApiClient.objects.get()
    assert admin.get(f"{LIST}{theirs.id}/").status_code == 404
    assert admin.post(f"{LIST}{theirs.id}/deactivate/", {"reason": "x"}).status_code == 404
    assert ApiClient.objects.get().is_active is True


@pytest.mark.parametrize("role", [Role.SERVICE_DESK, Role.AUDITOR, Role.CONTENT_DESIGNER])
def test_other_roles_are_refused(client_for, role):
    assert client_for(role).get(LIST).status_code == 403
    assert (
        client_for(role).post(NEW, {"name": "X", "client_id": "x", "permissions": ["preference.api"]}).status_code
        == 403
    )
    assert ApiClient.objects.count() == 0


def test_the_administrators_home_links_to_api_clients(admin):
    assert f'href="{LIST}"' in admin.get("/").content.decode()


def test_django_admin_cannot_change_clients(organisation, make_staff):
    issue_key(organisation)
    superuser = make_staff(is_superuser=True, is_staff=True)
    browser = Client()
    browser.force_login(superuser)
    client = ApiClient.objects.get()
    page = browser.get(f"/django-admin/integrations/apiclient/{client.id}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    browser.post(f"/django-admin/integrations/apiclient/{client.id}/change/", {"is_active": ""})
    assert ApiClient.objects.get().is_active is True


def test_changing_what_a_client_may_do_applies_to_its_next_request(admin, organisation):
    key = issue_key(organisation)
    client = ApiClient.objects.get()
    url = f"{LIST}{client.id}/permissions/"
    assert 'value="preference.api" checked' in admin.get(url).content.decode()
    unchanged = admin.post(url, {"permissions": ["preference.api"], "reason": "Check"})
    assert unchanged.status_code == 400 and "You have not changed anything." in unchanged.content.decode()
    response = admin.post(url, {"permissions": ["template.api"], "reason": "Events only now"})
    assert response.status_code == 302
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(READ).status_code == 403
    assert AuditEvent.objects.get(action="api_client.permissions.changed").reason == "Events only now"

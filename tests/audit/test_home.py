"""The auditor's home page shows recent activity and the latest verifications."""

import pytest
from django.db import transaction

from audit.services import audit_record
from audit.tasks import verify_audit_chain
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor

pytestmark = pytest.mark.django_db


def test_an_auditor_lands_on_recent_activity_and_the_latest_verification(client_for, organisation, other_organisation):
    with transaction.atomic():
        audit_record(actor=Actor.system(name="tests", organisation=organisation), action="auth.signed_out")
        audit_record(actor=Actor.system(name="tests", organisation=other_organisation), action="auth.role.switched")
    verify_audit_chain()
    body = client_for(Role.AUDITOR).get("/").content.decode()
    assert "Recent activity in your organisation" in body
    assert "Signed out, by tests" in body
    assert "Switched role" not in body
    assert "Latest verifications of the audit trail" in body
    assert "Intact: 2 events checked" in body


def test_an_auditor_with_nothing_yet_is_told_what_will_appear(client_for):
    body = client_for(Role.AUDITOR).get("/").content.decode()
    assert "Nothing has been recorded yet." in body
    assert "No verification has been run yet. One runs every night; you can start one now." in body


def test_other_roles_do_not_see_the_audit_panels(client_for):
    body = client_for(Role.SERVICE_DESK).get("/").content.decode()
    assert "Latest verifications of the audit trail" not in body
    assert "Recent activity in your organisation" not in body

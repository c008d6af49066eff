"""The verify pages: a verification starts as a task, its page refreshes itself until it has
finished, and past verifications are listed so a shorter chain stands out."""

import re

import pytest
from django.db import transaction

from audit.models import AuditChainHead, AuditSeal, AuditVerification
from audit.services import audit_record, audit_seal_pending
from audit.views import verification as verification_views
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from tests.audit.conftest import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """Tasks the page queues, instead of sending them to the broker."""
    sent: list[tuple[list, dict]] = []
    monkeypatch.setattr(
        verification_views.verify_audit_chain,
        "apply_async",
        lambda args, kwargs: sent.append((args, kwargs)),
    )
    return sent


def seed(organisation, count: int) -> None:
    with transaction.atomic():
        for _ in range(count):
            audit_record(actor=Actor.system(name="tests", organisation=organisation), action="auth.signed_out")


def test_verify_starts_a_task_and_its_page_follows_it_to_the_result(client_for, organisation, queued):
    seed(organisation, 3)
    client = client_for(Role.AUDITOR)
    # When the auditor asks for a verification
    response = client.post("/audit/verify/")
    # Then it is recorded, queued, and they are sent to its page
    verification = AuditVerification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/audit/verify/{verification.pk}/"
    assert verification.requested_by == client.user
    assert queued == [([str(verification.pk)], {"actor": queued[0][1]["actor"]})]
    assert queued[0][1]["actor"]["user_id"] == str(client.user.pk)
    # And while it waits, the page says so and refreshes itself
    page = client.get(response["Location"]).content.decode()
    assert "Waiting to start." in page
    assert '<meta http-equiv="refresh" content="2">' in page
    AuditVerification.objects.filter(pk=verification.pk).update(status="running", total=5, checked=2)
    page = client.get(response["Location"]).content.decode()
    assert "Checking: 2 of 5 events (40%)." in page
    assert '<meta http-equiv="refresh" content="2">' in page
    # When the worker runs the task, the page shows the result and stops refreshing
    args, kwargs = queued[0]
    verification_views.verify_audit_chain(*args, **kwargs)
    page = client.get(response["Location"]).content.decode()
    assert "The audit trail is intact." in page
    assert "3 events checked; the chain ends at position 3." in page
    assert 'http-equiv="refresh"' not in page


def test_past_verifications_show_a_chain_that_got_shorter(client_for, organisation):
    seed(organisation, 4)
    verification_views.verify_audit_chain()  # the nightly run: 4 events
    audit_seal_pending()  # its own audit event is sealed too: 5 in the chain
    verification_views.verify_audit_chain()  # 5 events
    # Someone removes the last two sealed events (and the unsealed one after them), their seals,
    # and winds the sealer's head back, so that nothing inside the chain looks wrong
    fourth = AuditSeal.objects.get(position=4).event_id
    tamper("DELETE FROM audit_auditseal WHERE position >= 4", [])
    tamper("DELETE FROM audit_auditevent WHERE sequence >= %s", [fourth])
    AuditChainHead.objects.filter(pk=1).update(position=3, hash=AuditSeal.objects.get(position=3).hash)
    verification_views.verify_audit_chain()  # 3 left
    body = client_for(Role.AUDITOR).get("/audit/verify/").content.decode()
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", body, re.S)[1:]
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    assert len(text) == 3
    assert "Problems found" in text[0]
    assert "3 2 fewer than before" in text[0]
    assert "<strong>2 fewer than before</strong>" in rows[0]
    assert "Intact 5 1 more than before" in text[1]
    assert "Intact 4" in text[2]
    assert all("The system (scheduler)" in row for row in text)
    latest = AuditVerification.objects.order_by("-requested_at").first()
    assert [finding["kind"] for finding in latest.findings] == ["tail"]
    assert latest.findings[0]["message"].endswith("found it ending at 5: events were removed from the end.")


def test_an_unknown_verification_is_not_found(client_for):
    response = client_for(Role.AUDITOR).get("/audit/verify/6b0c3c52-3b55-4f8e-9d55-2b8f6c9a1e11/")
    assert response.status_code == 404


def test_metrics_report_unsealed_events_and_the_last_verification(client, organisation):
    seed(organisation, 2)
    body = client.get("/metrics").content.decode()
    assert "notifyadmin_audit_unsealed_events 2.0" in body
    verification_views.verify_audit_chain()
    body = client.get("/metrics").content.decode()
    # The verification sealed the two; its own event waits for the next run
    assert "notifyadmin_audit_unsealed_events 1.0" in body
    assert "notifyadmin_audit_last_verification_passed 1.0" in body


def test_a_verification_that_cannot_be_queued_says_so(client_for, monkeypatch):
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(verification_views.verify_audit_chain, "apply_async", refuse)
    client = client_for(Role.AUDITOR)
    response = client.post("/audit/verify/")
    verification = AuditVerification.objects.get()
    assert (verification.status, verification.error) == ("error", "the task queue could not be reached")
    page = client.get(response["Location"]).content.decode()
    assert "The verification could not finish" in page
    assert "<p>It stopped after 0 events (the task queue could not be reached). Start it again;" in page

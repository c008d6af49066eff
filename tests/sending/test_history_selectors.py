"""The message history's timeline in plain words (event_description) and its selectors'
refusals: another organisation's patient is not found, a role without patient view is refused."""

import datetime as dt

import pytest

from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import NotFound, PermissionRefused
from notifyadmin.sending.models import MessageEvent
from notifyadmin.sending.selectors import HistoryFilter, event_description, message_history
from tests.preferences.factories import make_patient

UTC = dt.UTC


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"status": "created"}, "Created"),
        ({"status": "queued"}, "Queued"),
        ({"status": "accepted"}, "Accepted by NHS Notify"),
        (
            {"status": "deferred", "reason": "send_window", "detail": "until 2026-07-01T07:00:00+00:00"},
            "Deferred: Outside the template's send window (until 1 July 2026 at 08:00)",
        ),
        ({"status": "deferred", "reason": "retry"}, "Deferred: Waiting to try again"),
        (
            {"status": "not_sent", "reason": "kill_switch"},
            "Not sent: Sending was stopped by a kill switch",
        ),
        (
            {"status": "not_sent", "reason": "invalid_personalisation", "detail": "Problems with: clinic"},
            "Not sent: The message's details did not fit the template (Problems with: clinic)",
        ),
        (
            {"status": "accepted", "channel": "sms", "channel_status": "delivered"},
            "Text message (SMS): delivered",
        ),
        (
            {"status": "failed", "channel": "email", "channel_status": "permanent_failure", "detail": "Hard bounce"},
            "Email: permanent failure (Hard bounce)",
        ),
    ],
)
def test_each_event_reads_in_plain_words(fields, words):
    event = MessageEvent(occurred_at=dt.datetime(2026, 7, 1, tzinfo=UTC), **fields)
    assert event_description(event) == words


@pytest.mark.django_db
def test_history_of_another_organisations_patient_is_not_found(organisation, other_organisation, make_staff):
    stranger = make_patient(organisation=other_organisation)
    actor = Actor.staff(user=make_staff(Role.SERVICE_DESK), role=Role.SERVICE_DESK, organisation=organisation)
    with pytest.raises(NotFound):
        message_history(actor=actor, patient=stranger, filters=HistoryFilter())


@pytest.mark.django_db
def test_history_is_refused_to_a_role_without_patient_view(organisation, make_staff):
    patient = make_patient(organisation=organisation)
    actor = Actor.staff(user=make_staff(Role.CONTENT_DESIGNER), role=Role.CONTENT_DESIGNER, organisation=organisation)
    with pytest.raises(PermissionRefused):
        message_history(actor=actor, patient=patient, filters=HistoryFilter())

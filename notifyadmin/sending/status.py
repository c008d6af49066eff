"""A message's life as a table: statuses, which are final, and which moves are allowed.

Every status change of a message goes through `MESSAGE_WORKFLOW`: bulk updates filter on
`sources_into(transition)`, so a terminal status is never left and a status never moves
backwards, whichever worker, callback or retry gets there first.
"""

from django.db import models

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.workflow import Transition, Workflow


class MessageStatus(models.TextChoices):
    CREATED = "created", "Created"
    DEFERRED = "deferred", "Waiting for its send window"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    ACCEPTED = "accepted", "Accepted by NHS Notify"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    FAILED = "failed", "Failed"
    NOT_SENT = "not_sent", "Not sent"


S = MessageStatus
_SEND = Permission.MESSAGE_DISPATCH


def _t(name: str, label: str, sources: set[str], target: str) -> Transition:
    return Transition(name, label, frozenset(sources), target, _SEND)


MESSAGE_WORKFLOW = Workflow(
    "message",
    [
        _t("queue", "Queue", {S.CREATED, S.DEFERRED}, S.QUEUED),
        _t("defer", "Defer to the send window", {S.CREATED, S.QUEUED, S.SENDING}, S.DEFERRED),
        # A deferred message is claimed once its send-after time (the window's opening) has come.
        _t("claim", "Claim for sending", {S.QUEUED, S.DEFERRED}, S.SENDING),
        _t("requeue", "Hand back for another attempt", {S.SENDING}, S.QUEUED),
        _t("accept", "Accepted by NHS Notify", {S.SENDING}, S.ACCEPTED),
        _t("deliver", "Delivered", {S.SENDING, S.ACCEPTED}, S.DELIVERED),
        _t("read", "Read", {S.SENDING, S.ACCEPTED, S.DELIVERED}, S.READ),
        _t("fail", "Failed", {S.SENDING, S.ACCEPTED}, S.FAILED),
        _t("not_send", "Not sent", {S.CREATED, S.DEFERRED, S.QUEUED, S.SENDING}, S.NOT_SENT),
    ],
    state_labels=dict(MessageStatus.choices),
)

TERMINAL_STATUSES = MESSAGE_WORKFLOW.terminal_states
# Once NHS Notify has a message, only its receipts move it on.
WITH_PROVIDER = frozenset({S.ACCEPTED, S.DELIVERED, S.READ, S.FAILED})


class NotSentReason(models.TextChoices):
    """Why a message was not sent, in words the service desk can read out to a patient."""

    OPTED_OUT = "opted_out", "The patient has opted out of these messages on every channel it could use"
    NO_USABLE_CONTACT = "no_usable_contact", "No usable contact details for any channel"
    KILL_SWITCH = "kill_switch", "Sending was stopped by a kill switch"
    TEMPLATE_NOT_PUBLISHED = "template_not_published", "The template version is no longer published"
    INVALID_PERSONALISATION = "invalid_personalisation", "The message's details did not fit the template"
    NOT_A_TEST_RECIPIENT = (
        "not_a_test_recipient",
        "Not a test recipient (this environment sends only to test recipients)",
    )
    REJECTED = "rejected", "NHS Notify refused the message"
    WITHDRAWN = "withdrawn", "Withdrawn before it was sent"
    SUPERSEDED = "superseded", "Superseded by a newer event"
    APPOINTMENT_CANCELLED = "appointment_cancelled", "Appointment cancelled"
    STALE = "stale", "Too late to be useful"
    DRAFT_CHANGED = "draft_changed", "The draft was edited after this test was created"


class DeferReason(models.TextChoices):
    SEND_WINDOW = "send_window", "Outside the template's send window"
    RETRY = "retry", "Waiting to try again"
    RATE_LIMIT = "rate_limit", "Waiting for the sending rate limit"
    CIRCUIT_OPEN = "circuit_open", "NHS Notify is failing: sending is paused until it recovers"

"""Send-time decisions for claimed messages, made in bulk right before the provider call.

For each message, in this order (the first that applies decides):
1. a kill switch for its organisation or template → not sent (kill switch);
2. its template no longer published → not sent (template not published);
3. outside its template's send window → deferred to the next opening;
4. the contact decision (preferences: category × channel, critical rule, non-essential switch,
   channel order, usable contact points) leaves no channel → not sent, with its reason;
5. outside production, a recipient whose NHS number is not in the range reserved for testing
   (the catalogue of safe test recipients lives there) → not sent;
6. the version renders for every planned channel with the stored personalisation, else not
   sent (invalid personalisation).
What remains is ready to send, with its payload built for the routing plan.

A test a member of staff sent to themselves (source "test", no patient) passes 1 and 6 only,
with 5 applied to the test contact details it carries, and is not sent if its draft was edited
after it was created (it would not say what was previewed). A draft may be tested, and it goes now
to the person who asked for it, so the template's publication, its send window and the
patient's preferences do not apply. It goes by its one channel to those contact details.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings

from notifyadmin.core.safe_recipients import is_reserved_test_nhs_number
from notifyadmin.sending import seams
from notifyadmin.sending.kill_switches import stopped_by_kill_switch
from notifyadmin.sending.models import Message, MessageSource
from notifyadmin.sending.providers.base import ContactDetails, InvalidOutboundMessage, OutboundMessage
from notifyadmin.sending.self_tests import recipient_safety_problems
from notifyadmin.sending.status import NotSentReason
from notifyadmin.sending.windows import window_next_opening


@dataclass
class Prepared:
    ready: list[tuple[Message, OutboundMessage, list[str]]] = field(default_factory=list)
    not_sent: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    deferred: dict[dt.datetime, list[str]] = field(default_factory=lambda: defaultdict(list))

    def refuse(self, message: Message, reason: str, detail: str = "") -> None:
        self.not_sent[(reason, detail)].append(str(message.id))


def outbound_for(message: Message, channels: Sequence[str]) -> OutboundMessage:
    """The message as NHS Notify receives it: to the patient's NHS number, or, for a test, to the
    staff member's test NHS number with the contact detail of its channel as the override.
    Built the same way for the first attempt and for every identical retry (recovery.py)."""
    personalisation = seams.payload_for(message, channels)
    if message.source != MessageSource.TEST:
        return OutboundMessage(
            message_reference=str(message.id), nhs_number=_patient_nhs_number(message), personalisation=personalisation
        )
    recipient = message.test_recipient
    override = None
    if recipient.get("sms") or recipient.get("email"):
        override = ContactDetails(sms=recipient.get("sms") or None, email=recipient.get("email") or None)
    return OutboundMessage(
        message_reference=str(message.id),
        nhs_number=recipient.get("nhs_number") or None,
        personalisation=personalisation,
        contact_details=override,
    )


def _patient_nhs_number(message: Message) -> str:
    """A message that is not a test always has a patient (a database constraint holds it)."""
    return message.patient.nhs_number if message.patient is not None else ""


def _test_recipient_is_safe(message: Message) -> bool:
    recipient = message.test_recipient or {}
    if not recipient.get("nhs_number"):
        return False
    return not recipient_safety_problems(
        nhs_number=recipient["nhs_number"], mobile=recipient.get("sms", ""), email=recipient.get("email", "")
    )


def _prepare_test(message: Message, prepared: Prepared) -> None:
    if not _test_recipient_is_safe(message):
        prepared.refuse(message, NotSentReason.NOT_A_TEST_RECIPIENT)
        return
    if message.template_version.lock_version != message.tested_lock_version:
        prepared.refuse(message, NotSentReason.DRAFT_CHANGED)
        return
    channels = list(message.channels)
    try:
        outbound = outbound_for(message, channels)
    except (seams.RenderRefused, InvalidOutboundMessage) as error:
        prepared.refuse(message, NotSentReason.INVALID_PERSONALISATION, str(error))
        return
    prepared.ready.append((message, outbound, channels))


def prepare(messages: Sequence[Message], *, now: dt.datetime) -> Prepared:
    prepared = Prepared()
    stopped = {m.id for m in stopped_by_kill_switch(messages)}
    candidates: list[Message] = []
    for message in messages:
        template = message.template
        if message.id in stopped:
            prepared.refuse(message, NotSentReason.KILL_SWITCH)
        elif message.source == MessageSource.TEST:
            _prepare_test(message, prepared)
        elif template.published_version_id is None:
            prepared.refuse(message, NotSentReason.TEMPLATE_NOT_PUBLISHED)
        else:
            opening = window_next_opening(
                at=now, start=template.send_window_start, end=template.send_window_end, any_time=template.send_any_time
            )
            if opening is not None:
                prepared.deferred[opening].append(str(message.id))
            else:
                candidates.append(message)
    decisions = seams.contact_decisions_for(candidates)
    production = settings.NOTIFY_ENVIRONMENT == "production"
    for message in candidates:
        decision = decisions[message.id]
        if not decision.channels:
            prepared.refuse(message, decision.reason_code, decision.detail)
            continue
        if not production and not is_reserved_test_nhs_number(_patient_nhs_number(message)):
            prepared.refuse(message, NotSentReason.NOT_A_TEST_RECIPIENT)
            continue
        try:
            outbound = outbound_for(message, decision.channels)
        except (seams.RenderRefused, InvalidOutboundMessage) as error:
            prepared.refuse(message, NotSentReason.INVALID_PERSONALISATION, str(error))
            continue
        prepared.ready.append((message, outbound, list(decision.channels)))
    return prepared

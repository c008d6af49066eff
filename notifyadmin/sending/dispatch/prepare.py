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
from notifyadmin.sending.models import Message
from notifyadmin.sending.providers.base import InvalidOutboundMessage, OutboundMessage
from notifyadmin.sending.status import NotSentReason
from notifyadmin.sending.windows import window_next_opening


@dataclass
class Prepared:
    ready: list[tuple[Message, OutboundMessage, list[str]]] = field(default_factory=list)
    not_sent: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    deferred: dict[dt.datetime, list[str]] = field(default_factory=lambda: defaultdict(list))

    def refuse(self, message: Message, reason: str, detail: str = "") -> None:
        self.not_sent[(reason, detail)].append(str(message.id))


def prepare(messages: Sequence[Message], *, now: dt.datetime) -> Prepared:
    prepared = Prepared()
    stopped = {m.id for m in stopped_by_kill_switch(messages)}
    candidates: list[Message] = []
    for message in messages:
        template = message.template
        if message.id in stopped:
            prepared.refuse(message, NotSentReason.KILL_SWITCH)
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
        if not production and not is_reserved_test_nhs_number(message.patient.nhs_number):
            prepared.refuse(message, NotSentReason.NOT_A_TEST_RECIPIENT)
            continue
        try:
            personalisation = seams.payload_for(message, decision.channels)
            outbound = OutboundMessage(
                message_reference=str(message.id),
                nhs_number=message.patient.nhs_number,
                personalisation=personalisation,
            )
        except (seams.RenderRefused, InvalidOutboundMessage) as error:
            prepared.refuse(message, NotSentReason.INVALID_PERSONALISATION, str(error))
            continue
        prepared.ready.append((message, outbound, list(decision.channels)))
    return prepared

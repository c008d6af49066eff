"""The two decisions the dispatcher asks of the domain apps, and nothing more: the contact
decision (preferences) and the rendering of the stored version (templates_app). The sending
app re-implements neither; this module only adapts their answers to one message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from notifyadmin.sending.status import NotSentReason

if TYPE_CHECKING:
    from notifyadmin.sending.models import Message


class RenderRefused(ValueError):
    """The stored version does not render with the stored personalisation."""


@dataclass(frozen=True)
class ChannelPlan:
    channels: tuple[str, ...]
    reason_code: str = ""
    detail: str = ""


# NHS Notify's free-text routing plans take the content in personalisation fields: `body` on
# the plan that sends by NHS App alone, `nhsapp_body` on the plans that fall back from the NHS
# App to email or SMS; `sms_body`, `email_subject` and `email_body` on every plan that has them.
NHSAPP_ONLY_FREE_TEXT_PLAN = "00000000-0000-0000-0000-000000000001"


def nhsapp_key(routing_plan_id: object) -> str:
    return "body" if str(routing_plan_id) == NHSAPP_ONLY_FREE_TEXT_PLAN else "nhsapp_body"


def contact_decisions_for(messages: Sequence[Message]) -> dict[Any, ChannelPlan]:
    """For each message: the channels it may use now, in the patient's order, or why none."""
    from preferences.selectors.contact import RefusalCode, contact_decisions

    preference_codes = {RefusalCode.OPTED_OUT, RefusalCode.NO_NON_ESSENTIAL}
    plans: dict[Any, ChannelPlan] = {}
    by_key: dict[tuple[str, tuple[str, ...]], list[Message]] = {}
    for message in messages:
        by_key.setdefault((message.category, tuple(message.channels)), []).append(message)
    for (category, channels), group in by_key.items():
        decisions = contact_decisions(
            patients=[m.patient for m in group if m.patient], category=category, channels=list(channels)
        )
        for message in group:
            decision = decisions[message.patient_id]
            if decision.may_contact:
                plans[message.id] = ChannelPlan(tuple(decision.channels))
                continue
            by_preference = all(refusal.code in preference_codes for refusal in decision.refusals)
            code = NotSentReason.OPTED_OUT if by_preference else NotSentReason.NO_USABLE_CONTACT
            plans[message.id] = ChannelPlan((), code, "; ".join(decision.reasons)[:300])
    return plans


def payload_for(message: Message, channels: Sequence[str]) -> dict[str, str]:
    """The personalisation NHS Notify receives: the stored values, plus the rendered content of
    each planned channel under the free-text routing plans' keys."""
    from templates_app.rendering import PersonalisationInvalid, version_render

    values = {key: str(value) for key, value in message.personalisation.items()}
    payload = dict(values)
    for channel in channels:
        try:
            rendered = version_render(
                version=message.template_version,
                channel=channel,
                language=message.language,
                values=values,
                html=False,
            )
        except PersonalisationInvalid as error:
            raise RenderRefused(str(error)) from error
        if channel == "nhsapp":
            payload[nhsapp_key(message.routing_plan_id)] = rendered.body
        elif channel == "sms":
            payload["sms_body"] = rendered.body
        elif channel == "email":
            payload["email_subject"] = rendered.subject
            payload["email_body"] = rendered.body
        elif channel == "letter":
            payload["letter_body"] = rendered.body
    return payload

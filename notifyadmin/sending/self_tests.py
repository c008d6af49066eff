"""A test a member of staff sends to themselves: any version of a template, draft included,
through the real send pipeline to their own test contact details, as GOV.UK Notify lets a user
send a test to themselves, so they see the real message on the real channel before sign-off.

Rules enforced here (the dispatcher checks the recipient again at send time, prepare.py):
- only roles holding MESSAGE_SEND_TEST (content designers, clinical safety officers) may keep
  test contact details or send a test, and only of a version of their own organisation;
- each member of staff keeps their own test contact details: an NHS number (NHS Notify needs
  one for every message; the NHS App channel goes to it), and optionally a mobile and an email,
  validated and normalised exactly as patients' are; outside production each must be in the
  catalogue of safe test recipients (an NHS number in the reserved 999 range, a catalogue
  mobile, an address at example.com). Every change is audited, naming the fields, never values;
- a test message is not tied to a patient (`patient` is empty, a database constraint holds
  it), so it never appears in a patient's history, subject access export or counts. It is
  attributed to the staff member with their role and CIS2 ids, and audited;
- any version may be tested, whatever its state: this is the only way a version that is not
  published becomes a message. It goes by one channel the version has (not letter: no postal
  test address is kept), on the organisation's routing plan that uses that channel alone, with
  the staff member's contact detail for that channel sent as NHS Notify's contact override;
- the personalisation is checked against the version's schema and the content must render:
  a refusal names the field and nothing is written;
- the patient's send window and preferences do not apply (the person asked for it now, and it
  goes to them); kill switches and the environment's safety line do.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.channels import Channel, channel_label
from notifyadmin.core.errors import InvalidInput, TransitionRefused
from notifyadmin.core.safe_recipients import (
    SAFE_MOBILES,
    is_reserved_test_nhs_number,
    is_safe_email,
    is_safe_mobile,
)
from notifyadmin.sending.models import Message, MessageEvent, MessageSource, Priority, StaffTestContact
from notifyadmin.sending.services import authorisation_of, creation_event, dispatcher_nudge
from notifyadmin.sending.status import MessageStatus
from preferences.identifiers import InvalidContactDetail, email_normalise, mobile_normalise
from preferences.nhs_number import InvalidNhsNumber, nhs_number_normalise
from templates_app.models import RoutingPlan, TemplateVersion, VersionContent
from templates_app.rendering import ContentUnrenderable, PersonalisationInvalid, RenderedMessage, version_render

if TYPE_CHECKING:
    from notifyadmin.accounts.models import Organisation

TEST_REASON = "Test sent to themselves"
# Channels a test can go by, and the contact detail each needs (the NHS App: the NHS number).
TEST_CHANNEL_DETAIL: dict[str, str] = {Channel.NHSAPP: "nhs_number", Channel.SMS: "mobile", Channel.EMAIL: "email"}
DETAIL_LABELS = {"nhs_number": "test NHS number", "mobile": "mobile phone number", "email": "email address"}


def _production() -> bool:
    return settings.NOTIFY_ENVIRONMENT == "production"


def safe_mobiles_text() -> str:
    return ", ".join("0" + mobile.number.removeprefix("+44") for mobile in SAFE_MOBILES)


def recipient_safety_problems(*, nhs_number: str, mobile: str, email: str) -> dict[str, str]:
    """Field -> why a normalised value is refused by this environment's safety line ({} when
    all may be sent to). Production sends to any valid value; elsewhere only to the catalogue."""
    if _production():
        return {}
    problems: dict[str, str] = {}
    if nhs_number and not is_reserved_test_nhs_number(nhs_number):
        problems["nhs_number"] = (
            "Enter an NHS number from the range reserved for testing (999 000 0000 to 999 999 9999): "
            "this environment sends only to test recipients"
        )
    if mobile and not is_safe_mobile(mobile):
        problems["mobile"] = (
            f"Enter one of the test mobile numbers ({safe_mobiles_text()}): this environment sends only to "
            "test recipients"
        )
    if email and not is_safe_email(email):
        problems["email"] = "Enter an email address at example.com: this environment sends only to test recipients"
    return problems


def staff_test_contact_get(*, actor: Actor) -> StaffTestContact | None:
    actor.require(Permission.MESSAGE_SEND_TEST)
    return StaffTestContact.objects.filter(user=actor.user).first()


def staff_test_contact_save(*, actor: Actor, nhs_number: str, mobile: str = "", email: str = "") -> StaffTestContact:
    """Keep the actor's own test contact details (NHS number required; mobile and email may be
    left empty), normalised; refused field by field, nothing saved, when any is wrong."""
    actor.require(Permission.MESSAGE_SEND_TEST)
    errors: dict[str, list[str]] = {}
    values = {"nhs_number": "", "mobile": "", "email": ""}
    try:
        values["nhs_number"] = nhs_number_normalise(nhs_number)
    except InvalidNhsNumber as error:
        errors["nhs_number"] = [str(error)]
    for name, normalise, raw in (("mobile", mobile_normalise, mobile), ("email", email_normalise, email)):
        if not (raw or "").strip():
            continue
        try:
            values[name] = normalise(raw)
        except InvalidContactDetail as error:
            errors[name] = [str(error)]
    for name, problem in recipient_safety_problems(**values).items():
        errors.setdefault(name, []).append(problem)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        current = StaffTestContact.objects.select_for_update().filter(user=actor.user).first()
        before = {name: getattr(current, name) for name in values} if current else dict.fromkeys(values, "")
        contact, _ = StaffTestContact.objects.update_or_create(user=actor.user, defaults=values)
        changed = sorted(name for name in values if before[name] != values[name])
        if changed:
            audit_record(
                actor=actor,
                action="message.test_contact.changed",
                target_type="staff_test_contact",
                target_id=str(actor.user.pk) if actor.user else "",
                details={"fields": changed, "added": current is None},
            )
    return contact


def channels_testable(version: TemplateVersion) -> list[str]:
    """The version's channels a test can go by, in the version's order."""
    return [channel for channel in version.channels if channel in TEST_CHANNEL_DETAIL]


def version_languages(version: TemplateVersion) -> list[str]:
    """The languages the version has content in, English first."""
    found = set(VersionContent.objects.filter(version=version).values_list("language", flat=True))
    return sorted(found, key=lambda code: (code != "en", code))


def single_channel_routing_plan(*, organisation: Organisation, channel: str) -> RoutingPlan | None:
    """The organisation's active routing plan of this environment that uses `channel` alone,
    so NHS Notify sends the test by that channel and no other."""
    plans = RoutingPlan.objects.filter(
        organisation=organisation, environment=settings.NOTIFY_ENVIRONMENT, is_active=True
    ).order_by("name")
    return next((plan for plan in plans if list(plan.channels) == [channel]), None)


@dataclass(frozen=True)
class SelfTestPlan:
    """What a test would be: checked, rendered, with where it goes. Nothing is written."""

    version: TemplateVersion
    channel: str
    language: str
    personalisation: dict[str, str]
    rendered: RenderedMessage
    routing_plan: RoutingPlan
    recipient: dict[str, str]


def self_test_check(
    *, actor: Actor, version: TemplateVersion, channel: str, language: str, personalisation: Mapping[str, str]
) -> SelfTestPlan:
    """Everything a test must pass before it is created (the preview shows the result)."""
    actor.require(Permission.MESSAGE_SEND_TEST)
    actor.require_organisation(version)
    label = channel_label(channel).lower()
    if channel not in version.channels:
        raise InvalidInput({"channel": ["Choose a channel this version has"]})
    if channel not in TEST_CHANNEL_DETAIL:
        raise InvalidInput({"channel": [f"A {label} cannot be sent as a test: choose another channel"]})
    if language not in version_languages(version):
        raise InvalidInput({"language": ["Choose a language this version is written in"]})
    contact = StaffTestContact.objects.filter(user=actor.user).first()
    if contact is None:
        raise TransitionRefused("Add your test contact details before you send a test.")
    detail = TEST_CHANNEL_DETAIL[channel]
    if not getattr(contact, detail):
        raise InvalidInput(
            {"channel": [f"Add your {DETAIL_LABELS[detail]} to your test contact details to test a {label}"]}
        )
    problems = recipient_safety_problems(nhs_number=contact.nhs_number, mobile=contact.mobile, email=contact.email)
    if problems.get("nhs_number") or problems.get(detail):
        raise TransitionRefused(
            "Your test contact details are not test recipients this environment may send to: change them."
        )
    plan = single_channel_routing_plan(organisation=actor.acting_organisation, channel=channel)
    if plan is None:
        raise InvalidInput(
            {
                "channel": [
                    f"Your organisation has no routing plan that sends by {label} alone, so a test cannot go by "
                    "it: ask an administrator to add one"
                ]
            }
        )
    values = {name: str(value) for name, value in personalisation.items()}
    try:
        rendered = version_render(version=version, channel=channel, language=language, values=values)
    except PersonalisationInvalid as error:
        raise InvalidInput({f"personalisation.{name}": msgs for name, msgs in error.errors.items()}) from error
    except ContentUnrenderable as error:
        raise TransitionRefused(f"{error} Fix the draft, then send the test.") from error
    recipient = {"nhs_number": contact.nhs_number}
    if channel == Channel.SMS:
        recipient["sms"] = contact.mobile
    elif channel == Channel.EMAIL:
        recipient["email"] = contact.email
    return SelfTestPlan(version, channel, language, values, rendered, plan, recipient)


def self_test_create(
    *, actor: Actor, version: TemplateVersion, channel: str, language: str, personalisation: Mapping[str, str]
) -> Message:
    """Create one test message, queued now, for the dispatcher to send like any other."""
    checked = self_test_check(
        actor=actor, version=version, channel=channel, language=language, personalisation=personalisation
    )
    template = version.template
    now = timezone.now()
    message = Message(
        id=uuid.uuid4(),
        organisation=actor.acting_organisation,
        patient=None,
        template=template,
        template_version=version,
        category=template.purpose,
        language=language,
        personalisation=checked.personalisation,
        routing_plan_id=checked.routing_plan.plan_id,
        channels=[channel],
        sensitivity=template.sensitivity,
        priority=Priority.NORMAL,
        send_after=now,
        source=MessageSource.TEST,
        **authorisation_of(actor),
        reason=TEST_REASON,
        test_recipient=checked.recipient,
        tested_lock_version=version.lock_version,
        status=MessageStatus.QUEUED,
        status_changed_at=now,
        created_at=now,
    )
    with transaction.atomic():
        message.save(force_insert=True)
        MessageEvent.objects.bulk_create(
            [
                creation_event(message, now, "", MessageStatus.CREATED),
                creation_event(message, now, MessageStatus.CREATED, MessageStatus.QUEUED),
            ]
        )
        audit_record(
            actor=actor,
            action="message.test_sent",
            target_type="message",
            target_id=str(message.id),
            reason=TEST_REASON,
            details={
                "template_id": str(template.id),
                "version_id": str(version.id),
                "version_status": version.status,
                "channel": channel,
                "language": language,
            },
        )
        transaction.on_commit(dispatcher_nudge)
    return message

"""Demo message history for `make run`: for the first demo patients, messages of the published
demo templates that went every way a message can go (read, delivered, failed, not sent because
the patient opted out, waiting for the send window), each with its timeline, attributed to the
demo service desk member. Created through `messages_create`; the later statuses are moved with
the same bulk transitions the dispatcher and the receipts use. Safe to run twice: a patient who
already has messages is left alone. Nothing is sent to NHS Notify from here.

Also test contact details for the demo content designer and clinical safety officer, from the
catalogue of safe test recipients, so they can send a test to themselves at once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.demo import DemoContext
from notifyadmin.sending.dispatch.store import transition_bulk
from notifyadmin.sending.models import Message, MessageEvent, MessageSource, StaffTestContact
from notifyadmin.sending.self_tests import staff_test_contact_save
from notifyadmin.sending.services import MessageRequest, messages_create
from notifyadmin.sending.status import NotSentReason
from preferences.models import Patient
from templates_app.models import MessageTemplate
from templates_app.rendering import sample_values_of

# (transitions after creation, with the receipt's channel and supplier status)
STORIES: list[list[tuple[str, str, str, str]]] = [
    [
        ("claim", "", "", ""),
        ("accept", "", "", ""),
        ("deliver", "nhsapp", "delivered", "delivered"),
        ("read", "nhsapp", "delivered", "read"),
    ],
    [("claim", "", "", ""), ("accept", "", "", ""), ("deliver", "sms", "delivered", "delivered")],
    [("claim", "", "", ""), ("accept", "", "", ""), ("fail", "email", "failed", "permanent_failure")],
    [("not_send", "", "", NotSentReason.OPTED_OUT)],
]


def _template_for(
    story: list[tuple[str, str, str, str]], templates: list[MessageTemplate], index: int
) -> MessageTemplate:
    """A template (taking turns) that has the channel the story's receipts come by."""
    channels = {channel for _, channel, _, _ in story if channel}
    turn = templates[index:] + templates[:index]
    fitting = [t for t in turn if t.published_version and channels <= set(t.published_version.channels)]
    return (fitting or turn)[0]


# Demo staff who send tests to themselves, and their test contact details (the catalogue's own).
DEMO_TEST_CONTACTS = {
    "designer": (Role.CONTENT_DESIGNER, "9990548609", "07400000001", "delivered@example.com"),
    "cso": (Role.CLINICAL_SAFETY_OFFICER, "9990000018", "07400000001", "delivered@example.com"),
}


def _seed_test_contacts(context: DemoContext) -> None:
    for username, (role, nhs_number, mobile, email) in DEMO_TEST_CONTACTS.items():
        user = context.people.get(username)
        if user is None or StaffTestContact.objects.filter(user=user).exists():
            continue
        actor = Actor.staff(user=user, role=role, organisation=context.organisation)
        staff_test_contact_save(actor=actor, nhs_number=nhs_number, mobile=mobile, email=email)


def seed(context: DemoContext) -> None:
    _seed_test_contacts(context)
    desk_user = context.people.get("servicedesk")
    if desk_user is None:
        return
    actor = Actor.staff(user=desk_user, role=Role.SERVICE_DESK, organisation=context.organisation)
    templates = list(
        MessageTemplate.objects.filter(organisation=context.organisation, published_version__isnull=False)
        .select_related("published_version")
        .order_by("name")
    )
    if not templates:
        return
    patients = list(Patient.objects.filter(organisation=context.organisation).order_by("family_name")[:4])
    for index, patient in enumerate(patients):
        if Message.objects.filter(patient=patient).exists():
            continue
        story = STORIES[index % len(STORIES)]
        template = _template_for(story, templates, index)
        version = template.published_version
        if version is None:
            continue
        (message,) = messages_create(
            actor=actor,
            requests=[MessageRequest(patient=patient, version=version, personalisation=sample_values_of(version))],
            source=MessageSource.MANUAL,
            reason="Demo: corrected appointment details read out on the phone",
        )
        at = timezone.now() - dt.timedelta(days=len(patients) - index)
        # Back-date the message and its first events, as if it had been sent that day.
        Message.objects.filter(id=message.id).update(created_at=at, send_after=at)
        MessageEvent.objects.filter(message_id=message.id).update(occurred_at=at - dt.timedelta(minutes=1))
        for step, (transition, channel, channel_status, detail) in enumerate(story):
            reason = detail if transition in ("not_send", "fail") else ""
            transition_bulk(
                ids=[message.id],
                transition=transition,
                reason=reason,
                channel=channel,
                channel_status=channel_status,
                supplier_status=detail if transition not in ("not_send",) else "",
                at=at + dt.timedelta(minutes=2 * step),
                set_fields={"notify_message_id": f"DEMO{index:023d}"} if transition == "accept" else None,
            )

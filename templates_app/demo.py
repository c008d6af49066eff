"""Demo templates for `make run`, in every state of the workflow, some in Welsh too.

Authors are designer and designer2; content approvals by the other designer; sign-off by cso.
Safe to run twice: a template that already exists is left as it is.
"""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.utils import timezone

from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.demo import DemoContext
from templates_app import linting, services
from templates_app.models import MessageTemplate, RoutingPlan, TemplateVersion, VersionStatus
from templates_app.services.routing_plans import routing_plan_create, routing_plans_offered

DATE = {
    "name": "appointment_date",
    "type": "date",
    "max_length": 10,
    "personal_data": "low",
    "sample_value": "2026-03-27",
}
TIME = {"name": "appointment_time", "type": "time", "max_length": 5, "personal_data": "low", "sample_value": "09:30"}
# Event intake (notifyadmin/intake) fills appointment_date, appointment_time and service_type
# from a FHIR Appointment (serviceType's display), so the appointment templates ask for those.
SERVICE = {
    "name": "service_type",
    "type": "text",
    "max_length": 60,
    "personal_data": "low",
    "sample_value": "Eye clinic",
}
LINK = {
    "name": "booking_link",
    "type": "url",
    "max_length": 200,
    "personal_data": "none",
    "sample_value": "https://www.nhs.uk/nhs-app/",
}


def _c(channel: str, body: str, language: str = "en", subject: str = "") -> dict[str, str]:
    return {"channel": channel, "language": language, "subject": subject, "body": body}


DEMO_TEMPLATES: list[dict[str, Any]] = [
    {
        "name": "Appointment booked",
        "purpose": "appointments",
        "state": VersionStatus.PUBLISHED,
        "author": "designer",
        "channels": ["nhsapp", "sms"],
        "schema": [DATE, TIME, SERVICE],
        "contents": [
            _c(
                "nhsapp",
                "Your {{ service_type }} appointment is booked for {{ appointment_date }} "
                "at {{ appointment_time }}.\n\n"
                "If you cannot come, tell us as soon as you can.",
            ),
            _c("sms", "Your {{ service_type }} appointment is on {{ appointment_date }} at {{ appointment_time }}."),
            _c(
                "nhsapp",
                "Mae eich apwyntiad {{ service_type }} wedi'i drefnu ar gyfer {{ appointment_date }} "
                "am {{ appointment_time }}.",
                "cy",
            ),
            _c(
                "sms",
                "Mae eich apwyntiad {{ service_type }} ar {{ appointment_date }} am {{ appointment_time }}.",
                "cy",
            ),
        ],
    },
    {
        "name": "Appointment changed",
        "purpose": "appointments",
        "state": VersionStatus.PUBLISHED,
        "next": (VersionStatus.CONTENT_APPROVED, ("has moved to", "has changed to")),
        "author": "designer",
        "channels": ["nhsapp", "sms"],
        "schema": [DATE, TIME, SERVICE],
        "contents": [
            _c(
                "nhsapp",
                "Your {{ service_type }} appointment has moved to {{ appointment_date }} at {{ appointment_time }}.",
            ),
            _c(
                "sms",
                "Your {{ service_type }} appointment has moved to {{ appointment_date }} at {{ appointment_time }}.",
            ),
        ],
    },
    {
        "name": "Appointment cancelled",
        "purpose": "appointments",
        "state": VersionStatus.PUBLISHED,
        "next": (VersionStatus.SUBMITTED, ("We will contact you", "We will write to you")),
        "author": "designer2",
        "channels": ["nhsapp", "sms"],
        "schema": [DATE, SERVICE],
        "contents": [
            _c(
                "nhsapp",
                "We have cancelled your {{ service_type }} appointment on {{ appointment_date }}. "
                "We will contact you to arrange a new one.",
            ),
            _c(
                "sms",
                "Your {{ service_type }} appointment on {{ appointment_date }} is cancelled. "
                "We will contact you to arrange a new one.",
            ),
            _c(
                "sms",
                "Mae eich apwyntiad {{ service_type }} ar {{ appointment_date }} wedi'i ganslo. "
                "Byddwn yn cysylltu â chi i drefnu un newydd.",
                "cy",
            ),
        ],
    },
    {
        "name": "Appointment reminder",
        "purpose": "appointments",
        "state": VersionStatus.PUBLISHED,
        "next": (VersionStatus.SIGNED_OFF, ("Reminder: you have", "Reminder: you have your")),
        "author": "designer",
        "channels": ["sms"],
        "schema": [DATE, TIME],
        "contents": [
            _c("sms", "Reminder: you have an appointment on {{ appointment_date }} at {{ appointment_time }}.")
        ],
    },
    {
        "name": "Results ready",
        "purpose": "test_results",
        "sensitivity": "sensitive",
        "state": VersionStatus.DRAFT,
        "author": "designer",
        "channels": ["nhsapp"],
        "schema": [],
        "contents": [_c("nhsapp", "Your test results are ready. Log in to the NHS App to see them.")],
    },
    {
        "name": "Screening invitation",
        "purpose": "screening",
        "state": VersionStatus.PUBLISHED,
        "next": (VersionStatus.PUBLISHED, ("You are invited", "We invite you")),
        "author": "designer2",
        "channels": ["email", "letter"],
        "schema": [LINK],
        "contents": [
            _c(
                "email",
                "You are invited for screening.\n\n[Book your screening appointment]({{ booking_link }})",
                subject="Your screening invitation",
            ),
            _c("letter", "You are invited for screening. Book online at {{ booking_link }} or call your GP surgery."),
        ],
    },
    {
        "name": "Prescription ready",
        "purpose": "prescriptions",
        "state": VersionStatus.SUBMITTED,
        "author": "designer",
        "channels": ["nhsapp", "sms"],
        "schema": [],
        "contents": [
            _c("nhsapp", "Your prescription is ready to collect from your pharmacy."),
            _c("sms", "Your prescription is ready to collect from your pharmacy."),
            _c("nhsapp", "Mae eich presgripsiwn yn barod i'w gasglu o'ch fferyllfa.", "cy"),
        ],
    },
]

ORDER = [
    VersionStatus.DRAFT,
    VersionStatus.SUBMITTED,
    VersionStatus.CONTENT_APPROVED,
    VersionStatus.SIGNED_OFF,
    VersionStatus.PUBLISHED,
    VersionStatus.SUPERSEDED,
]


def _save_and_submit(author: Actor, draft: TemplateVersion, spec: dict[str, Any], *, submit: bool) -> TemplateVersion:
    services.version_draft_save(
        actor=author,
        version=draft,
        lock_version=draft.lock_version,
        channels=spec["channels"],
        schema=spec["schema"],
        contents=spec["contents"],
    )
    if not submit:
        return draft
    warnings = linting.warnings_of(linting.lint_stored(draft))
    return services.version_submit(actor=author, version=draft, acknowledged={linting.finding_key(w) for w in warnings})


def _advance(
    version: TemplateVersion,
    target: VersionStatus,
    people: dict[str, Actor],
    author: Actor,
    reviewer: Actor,
) -> TemplateVersion:
    reached = ORDER.index(target)
    if reached >= ORDER.index(VersionStatus.CONTENT_APPROVED):
        version = services.version_content_approve(actor=reviewer, version=version, content_hash=version.content_hash)
    if reached >= ORDER.index(VersionStatus.SIGNED_OFF):
        version = services.version_sign_off(
            actor=people["cso"],
            version=version,
            content_hash=version.content_hash,
            declaration_confirmed=True,
            hazard_ids=("HAZ-003", "HAZ-011"),
            authenticated_at=timezone.now(),
        )
    if reached >= ORDER.index(VersionStatus.PUBLISHED):
        version = services.version_publish(actor=author, version=version)
    return version


# The local sandbox's plans (notifyadmin/sandboxes/nhs_notify/plans.py): its free-text plans
# and its plan that can use every channel. (name, plan id, channels in cascade order)
DEMO_ROUTING_PLANS = (
    ("NHS App only", "00000000-0000-0000-0000-000000000001", ["nhsapp"]),
    ("Email only", "00000000-0000-0000-0000-000000000002", ["email"]),
    ("Text message only", "00000000-0000-0000-0000-000000000003", ["sms"]),
    ("NHS App, then email", "00000000-0000-0000-0000-000000000004", ["nhsapp", "email"]),
    ("NHS App, then text message", "00000000-0000-0000-0000-000000000006", ["nhsapp", "sms"]),
    ("Every channel: NHS App, email, text, letter", "b838b13c-f98c-4def-93f0-515d4e4f4ee1",
     ["nhsapp", "email", "sms", "letter"]),
)  # fmt: skip


def _seed_routing_plans(context: DemoContext) -> list[RoutingPlan]:
    admin = Actor.staff(user=context.people["admin"], role=Role.ADMINISTRATOR, organisation=context.organisation)
    environment = settings.NOTIFY_ENVIRONMENT
    for name, plan_id, channels in DEMO_ROUTING_PLANS:
        if not RoutingPlan.objects.filter(
            organisation=context.organisation, environment=environment, plan_id=plan_id
        ).exists():
            routing_plan_create(
                actor=admin, name=name, plan_id=uuid.UUID(plan_id), channels=channels, environment=environment
            )
    return list(routing_plans_offered(organisation=context.organisation))


def _plan_for(plans: list[RoutingPlan], channels: list[str]) -> RoutingPlan | None:
    """The plan with the fewest channels that can send by all of `channels`."""
    fitting = [plan for plan in plans if set(channels) <= set(plan.channels)]
    return min(fitting, key=lambda plan: len(plan.channels)) if fitting else None


def _routing_plan_id(plans: list[RoutingPlan], spec: dict[str, Any]) -> uuid.UUID:
    plan = _plan_for(plans, spec["channels"])
    return plan.plan_id if plan else uuid.uuid5(uuid.NAMESPACE_URL, f"demo-routing-plan/{spec['name']}")


def seed(context: DemoContext) -> None:
    organisation = context.organisation
    plans = _seed_routing_plans(context)
    people = {
        "designer": Actor.staff(user=context.people["designer"], role=Role.CONTENT_DESIGNER, organisation=organisation),
        "designer2": Actor.staff(
            user=context.people["designer2"], role=Role.CONTENT_DESIGNER, organisation=organisation
        ),
        "cso": Actor.staff(user=context.people["cso"], role=Role.CLINICAL_SAFETY_OFFICER, organisation=organisation),
    }
    for spec in DEMO_TEMPLATES:
        if MessageTemplate.objects.filter(organisation=organisation, name=spec["name"]).exists():
            continue
        author = people[spec["author"]]
        reviewer = people["designer2" if spec["author"] == "designer" else "designer"]
        template = services.template_create(
            actor=author,
            name=spec["name"],
            purpose=spec["purpose"],
            sensitivity=spec.get("sensitivity", "routine"),
            is_critical=False,
            send_any_time=False,
            send_window_start=dt.time(8),
            send_window_end=dt.time(20),
            routing_plan_id=_routing_plan_id(plans, spec),
            channels=spec["channels"],
        )
        state = spec["state"]
        draft = template.versions.get()
        version = _save_and_submit(author, draft, spec, submit=state != VersionStatus.DRAFT)
        if state != VersionStatus.DRAFT:
            version = _advance(version, state, people, author, reviewer)
        if "next" in spec:
            # A second version, its words changed, in review or published over the first.
            next_state, (old, new) = spec["next"]
            second = services.version_draft_create(actor=author, template=template, based_on=version)
            changed = dict(
                spec, contents=[dict(item, body=item["body"].replace(old, new)) for item in spec["contents"]]
            )
            second = _save_and_submit(author, second, changed, submit=True)
            _advance(second, next_state, people, author, reviewer)

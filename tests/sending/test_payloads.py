"""What NHS Notify receives for each of its free-text routing plans: exactly the fields that
plan reads (`body` on the NHS App-only plan, `nhsapp_body` on the plans that fall back from the
NHS App), so nothing it accepts is failed later for a missing field."""

import pytest

from notifyadmin.sandboxes.nhs_notify.plans import PLANS
from notifyadmin.sending import seams
from notifyadmin.sending.models import Message
from templates_app.models import MessageTemplate, TemplateVersion, VersionContent, VersionStatus

pytestmark = pytest.mark.django_db
FREE_TEXT = [plan for plan in PLANS.values() if plan.personalisation]


@pytest.fixture
def version(organisation, make_staff):
    owner = make_staff()
    template = MessageTemplate.objects.create(
        organisation=organisation,
        name="Clinic letter",
        purpose="appointments",
        owner=owner,
        routing_plan_id=FREE_TEXT[0].id,
        channels=["nhsapp", "sms", "email"],
        send_any_time=True,
    )
    version = TemplateVersion.objects.create(
        organisation=organisation,
        template=template,
        author=owner,
        major=1,
        minor=0,
        channels=["nhsapp", "sms", "email"],
        personalisation_schema=[],
    )
    for channel, subject in (("nhsapp", ""), ("sms", ""), ("email", "Your appointment")):
        VersionContent.objects.create(
            version=version, channel=channel, language="en", subject=subject, body=f"Appointment ({channel})."
        )
    TemplateVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED)
    version.refresh_from_db()
    return version


@pytest.mark.parametrize("plan", FREE_TEXT, ids=[plan.id[-4:] for plan in FREE_TEXT])
def test_each_free_text_plan_gets_exactly_the_fields_it_reads(plan, version):
    message = Message(
        template_version=version, routing_plan_id=plan.id, personalisation={}, language="en", channels=["nhsapp"]
    )
    payload = seams.payload_for(message, list(plan.channels))
    assert set(payload) == set(plan.personalisation)
    assert plan.personalisation_problem(payload) is None


def test_the_nhs_app_field_is_named_by_the_plan(version):
    only_app = Message(template_version=version, routing_plan_id=seams.NHSAPP_ONLY_FREE_TEXT_PLAN, personalisation={})
    with_fallback = Message(
        template_version=version, routing_plan_id="00000000-0000-0000-0000-000000000006", personalisation={}
    )
    assert seams.payload_for(only_app, ["nhsapp"]) == {"body": "Appointment (nhsapp)."}
    assert seams.payload_for(with_fallback, ["nhsapp", "sms"]) == {
        "nhsapp_body": "Appointment (nhsapp).",
        "sms_body": "Appointment (sms).",
    }

"""Given / when / then for the preference selectors: one patient for an actor, the grid, the
history read once, and the contact decision (single and in batch)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifyadmin.core.errors import InvalidInput, NotFound
from preferences.models import CategoryPolicy, ContactPoint, Patient
from preferences.selectors import (
    ChannelRefusal,
    RefusalCode,
    contact_decision,
    contact_decisions,
    contact_point_get,
    patient_get,
    patient_history,
    patient_overview,
    preference_grid,
)
from preferences.services import contact_point_status_change, preferences_change
from tests.preferences.factories import SETUP, add_contact, make_patient, system_actor

pytestmark = pytest.mark.django_db
ALL = ("nhsapp", "sms", "email", "letter")


def _with_every_contact_point(patient: Patient) -> Patient:
    add_contact(patient, ContactPoint.Kind.NHSAPP, "")
    add_contact(patient, ContactPoint.Kind.POSTAL_ADDRESS, "1 High Street\nLeeds\nLS1 1AA")
    patient.refresh_from_db()
    return patient


def _change(patient: Patient, **kwargs: object) -> None:
    patient.refresh_from_db()
    preferences_change(
        actor=system_actor(patient.organisation),
        patient=patient,
        expected_lock_version=None,
        **SETUP,
        **kwargs,  # type: ignore[arg-type]
    )


def _status(patient: Patient, kind: str, status: str) -> None:
    point = patient.contact_points.get(kind=kind)
    contact_point_status_change(actor=system_actor(patient.organisation), contact_point=point, status=status, **SETUP)


# --- One patient for an actor -----------------------------------------------------------------


def test_patient_get_finds_the_actors_own_patient(patient, desk_context):
    assert patient_get(actor=desk_context, patient_id=str(patient.id)) == patient


@pytest.mark.parametrize("patient_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "", None])
def test_patient_get_refuses_malformed_and_unknown_ids_as_not_found(desk_context, patient_id):
    with pytest.raises(NotFound) as raised:
        patient_get(actor=desk_context, patient_id=patient_id)
    assert str(raised.value) == "No patient found in your organisation."


def test_another_organisations_patient_is_not_found(desk_context, other_organisation):
    theirs = make_patient(organisation=other_organisation)
    with pytest.raises(NotFound):
        patient_get(actor=desk_context, patient_id=theirs.id)


def test_a_contact_point_of_another_patient_is_not_found(patient, organisation):
    other = make_patient(organisation=organisation)
    theirs = add_contact(other, ContactPoint.Kind.EMAIL, "other@example.com")
    with pytest.raises(NotFound):
        contact_point_get(patient=patient, contact_point_id=theirs.id)
    assert contact_point_get(patient=other, contact_point_id=str(theirs.id)) == theirs


# --- The grid and the history -------------------------------------------------------------------


def test_the_grid_marks_non_critical_cells_held_by_the_no_non_essential_switch(patient):
    _change(patient, cells={}, no_non_essential=True)
    patient.refresh_from_db()

    rows = {row.policy.category: row for row in preference_grid(patient=patient)}

    assert rows["appointments"].cells[1] == ("sms", True, True)
    assert rows["prescriptions"].cells[1] == ("sms", True, False)
    assert rows["campaigns_surveys"].cells[0] == ("nhsapp", False, False)


def test_history_is_read_once_and_answers_timeline_points_and_states(patient, django_assert_num_queries):
    created_at = timezone.now()
    _change(patient, cells={("prescriptions", "sms"): False})

    history = patient_history(patient=patient)
    with django_assert_num_queries(3):
        timeline = history.timeline
        newest = history.point(timeline[0].change_id)
        before = history.state_at(created_at - timedelta(days=1))
        now = history.state_at(newest)
        assert history.point("no-such-change") is None

    assert [entry.reason for entry in timeline][:1] == ["Test set-up"]
    assert timeline[0].items == ["Prescriptions by SMS: allowed → not allowed"]
    assert timeline[0].system == "tests" and timeline[0].who == ""
    assert before is None
    assert now is not None and now.preferences[("prescriptions", "sms")] is False


# --- contact_decision ----------------------------------------------------------------------------


def test_every_channel_usable_is_ordered_by_the_patients_channel_order(patient):
    _with_every_contact_point(patient)
    _change(patient, cells={}, channel_order=["sms", "email", "nhsapp", "letter"])
    patient.refresh_from_db()

    decision = contact_decision(patient=patient, category="appointments", channels=ALL)

    assert decision.channels == ("sms", "email", "nhsapp", "letter")
    assert decision.refusals == ()
    assert decision.may_contact is True


def test_channels_not_in_the_order_come_last_in_the_order_asked(patient):
    _with_every_contact_point(patient)
    Patient.objects.filter(pk=patient.pk).update(channel_order=["email"])
    patient.refresh_from_db()

    decision = contact_decision(patient=patient, category="appointments", channels=("letter", "sms", "email"))

    assert decision.channels == ("email", "letter", "sms")


def test_an_opted_out_channel_says_which_messages_about_what(patient):
    _with_every_contact_point(patient)
    _change(patient, cells={("appointments", "sms"): False})
    patient.refresh_from_db()

    decision = contact_decision(patient=patient, category="appointments", channels=ALL)

    assert decision.channels == ("nhsapp", "email", "letter")
    assert decision.refusals == (
        ChannelRefusal("sms", RefusalCode.OPTED_OUT, "opted out of text messages about appointments"),
    )
    assert decision.refusal("sms").reason == "opted out of text messages about appointments"
    assert decision.refusal("email") is None


def test_explicit_consent_categories_are_off_until_given(patient):
    _with_every_contact_point(patient)

    decision = contact_decision(patient=patient, category="campaigns_surveys", channels=("email",))

    assert decision.may_contact is False
    assert decision.reasons == ["opted out of emails about campaigns and surveys"]


def test_no_non_essential_holds_non_critical_categories_but_not_critical_ones(patient):
    _with_every_contact_point(patient)
    _change(patient, cells={}, no_non_essential=True)
    patient.refresh_from_db()

    held = contact_decision(patient=patient, category="prescriptions", channels=("sms", "email"))
    critical = contact_decision(patient=patient, category="appointments", channels=("sms", "email"))

    assert held.channels == ()
    assert [(r.channel, r.code, r.reason) for r in held.refusals] == [
        ("sms", RefusalCode.NO_NON_ESSENTIAL, "asked for no non-essential messages (prescriptions)"),
        ("email", RefusalCode.NO_NON_ESSENTIAL, "asked for no non-essential messages (prescriptions)"),
    ]
    assert critical.channels == ("sms", "email")


def test_an_organisation_may_make_a_category_critical(patient, organisation):
    _with_every_contact_point(patient)
    CategoryPolicy.objects.create(
        organisation=organisation, category="prescriptions", lawful_basis="legitimate_interest", is_critical=True
    )
    _change(patient, cells={}, no_non_essential=True)
    patient.refresh_from_db()

    assert contact_decision(patient=patient, category="prescriptions", channels=("sms",)).channels == ("sms",)


def test_missing_contact_points_are_named(organisation):
    bare = make_patient(organisation=organisation)

    decision = contact_decision(patient=bare, category="appointments", channels=ALL)

    assert decision.channels == ()
    assert [(r.channel, r.code, r.reason) for r in decision.refusals] == [
        ("nhsapp", RefusalCode.NO_CONTACT_POINT, "does not use the NHS App"),
        ("sms", RefusalCode.NO_CONTACT_POINT, "no mobile number"),
        ("email", RefusalCode.NO_CONTACT_POINT, "no email address"),
        ("letter", RefusalCode.NO_CONTACT_POINT, "no postal address"),
    ]


def test_bounced_and_invalid_contact_points_are_not_used(patient):
    _status(patient, ContactPoint.Kind.EMAIL, ContactPoint.Status.BOUNCED)
    _status(patient, ContactPoint.Kind.MOBILE, ContactPoint.Status.INVALID)

    decision = contact_decision(patient=patient, category="appointments", channels=("sms", "email"))

    assert decision.channels == ()
    assert [(r.channel, r.code, r.reason) for r in decision.refusals] == [
        ("sms", RefusalCode.INVALID, "mobile number marked invalid"),
        ("email", RefusalCode.BOUNCED, "email bounced"),
    ]


def test_one_usable_point_of_a_kind_is_enough(patient):
    _status(patient, ContactPoint.Kind.EMAIL, ContactPoint.Status.BOUNCED)
    add_contact(patient, ContactPoint.Kind.EMAIL, "new.address@example.com")

    assert contact_decision(patient=patient, category="appointments", channels=("email",)).channels == ("email",)


def test_require_verified_refuses_unverified_contact_points(patient):
    _status(patient, ContactPoint.Kind.EMAIL, ContactPoint.Status.VERIFIED)

    decision = contact_decision(patient=patient, category="appointments", channels=("sms", "email"))
    strict = contact_decisions(
        patients=[patient], category="appointments", channels=("sms", "email"), require_verified=True
    )[patient.pk]

    assert decision.channels == ("sms", "email")
    assert strict.channels == ("email",)
    assert strict.refusals == (ChannelRefusal("sms", RefusalCode.UNVERIFIED, "mobile number not verified"),)


def test_an_opt_out_is_reported_before_a_missing_contact_point(organisation):
    bare = make_patient(organisation=organisation)
    _change(bare, cells={("prescriptions", "letter"): False})

    decision = contact_decision(patient=bare, category="prescriptions", channels=("letter",))

    assert decision.refusals[0].code == RefusalCode.OPTED_OUT


@pytest.mark.parametrize(
    ("category", "channels", "errors"),
    [
        ("gossip", ("sms",), {"category": ["Choose a message category from the list"]}),
        ("appointments", ("pigeon",), {"channels": ["Choose one or more channels from the list"]}),
        ("appointments", (), {"channels": ["Choose one or more channels from the list"]}),
    ],
)
def test_unknown_categories_and_channels_are_refused(patient, category, channels, errors):
    with pytest.raises(InvalidInput) as raised:
        contact_decision(patient=patient, category=category, channels=channels)
    assert raised.value.errors == errors


def test_batch_decisions_take_the_same_three_queries_for_3_or_30_patients(
    organisation, other_organisation, django_assert_max_num_queries
):
    patients = [make_patient(organisation=organisation) for _ in range(30)]
    for index, each in enumerate(patients):
        if index % 2 == 0:
            add_contact(each, ContactPoint.Kind.MOBILE, f"07400 {200000 + index:06d}")
    patients.append(make_patient(organisation=other_organisation))
    _change(patients[2], cells={("appointments", "sms"): False})
    fresh = list(Patient.objects.filter(pk__in=[p.pk for p in patients]))

    with django_assert_max_num_queries(3):
        few = contact_decisions(patients=fresh[:3], category="appointments", channels=("sms",))
    with django_assert_max_num_queries(3):
        many = contact_decisions(patients=fresh, category="appointments", channels=("sms",))

    assert len(few) == 3 and len(many) == 31
    assert many[patients[0].pk].channels == ("sms",)
    assert many[patients[1].pk].refusals[0].code == RefusalCode.NO_CONTACT_POINT
    assert many[patients[2].pk].refusals[0].code == RefusalCode.OPTED_OUT
    assert many[patients[30].pk].refusals[0].code == RefusalCode.NO_CONTACT_POINT


def test_the_patient_overview_reads_grid_contacts_and_decisions_in_three_queries(patient, django_assert_num_queries):
    patient = Patient.objects.select_related("organisation").get(pk=patient.pk)

    with django_assert_num_queries(3):
        overview = patient_overview(patient=patient)

    assert [decision.category for decision in overview.decisions] == [row.policy.category for row in overview.grid]
    appointments = overview.decisions[0]
    assert appointments.channels == ("sms", "email")
    assert {r.channel: r.code for r in appointments.refusals} == {
        "nhsapp": RefusalCode.NO_CONTACT_POINT,
        "letter": RefusalCode.NO_CONTACT_POINT,
    }
    assert {point.kind for point in overview.contact_points} == {"mobile", "email"}

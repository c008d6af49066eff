"""Given / when / then for the preference services: history, the critical rule, reasons,
stale submissions, revert and opt-out."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from preferences.models import Preference
from preferences.selectors import patient_state_at, patient_timeline, timeline_point
from preferences.services import (
    CriticalCategoryClosed,
    NothingChanged,
    PreferenceError,
    ReasonRequired,
    StaleChange,
    opt_out_record,
    patient_find,
    patient_revert,
    preferences_change,
)
from tests.preferences.conftest import EMAIL, NHS_NUMBER
from tests.preferences.factories import make_patient

pytestmark = pytest.mark.django_db


def _allowed(patient, category, channel):
    return Preference.objects.get(patient=patient, category=category, channel=channel).allowed


def test_new_patient_gets_the_default_grid_and_explicit_consent_starts_off(patient):
    assert Preference.objects.filter(patient=patient).count() == 24
    assert _allowed(patient, "appointments", "sms") is True
    assert not Preference.objects.filter(patient=patient, category="campaigns_surveys", allowed=True).exists()


@pytest.mark.hazard("HAZ-013")
def test_a_change_is_recorded_once_with_actor_role_source_and_reason(patient, desk_meta, desk_context, desk_user):
    history_before = Preference.history.filter(patient_id=patient.id).count()

    preferences_change(
        patient=patient,
        expected_lock_version=patient.lock_version,
        cells={("prescriptions", "sms"): False},
        **desk_meta("Patient prefers letters"),
        actor=desk_context,
    )

    rows = Preference.history.filter(patient_id=patient.id)
    assert rows.count() == history_before + 1
    row = rows.latest("history_date")
    assert (row.category, row.channel, row.allowed) == ("prescriptions", "sms", False)
    assert row.history_user == desk_user
    assert row.changed_by_role == "service_desk"
    assert row.change_source == "phone_call"
    assert row.history_change_reason == "Patient prefers letters"
    top = patient_timeline(patient=patient)[0]
    assert (top.who, top.role, top.source, top.reason) == (
        "Gareth Lloyd",
        "Service desk",
        "Phone call",
        "Patient prefers letters",
    )
    assert top.items == ["Prescriptions by SMS: allowed → not allowed"]
    event = AuditEvent.objects.get(action="preference.changed")
    assert (event.patient_ref, event.reason, event.actor) == (str(patient.id), "Patient prefers letters", desk_user)


@pytest.mark.parametrize(
    ("reason", "source", "message"),
    [
        ("", "phone_call", "Enter the reason for this change"),
        ("   ", "phone_call", "Enter the reason for this change"),
        ("Asked", "", "Select how this change reached us"),
    ],
)
def test_a_change_without_reason_or_source_is_refused_and_nothing_saved(
    patient, desk_meta, desk_context, reason, source, message
):
    with pytest.raises(ReasonRequired) as raised:
        preferences_change(
            patient=patient,
            expected_lock_version=patient.lock_version,
            cells={("prescriptions", "sms"): False},
            **desk_meta(reason, source),
            actor=desk_context,
        )
    assert str(raised.value) == message
    assert _allowed(patient, "prescriptions", "sms") is True
    assert not AuditEvent.objects.filter(action="preference.changed").exists()


@pytest.mark.hazard("HAZ-008")
def test_closing_the_last_channel_of_a_critical_category_is_refused(patient, desk_meta, desk_context):
    preferences_change(
        patient=patient,
        expected_lock_version=patient.lock_version,
        cells={("appointments", "nhsapp"): False, ("appointments", "email"): False, ("appointments", "letter"): False},
        **desk_meta(),
        actor=desk_context,
    )
    patient.refresh_from_db()

    with pytest.raises(CriticalCategoryClosed) as raised:
        preferences_change(
            patient=patient,
            expected_lock_version=patient.lock_version,
            cells={("appointments", "sms"): False, ("prescriptions", "sms"): False},
            **desk_meta(),
            actor=desk_context,
        )

    assert str(raised.value) == (
        "Appointments is a critical category: at least one channel must stay open so that the patient still "
        "receives appointments messages. Keep at least one channel selected."
    )
    assert _allowed(patient, "appointments", "sms") is True
    assert _allowed(patient, "prescriptions", "sms") is True  # nothing half-saved


def test_non_critical_categories_may_close_every_channel(patient, desk_meta, desk_context):
    cells = {("prescriptions", channel): False for channel in ("nhsapp", "sms", "email", "letter")}
    preferences_change(
        patient=patient, expected_lock_version=patient.lock_version, cells=cells, **desk_meta(), actor=desk_context
    )
    assert not Preference.objects.filter(patient=patient, category="prescriptions", allowed=True).exists()


def test_a_stale_submission_is_refused_and_the_other_change_kept(patient, desk_meta, desk_context):
    opened_at_version = patient.lock_version
    preferences_change(
        patient=patient,
        expected_lock_version=opened_at_version,
        cells={("prescriptions", "sms"): False},
        **desk_meta(),
        actor=desk_context,
    )

    with pytest.raises(StaleChange):
        preferences_change(
            patient=patient,
            expected_lock_version=opened_at_version,
            cells={("prescriptions", "email"): False},
            **desk_meta(),
            actor=desk_context,
        )

    assert _allowed(patient, "prescriptions", "sms") is False
    assert _allowed(patient, "prescriptions", "email") is True


def test_nothing_changed_is_refused(patient, desk_meta, desk_context):
    with pytest.raises(NothingChanged):
        preferences_change(
            patient=patient,
            expected_lock_version=patient.lock_version,
            cells={("appointments", "sms"): True},
            **desk_meta(),
            actor=desk_context,
        )


def test_channel_order_must_be_a_permutation(patient, desk_meta, desk_context):
    with pytest.raises(PreferenceError, match="The channel order must list each channel once"):
        preferences_change(
            patient=patient,
            expected_lock_version=patient.lock_version,
            cells={},
            channel_order=["sms", "sms", "email", "letter"],
            **desk_meta(),
            actor=desk_context,
        )


def test_revert_makes_a_new_change_and_keeps_history(patient, desk_meta, desk_context):
    start = timezone.now()
    with time_machine.travel(start + timedelta(days=1)):
        preferences_change(
            patient=patient,
            expected_lock_version=patient.lock_version,
            cells={("prescriptions", "sms"): False},
            no_non_essential=True,
            **desk_meta("First"),
            actor=desk_context,
        )
    point = patient_timeline(patient=patient)[0]
    with time_machine.travel(start + timedelta(days=2)):
        patient.refresh_from_db()
        preferences_change(
            patient=patient,
            expected_lock_version=patient.lock_version,
            cells={("prescriptions", "email"): False, ("prescriptions", "sms"): True},
            **desk_meta("Second"),
            actor=desk_context,
        )
    rows_before = Preference.history.filter(patient_id=patient.id).count()

    with time_machine.travel(start + timedelta(days=3)):
        patient.refresh_from_db()
        patient_revert(
            patient=patient,
            to=timeline_point(patient=patient, change_id=point.change_id),
            expected_lock_version=patient.lock_version,
            **desk_meta("Undo mistaken change"),
            actor=desk_context,
        )

    assert _allowed(patient, "prescriptions", "sms") is False
    assert _allowed(patient, "prescriptions", "email") is True
    assert Preference.history.filter(patient_id=patient.id).count() == rows_before + 2
    timeline = patient_timeline(patient=patient)
    assert [entry.reason for entry in timeline[:3]] == ["Undo mistaken change", "Second", "First"]
    assert AuditEvent.objects.filter(action="patient.reverted", reason="Undo mistaken change").count() == 1


def test_state_at_a_point_before_the_patient_existed_is_none(patient):
    assert patient_state_at(patient=patient, at=timezone.now() - timedelta(days=400)) is None


@pytest.mark.hazard("HAZ-008")
def test_opt_out_closes_sms_but_keeps_a_critical_category_open_if_it_is_the_last_channel(
    patient, desk_meta, desk_context
):
    preferences_change(
        patient=patient,
        expected_lock_version=patient.lock_version,
        cells={("screening", "nhsapp"): False, ("screening", "email"): False, ("screening", "letter"): False},
        **desk_meta(),
        actor=desk_context,
    )

    kept = opt_out_record(
        patient=patient, channel="sms", **desk_meta("STOP reply", "patient_sms_reply"), actor=desk_context
    )

    assert kept == ["screening"]
    assert _allowed(patient, "appointments", "sms") is False
    assert _allowed(patient, "screening", "sms") is True
    assert AuditEvent.objects.filter(action="preference.opt_out.recorded").count() == 1


@pytest.mark.hazard("HAZ-001")
def test_find_searches_only_the_organisation_and_audits_with_the_reason(patient, other_organisation, desk_context):
    make_patient(organisation=other_organisation, nhs_number="9990000026")

    assert (
        patient_find(
            search_by="nhs_number",
            value="999 000 0018",
            reason="Patient phoned",
            actor=desk_context,
        )
        == patient
    )
    assert (
        patient_find(
            search_by="email",
            value=EMAIL.upper(),
            reason="Patient phoned",
            actor=desk_context,
        )
        == patient
    )
    assert (
        patient_find(
            search_by="mobile",
            value="07400 123456",
            reason="Patient phoned",
            actor=desk_context,
        )
        == patient
    )
    assert (
        patient_find(
            search_by="nhs_number",
            value="9990000026",
            reason="Patient phoned",
            actor=desk_context,
        )
        is None
    )

    events = AuditEvent.objects.filter(action="patient.searched").order_by("sequence")
    assert [(e.reason, e.details["found"]) for e in events] == [("Patient phoned", True)] * 3 + [
        ("Patient phoned", False)
    ]
    assert all(NHS_NUMBER not in str(e.details) for e in events)


def test_find_needs_a_reason(patient, desk_context):
    with pytest.raises(ReasonRequired, match="Select or enter the reason you need to find this patient"):
        patient_find(
            search_by="nhs_number",
            value=NHS_NUMBER,
            reason=" ",
            actor=desk_context,
        )
    assert not AuditEvent.objects.filter(action="patient.searched").exists()

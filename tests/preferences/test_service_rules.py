"""Given / when / then for the rules every preferences service enforces whoever calls it (a page,
a client system, a task): the actor's permission and organisation, who/why/source on every
historical row, the bulk grid of a new patient, audited creation, restated values, a STOP from a
shared mobile, and the input limits."""

import pytest

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Permission, Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import NotFound, PermissionRefused
from preferences.limits import NAME_MAX_LENGTH, REASON_MAX_LENGTH
from preferences.models import ContactPoint, Patient, Preference
from preferences.selectors import patient_timeline
from preferences.services import (
    ContactChange,
    NothingChanged,
    PreferenceError,
    contact_point_add,
    contact_reveal,
    opt_out_by_mobile,
    opt_out_record,
    patient_change,
    patient_create,
    patient_find,
    patient_view_record,
    preferences_change,
)
from tests.preferences.conftest import MOBILE
from tests.preferences.factories import SETUP, add_contact, make_patient, system_actor

pytestmark = pytest.mark.django_db
CLOSE_PRESCRIPTIONS_SMS = {("prescriptions", "sms"): False}


def _allowed(patient, category, channel):
    return Preference.objects.get(patient=patient, category=category, channel=channel).allowed


# --- One actor: permission and organisation -----------------------------------------------------


def test_a_system_actor_without_the_permission_is_refused_and_nothing_is_written(patient, organisation):
    task = Actor.system(name="sending.dispatch", organisation=organisation, permissions=frozenset())
    lock_version = patient.lock_version

    with pytest.raises(PermissionRefused) as raised:
        preferences_change(
            actor=task, patient=patient, expected_lock_version=None, cells=CLOSE_PRESCRIPTIONS_SMS, **SETUP
        )

    assert str(raised.value) == "This client system has not been given permission to do this."
    assert _allowed(patient, "prescriptions", "sms") is True
    patient.refresh_from_db()
    assert patient.lock_version == lock_version


def test_a_staff_role_without_the_permission_is_refused(patient, make_staff, organisation):
    auditor = Actor.staff(user=make_staff(Role.AUDITOR), role=Role.AUDITOR, organisation=organisation)

    with pytest.raises(PermissionRefused, match=r"^Your current role \(Auditor\) cannot do this\.$"):
        opt_out_record(actor=auditor, patient=patient, channel="sms", **SETUP)
    with pytest.raises(PermissionRefused):
        patient_view_record(actor=auditor, patient=patient, reason="Curious")
    with pytest.raises(PermissionRefused):
        contact_reveal(actor=auditor, contact_point=patient.contact_points.first(), reason="Curious")
    assert not AuditEvent.objects.filter(action__in=["patient.viewed", "patient.contact.revealed"]).exists()


def test_another_organisations_patient_is_not_found_for_every_change(patient, other_organisation):
    outsider = system_actor(other_organisation, Permission.PREFERENCE_CHANGE, Permission.PATIENT_VIEW)

    with pytest.raises(NotFound):
        preferences_change(
            actor=outsider, patient=patient, expected_lock_version=None, cells=CLOSE_PRESCRIPTIONS_SMS, **SETUP
        )
    with pytest.raises(NotFound):
        contact_point_add(
            actor=outsider, patient=patient, kind="email", value="x@example.com", contact_source="patient", **SETUP
        )
    with pytest.raises(NotFound):
        patient_view_record(actor=outsider, patient=patient, reason="Looking")
    assert _allowed(patient, "prescriptions", "sms") is True


def test_find_needs_the_find_permission(patient, organisation):
    with pytest.raises(PermissionRefused):
        patient_find(actor=system_actor(organisation), search_by="nhs_number", value=patient.nhs_number, reason="Task")


def test_a_system_change_is_recorded_with_the_systems_name_and_no_person(patient, organisation):
    gateway = Actor.system(
        name="gp-sms-gateway", organisation=organisation, permissions=frozenset({Permission.PREFERENCE_CHANGE})
    )

    preferences_change(
        actor=gateway,
        patient=patient,
        expected_lock_version=None,
        cells=CLOSE_PRESCRIPTIONS_SMS,
        source="other_system_api",
        reason="Patient changed it in the app",
    )

    row = Preference.history.filter(patient_id=patient.id).latest("history_date")
    assert (row.history_user, row.changed_by_role, row.changed_by_system) == (None, "", "gp-sms-gateway")
    assert (row.change_source, row.history_change_reason) == ("other_system_api", "Patient changed it in the app")


# --- Creating a patient ----------------------------------------------------------------------------


def test_creating_a_patient_writes_the_grid_in_bulk_with_who_why_and_source_and_is_audited(
    organisation, desk_context, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        patient = patient_create(
            actor=desk_context,
            nhs_number="9990000026",
            given_name="Ada",
            family_name="Lovelace",
            source="phone_call",
            reason="Registered at the practice",
        )

    rows = Preference.history.filter(patient_id=patient.id)
    assert rows.count() == 24
    assert set(rows.values_list("change_source", "changed_by_role", "history_change_reason", "history_type")) == {
        ("phone_call", "service_desk", "Registered at the practice", "+")
    }
    assert {row.history_user for row in rows} == {desk_context.user}
    assert len(set(rows.values_list("change_id", flat=True))) == 1
    assert patient_timeline(patient=patient)[0].items == [
        "Patient record created",
        "Preferences set to the organisation's defaults",
    ]
    event = AuditEvent.objects.get(action="patient.created")
    assert (event.patient_ref, event.reason, event.actor) == (
        str(patient.id),
        "Registered at the practice",
        desk_context.user,
    )
    assert event.details == {"source": "phone_call", "preferences": 24}


def test_creating_a_patient_refuses_long_names_unknown_languages_and_other_permissions(organisation):
    actor = system_actor(organisation)
    base = {"nhs_number": "9990000026", "given_name": "Ada", "family_name": "Lovelace", **SETUP}

    with pytest.raises(PreferenceError, match=rf"^Given name must be {NAME_MAX_LENGTH} characters or fewer$"):
        patient_create(actor=actor, **{**base, "given_name": "A" * (NAME_MAX_LENGTH + 1)})
    with pytest.raises(PreferenceError, match=r"^Select the patient's language from the list$"):
        patient_create(actor=actor, **base, language="xx")
    with pytest.raises(PermissionRefused):
        patient_create(actor=Actor.system(name="reader", organisation=organisation), **base)
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.filter(action="patient.created").exists()


def test_a_reason_longer_than_the_limit_is_refused_not_cut(patient, desk_context):
    with pytest.raises(PreferenceError, match=rf"^The reason must be {REASON_MAX_LENGTH} characters or fewer$"):
        preferences_change(
            actor=desk_context,
            patient=patient,
            expected_lock_version=None,
            cells=CLOSE_PRESCRIPTIONS_SMS,
            source="phone_call",
            reason="x" * (REASON_MAX_LENGTH + 1),
        )


# --- Restating an unchanged value ------------------------------------------------------------------


def test_restating_a_preference_with_a_new_contact_point_applies_the_contact_point(patient, desk_context):
    patient_change(
        actor=desk_context,
        patient=patient,
        expected_lock_version=None,
        cells={("appointments", "sms"): True},  # as it already is
        contact=ContactChange(contact_source="patient", kind="email", value="second@example.com"),
        source="phone_call",
        reason="New email",
    )

    assert patient.contact_points.filter(kind="email", value="second@example.com").exists()
    assert not AuditEvent.objects.filter(action="preference.changed").exists()  # no cell changed
    assert AuditEvent.objects.filter(action="contact_point.changed", reason="New email").count() == 1
    top = patient_timeline(patient=patient)[0]
    assert top.items == ["Email added: s***@example.com (unverified, from patient)"]


def test_restating_some_cells_with_a_real_change_applies_the_real_change(patient, desk_context):
    patient_change(
        actor=desk_context,
        patient=patient,
        expected_lock_version=None,
        cells={("appointments", "sms"): True, ("prescriptions", "sms"): False},
        no_non_essential=False,
        source="phone_call",
        reason="Fewer texts",
    )

    event = AuditEvent.objects.get(action="preference.changed")
    assert event.details["cells"] == [{"category": "prescriptions", "channel": "sms", "allowed": False}]
    assert event.details["patient_fields"] == []


def test_a_request_that_changes_nothing_is_refused_and_writes_nothing(patient, desk_context):
    lock_version, events = patient.lock_version, AuditEvent.objects.count()
    point = patient.contact_points.get(kind="mobile")

    with pytest.raises(NothingChanged, match=r"^You have not changed anything$"):
        patient_change(
            actor=desk_context,
            patient=patient,
            expected_lock_version=None,
            cells={("appointments", "sms"): True},
            contact=ContactChange(contact_point_id=str(point.id), status=point.status),
            source="phone_call",
            reason="Nothing really",
        )

    patient.refresh_from_db()
    assert (patient.lock_version, AuditEvent.objects.count()) == (lock_version, events)


# --- STOP from a shared mobile ---------------------------------------------------------------------


def test_a_stop_from_a_shared_mobile_opts_out_every_patient_of_the_organisation_with_it(
    patient, organisation, other_organisation
):
    sibling = make_patient(organisation=organisation, given_name="Kim")
    add_contact(sibling, ContactPoint.Kind.MOBILE, "07400 123456")
    elsewhere = make_patient(organisation=other_organisation)
    add_contact(elsewhere, ContactPoint.Kind.MOBILE, MOBILE)

    results = opt_out_by_mobile(
        actor=system_actor(organisation), mobile="+44 7400 123456", source="patient_sms_reply", reason="STOP"
    )

    assert {each.pk for each in results} == {patient.pk, sibling.pk}
    assert all(kept == [] for kept in results.values())
    for each in (patient, sibling):
        assert not Preference.objects.filter(patient=each, channel="sms", allowed=True).exists()
    assert _allowed(elsewhere, "appointments", "sms") is True
    assert AuditEvent.objects.filter(action="preference.opt_out.recorded").count() == 2


def test_a_stop_from_an_unknown_mobile_finds_nobody(patient, organisation):
    assert opt_out_by_mobile(actor=system_actor(organisation), mobile="07400 999999", **SETUP) == {}


def test_an_opt_out_already_in_place_writes_nothing(patient, organisation):
    opt_out_record(actor=system_actor(organisation), patient=patient, channel="sms", **SETUP)
    patient.refresh_from_db()
    lock_version, rows = patient.lock_version, Preference.history.filter(patient_id=patient.id).count()

    kept = opt_out_record(actor=system_actor(organisation), patient=patient, channel="sms", **SETUP)

    patient.refresh_from_db()
    assert kept == []
    assert (patient.lock_version, Preference.history.filter(patient_id=patient.id).count()) == (lock_version, rows)
    assert AuditEvent.objects.filter(action="preference.opt_out.recorded").count() == 1


def test_an_opt_out_decides_on_the_grid_as_stored_not_as_the_caller_loaded_it(patient, organisation, desk_context):
    stale_copy = Patient.objects.get(pk=patient.pk)
    # Meanwhile, the desk closes every channel of screening but SMS.
    preferences_change(
        actor=desk_context,
        patient=patient,
        expected_lock_version=None,
        cells={("screening", "nhsapp"): False, ("screening", "email"): False, ("screening", "letter"): False},
        **SETUP,
    )

    kept = opt_out_record(actor=system_actor(organisation), patient=stale_copy, channel="sms", **SETUP)

    assert kept == ["screening"]
    assert _allowed(patient, "screening", "sms") is True

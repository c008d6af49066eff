"""The real published FHIR Appointments (../shared/reference/fhir-appointments): every file in
the manifest gives its expected meaning, and through the API its expected answer (never a 5xx)."""

import copy
import json

import pytest

from notifyadmin.intake.models import Decision, IntakeEvent
from notifyadmin.intake.reading import Unreadable, fhir_meaning, fhir_read, fhir_status
from notifyadmin.sending.models import Message
from notifyadmin.sending.status import MessageStatus
from tests.intake.conftest import BARS_NHS_NUMBER, FHIR, REFERENCE, WAYFINDER_NHS_NUMBER, reference

MANIFEST = json.loads((REFERENCE / "manifest.json").read_text(encoding="utf-8"))
URL = "/api/v1/events"
NO_NHS_NUMBER = "Appointment.participant.actor"
# Every file and bundle, with the answer pinned: what the intake does with each published file.
EXPECTED_ANSWERS = {
    "bundles/bars-booking-request-message-bundle.json": (202, Decision.MESSAGES_CREATED),
    # Patient/9476719931 resolves to no entry (the entry's id differs): never guessed.
    "bundles/bars-booking-response-message-bundle.json": (422, NO_NHS_NUMBER),
    "bundles/ihe-scheduling-proposed-searchset-bundle.json": (422, "Bundle.entry"),
    "bundles/mssiu-s12-02-expected-bundle.json": (422, NO_NHS_NUMBER),
    "bundles/pca-get-appointment-searchset-bundle.json": (202, Decision.MESSAGES_CREATED),
    "r4/bars-appointment-get-success.json": (422, "Appointment.participant"),
    "r4/bars-booking-response-appointment.json": (422, NO_NHS_NUMBER),
    "r4/bars-draft-2021-booked.json": (422, "Appointment.start"),
    "r4/bars-draft-2021-cancelled-trailing-space.json": (422, "Appointment.status"),
    "r4/bars-draft-2021-noshow.json": (422, NO_NHS_NUMBER),
    "r4/bars-draft-2021-proposed.json": (422, NO_NHS_NUMBER),
    "r4/bars-xml-bookreq02-cancelled.json": (422, "Appointment.id"),
    "r4/bars-xml-refresp01-noshow-dna.json": (422, "Appointment.participant"),
    "r4/hl7-r4-appointment-example.json": (422, NO_NHS_NUMBER),
    "r4/hl7-r4-appointment-examplereq.json": (422, NO_NHS_NUMBER),
    "r4/ihe-scheduling-example-appointment.json": (422, NO_NHS_NUMBER),
    "r4/ihe-scheduling-proposed-appt1a-1.json": (422, "Appointment.participant"),
    "r4/isik-termin-example.json": (422, NO_NHS_NUMBER),
    "r4/mssiu-s12-02-appointment.json": (422, NO_NHS_NUMBER),
    "r4/mssiu-s13-02-appointment.json": (422, NO_NHS_NUMBER),
    "r4/mssiu-s15-02-appointment.json": (422, NO_NHS_NUMBER),
    "r4/mssiu-s17-02-appointment.json": (422, NO_NHS_NUMBER),
    "r4/mssiu-s26-02-appointment.json": (422, NO_NHS_NUMBER),
    "r4/pca-wayfinder-appointment-booked.json": (202, Decision.MESSAGES_CREATED),
    "r4/ukcore-appointment-orthopaedicsurgery.json": (422, NO_NHS_NUMBER),
    "r4/uscore-draft-appt-booked-physical.json": (422, NO_NHS_NUMBER),
    "r4/uscore-draft-appt-cancelled.json": (422, NO_NHS_NUMBER),
    "r4/uscore-draft-appt-from-referral.json": (422, NO_NHS_NUMBER),
    "r4/uscore-draft-appt-fulfilled-followup.json": (422, NO_NHS_NUMBER),
    "r4/uscore-draft-appt-resulted-encounter.json": (422, NO_NHS_NUMBER),
    "r4/uscore-draft-appt-telehealth.json": (422, NO_NHS_NUMBER),
    "stu3/ers-stu3-retrieve-booked-dbs.json": (422, "Appointment"),
    "stu3/ers-stu3-retrieve-cancelled.json": (422, "Appointment"),
    "stu3/gpconnect-stu3-book-request.json": (422, "Appointment"),
    "stu3/gpconnect-stu3-cancel-request.json": (422, "Appointment"),
    "stu3/hl7-stu3-appointment-example.json": (422, "Appointment"),
    "stu3/nhs-booking-api-stu3-careconnect-contained-patient.json": (422, "Appointment"),
}


def post(api, body, key):
    return api.post(URL, json.dumps(body), content_type=FHIR, HTTP_IDEMPOTENCY_KEY=key)


def test_every_reference_file_is_pinned():
    on_disk = {p.relative_to(REFERENCE).as_posix() for p in REFERENCE.glob("*/*.json")}
    assert on_disk == set(EXPECTED_ANSWERS)
    assert {entry["file"] for entry in MANIFEST["real"]} <= on_disk


@pytest.mark.parametrize("entry", MANIFEST["real"], ids=lambda entry: entry["file"])
def test_each_manifest_file_gives_its_expected_meaning(entry):
    resource = reference(entry["file"])
    if entry["expected_intake"] == "reject-4xx":
        with pytest.raises(Unreadable):
            fhir_status(resource)
        return
    status = fhir_status(resource)
    assert status == entry["status"]
    assert entry["expected_meaning"].startswith(fhir_meaning(status))


@pytest.mark.parametrize("name", sorted(EXPECTED_ANSWERS))
def test_each_reference_file_gets_its_answer_through_the_api(api, patients, mapped, name):
    status_code, expected = EXPECTED_ANSWERS[name]
    response = api.post(URL, (REFERENCE / name).read_bytes(), content_type=FHIR, HTTP_IDEMPOTENCY_KEY="one")
    assert response.status_code == status_code
    body = response.json()
    if status_code == 202:
        assert body["decision"] == expected
    else:
        assert response["Content-Type"] == FHIR
        assert body["resourceType"] == "OperationOutcome"
        assert body["issue"][0]["expression"] == [expected]
        assert WAYFINDER_NHS_NUMBER not in response.content.decode()
        assert Message.objects.count() == 0


def test_a_bars_bundle_resolves_the_urn_uuid_patient_and_books(api, patients, mapped):
    response = api.post(
        URL,
        (REFERENCE / "bundles/bars-booking-request-message-bundle.json").read_bytes(),
        content_type=FHIR,
        HTTP_IDEMPOTENCY_KEY="bars",
    )
    assert response.status_code == 202
    booked = Message.objects.get(template__name="Booked")
    assert booked.patient == patients[BARS_NHS_NUMBER]


def wayfinder(status: str, version: int, start: str | None = None) -> dict:
    body = copy.deepcopy(reference("r4/pca-wayfinder-appointment-booked.json"))
    body["status"] = status
    body["meta"] = {"versionId": str(version)}
    body["start"] = start or "2099-06-13T12:30:00+00:00"
    return body


@pytest.mark.parametrize(
    ("status", "decision", "template"),
    [
        ("booked", Decision.MESSAGES_CREATED, "Booked"),
        ("cancelled", Decision.MESSAGES_CREATED, "Cancelled"),
        ("noshow", Decision.MESSAGES_CREATED, "Missed"),
        ("proposed", Decision.NO_MESSAGE, None),
        ("pending", Decision.NO_MESSAGE, None),
        ("waitlist", Decision.NO_MESSAGE, None),
        ("arrived", Decision.NO_MESSAGE, None),
        ("checked-in", Decision.NO_MESSAGE, None),
        ("fulfilled", Decision.NO_MESSAGE, None),
        ("entered-in-error", Decision.WITHDRAWN, None),
    ],
)
def test_each_fhir_status_is_mapped(api, patients, mapped, status, decision, template):
    response = post(api, wayfinder(status, 1), "s")
    assert response.status_code == 202
    assert response.json()["decision"] == decision
    names = sorted(Message.objects.exclude(template__name="Reminder").values_list("template__name", flat=True))
    assert names == ([template] if template else [])
    if status in ("proposed", "fulfilled"):
        assert response.json()["detail"] == f"No message for the status {status}."


def test_the_published_mssiu_reschedule_is_a_reschedule(api, patients, mapped):
    """s12 then s13 move one appointment by two days (the NHS number added: the converter's
    output has none)."""
    identifier = {
        "type": "Patient",
        "identifier": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": WAYFINDER_NHS_NUMBER},
    }
    bodies = []
    for number, name in enumerate(("r4/mssiu-s12-02-appointment.json", "r4/mssiu-s13-02-appointment.json"), 1):
        body = reference(name)
        body["participant"][0]["actor"] = identifier
        body["meta"] = {"versionId": str(number)}
        body["start"] = body["start"].replace("2021", "2099")
        bodies.append(body)
    assert post(api, bodies[0], "a").json()["decision"] == Decision.MESSAGES_CREATED
    second = post(api, bodies[1], "b").json()
    assert second["decision"] == Decision.MESSAGES_CREATED
    assert second["withdrawn"] == 3
    moved = Message.objects.get(template__name="Moved")
    assert moved.personalisation == {"appointment_date": "2099-08-20", "appointment_time": "10:15"}
    assert Message.objects.get(template__name="Booked").status_reason == "superseded"


def test_entered_in_error_withdraws_what_is_not_yet_sent_and_sends_nothing(api, patients, mapped):
    post(api, wayfinder("booked", 1), "a")
    response = post(api, wayfinder("entered-in-error", 2), "b").json()
    assert response["decision"] == Decision.WITHDRAWN
    assert response["withdrawn"] == 3
    assert set(Message.objects.values_list("status", "status_reason")) == {(MessageStatus.NOT_SENT, "withdrawn")}


@pytest.mark.parametrize(
    ("change", "status_code", "element"),
    [
        ({"resourceType": "Patient"}, 422, "resourceType"),
        ({"status": "cancelled "}, 422, "Appointment.status"),
        (
            {"modifierExtension": [{"url": "http://example.org/x", "valueBoolean": True}]},
            422,
            "Appointment.modifierExtension",
        ),
        ({"start": "13 June"}, 400, "Appointment.start"),
        (
            {"meta": {"profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-Appointment-1"]}},
            422,
            "Appointment",
        ),
    ],
)
def test_refused_fhir_bodies_get_an_operation_outcome_naming_the_element(
    api, patients, mapped, change, status_code, element
):
    response = post(api, {**wayfinder("booked", 1), **change}, "x")
    assert response.status_code == status_code
    assert response.json()["issue"][0]["expression"] == [element]
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "system", "diagnostics"),
    [
        ("9000000008", "https://fhir.nhs.uk/Id/nhs-number", "NHS number"),
        ("9000000009", "http://fhir.nhs.net/Id/nhs-number", "old fhir.nhs.net system"),
    ],
)
def test_invalid_or_legacy_nhs_numbers_are_refused(api, patients, mapped, value, system, diagnostics):
    body = wayfinder("booked", 1)
    body["participant"][0]["actor"]["identifier"] = {"system": system, "value": value}
    response = post(api, body, "n")
    assert response.status_code == 422
    assert diagnostics in response.json()["issue"][0]["diagnostics"]
    assert value not in response.content.decode()


def test_a_tolerant_reader_ignores_unknown_elements_and_reads_single_objects_as_arrays(api, patients, mapped):
    body = wayfinder("booked", 1)
    body["participant"] = body["participant"][0]
    body["futureElement"] = {"anything": [1, 2]}
    body["extension"] = [{"url": "http://example.org/unknown", "valueString": "x"}]
    assert post(api, body, "t").json()["decision"] == Decision.MESSAGES_CREATED


def test_fhir_read_of_a_bundle_with_no_appointment_names_the_entries():
    with pytest.raises(Unreadable) as refused:
        fhir_read({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient"}}]})
    assert refused.value.element == "Bundle.entry"


@pytest.mark.parametrize("where", ["id", "meta", "serviceType", "participant"])
def test_a_nul_character_in_a_fhir_appointment_is_an_operation_outcome_and_nothing_is_stored(
    api, patients, mapped, where
):
    body = wayfinder("booked", 1)
    if where == "id":
        body["id"] = "appointment\x001"
    elif where == "meta":
        body["meta"] = {"versionId": "1\x00"}
    elif where == "serviceType":
        body["serviceType"] = [{"coding": [{"display": "Eye\x00clinic"}]}]
    else:
        body["participant"][0]["actor"]["identifier"]["value"] = "900000\x000009"

    response = post(api, body, f"nul-{where}")

    assert response.status_code == 400
    assert response.json()["issue"][0]["diagnostics"] == (
        "The JSON body contains a NUL character (\\u0000), which cannot be stored."
    )
    assert (Message.objects.count(), IntakeEvent.objects.count()) == (0, 0)

"""`field__any_of`: one array parameter on PostgreSQL (whatever the list's length), `__in`
elsewhere; the same rows either way."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from preferences.models import Patient

pytestmark = pytest.mark.django_db


def _patients(organisation, count):
    return [
        Patient.objects.create(
            organisation=organisation,
            nhs_number=f"99900000{n:02d}",
            nhs_number_hash=f"hash-{n}",
            given_name="A",
            family_name="B",
        )
        for n in range(count)
    ]


def test_any_of_finds_the_same_rows_as_in_for_uuids_as_text_or_objects(organisation):
    patients = _patients(organisation, 3)
    wanted = [patients[0].pk, str(patients[2].pk), uuid.uuid4()]
    found = set(Patient.objects.filter(pk__any_of=wanted).values_list("pk", flat=True))
    assert found == {patients[0].pk, patients[2].pk}
    assert set(Patient.objects.filter(organisation_id__any_of=[organisation.pk]).values_list("pk", flat=True)) == {
        p.pk for p in patients
    }
    assert list(Patient.objects.filter(pk__any_of=[])) == []


def test_any_of_is_one_parameter_on_postgresql(organisation, require_postgresql):
    patients = _patients(organisation, 2)
    many = [str(uuid.uuid4()) for _ in range(5000)] + [str(patients[1].pk)]
    with CaptureQueriesContext(connection) as queries:
        assert list(Patient.objects.filter(pk__any_of=many).values_list("pk", flat=True)) == [patients[1].pk]
    assert "= ANY(" in queries[0]["sql"] and queries[0]["sql"].count("'") < 10


HOSTILE_ELEMENTS = [
    "plain",
    "",
    "NULL",
    'a "quoted" word',
    'back\\slash and \\" both',
    "comma, and {braces}",
    "  spaces around  ",
    "Ysbyty Gwynedd – ŵ ŷ ✓",
    "new\nline",
]


def test_an_array_literal_reads_back_as_exactly_the_values_given(require_postgresql):
    from notifyadmin.core.lookups import pg_array_literal

    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [pg_array_literal(HOSTILE_ELEMENTS)])
        assert cursor.fetchone()[0] == HOSTILE_ELEMENTS
        cursor.execute("SELECT %s::text[]", [pg_array_literal([])])
        assert cursor.fetchone()[0] == []
        ids = [uuid.uuid4() for _ in range(3)]
        cursor.execute("SELECT %s::uuid[]", [pg_array_literal(ids)])
        assert cursor.fetchone()[0] == ids

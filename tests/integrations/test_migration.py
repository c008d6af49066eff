"""Moving API clients from preferences to integrations keeps existing clients, their keys and
their idempotency records working: a database with clients is migrated, then the old key is used."""

import hashlib
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

BEFORE = [("preferences", "0001_initial"), ("integrations", None)]
OLD_KEY = "pas.an-old-secret-issued-before-the-move"


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_the_move(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state([("preferences", "0001_initial")]).apps
    _migrate_to_latest()  # whatever happened, leave the database as the other tests expect it


def test_existing_clients_and_keys_keep_working_after_the_move(before_the_move):
    old = before_the_move
    organisation = old.get_model("accounts", "Organisation").objects.create(ods_code="RX1", name="Northfield")
    client_id = uuid.uuid4()
    old.get_model("preferences", "ApiClient").objects.create(
        id=client_id,
        organisation_id=organisation.pk,
        name="Patient administration system",
        client_id="pas",
        key_hash=hashlib.sha256(OLD_KEY.encode()).hexdigest(),
        is_active=True,
    )
    old.get_model("preferences", "IdempotencyRecord").objects.create(
        api_client_id=client_id,
        key="k-1",
        endpoint="opt-out",
        request_hash="h" * 64,
        response_status=200,
        response_body={"done": True},
    )

    _migrate_to_latest()

    from notifyadmin.integrations.models import ApiClient, IdempotencyRecord

    moved = ApiClient.objects.get(pk=client_id)
    assert (moved.client_id, moved.name, moved.permissions, moved.is_active) == (
        "pas",
        "Patient administration system",
        ["preference.api"],
        True,
    )
    assert moved.keys.count() == 1
    record = IdempotencyRecord.objects.get(client=moved, key="k-1")
    assert (record.state, record.response_status, record.response_body) == ("complete", 200, {"done": True})
    response = Client(HTTP_AUTHORIZATION=f"Bearer {OLD_KEY}").get(f"/api/v1/preferences/patients/{uuid.uuid4()}/")
    assert (response.status_code, response.json()["detail"]) == (404, "No patient found.")

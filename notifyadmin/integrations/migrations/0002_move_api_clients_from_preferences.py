"""Move API clients, their keys and Idempotency-Key records from the preferences app.

Each preferences.ApiClient becomes an integrations.ApiClient with the same id, client id,
organisation, name, active flag and creation time, granted `preference.api` (all it could do
before), and its one key hash becomes an ApiKey: keys already issued keep working unchanged
(the hash is of the whole `<client_id>.<secret>` key, as before). Completed idempotency records
move too, so a repeat sent across the upgrade is still replayed. The old tables are dropped by
preferences 0002, which runs after this.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    OldClient = apps.get_model("preferences", "ApiClient")
    OldRecord = apps.get_model("preferences", "IdempotencyRecord")
    ApiClient = apps.get_model("integrations", "ApiClient")
    ApiKey = apps.get_model("integrations", "ApiKey")
    IdempotencyRecord = apps.get_model("integrations", "IdempotencyRecord")
    for old in OldClient.objects.all():
        client = ApiClient.objects.create(
            id=old.id,
            organisation_id=old.organisation_id,
            name=old.name,
            client_id=old.client_id,
            permissions=["preference.api"],
            is_active=old.is_active,
            created_at=old.created_at,
        )
        ApiKey.objects.create(client=client, key_hash=old.key_hash, hint="", created_at=old.created_at)
    for old in OldRecord.objects.all():
        IdempotencyRecord.objects.create(
            client_id=old.api_client_id,
            key=old.key,
            endpoint=old.endpoint,
            request_hash=old.request_hash,
            state="complete",
            response_status=old.response_status,
            response_body=old.response_body,
            created_at=old.created_at,
            completed_at=old.created_at,
        )


def backwards(apps, schema_editor):
    OldClient = apps.get_model("preferences", "ApiClient")
    ApiClient = apps.get_model("integrations", "ApiClient")
    ApiKey = apps.get_model("integrations", "ApiKey")
    for client in ApiClient.objects.all():
        key = ApiKey.objects.filter(client=client, revoked_at__isnull=True).order_by("-created_at").first()
        OldClient.objects.create(
            id=client.id,
            organisation_id=client.organisation_id,
            name=client.name,
            client_id=client.client_id,
            key_hash=key.key_hash if key else "",
            is_active=client.is_active and key is not None,
            created_at=client.created_at,
        )
    ApiKey.objects.all().delete()
    apps.get_model("integrations", "IdempotencyRecord").objects.all().delete()
    ApiClient.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
        ("preferences", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

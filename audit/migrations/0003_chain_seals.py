"""Seals: events are written without a lock and sealed into the hash chain by one sealer at a
time (docs/adr/0006-audit-chain-sealing.md).

Events recorded before this migration carried their own link (previous_hash, event_hash). This
migration first verifies that old chain and refuses to go on if it is broken, so that changing
the format can never launder an alteration; then it seals every existing event, in its old
chain order, into the new chain. 0004 removes the old columns.
"""

import hashlib
import json
from datetime import UTC

import django.db.models.deletion
from django.db import migrations, models

GENESIS_HASH = "0" * 64


def _old_event_hash(event) -> str:
    """The hash format before this migration (frozen here: it is history)."""
    content = {
        "id": str(event.id),
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": str(event.actor_id) if event.actor_id else "",
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "organisation_id": str(event.organisation_id) if event.organisation_id else "",
        "sign_in_session_id": event.sign_in_session_id,
        "cis2_uid": event.cis2_uid,
        "cis2_role_id": event.cis2_role_id,
        "system_client": event.system_client,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "patient_ref": event.patient_ref,
        "reason": event.reason,
        "details": event.details,
        "correlation_id": event.correlation_id,
        "ip_address": event.ip_address or "",
        "user_agent": event.user_agent,
        "previous_hash": event.previous_hash,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal_existing_events(apps, schema_editor):
    # The current seal format: the new chain must verify with the code that runs after this.
    from audit.chain import seal_hash
    from django.utils import timezone

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditSeal = apps.get_model("audit", "AuditSeal")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    previous_old, previous_new, position = GENESIS_HASH, GENESIS_HASH, 0
    now = timezone.now()
    batch = []
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        if event.previous_hash != previous_old or _old_event_hash(event) != event.event_hash:
            raise RuntimeError(
                f"The audit chain is broken at event {event.sequence} ({event.id}): investigate before "
                "migrating, because sealing it into the new chain would hide the alteration."
            )
        previous_old = event.event_hash
        position += 1
        digest = seal_hash(position=position, previous_hash=previous_new, event=event)
        batch.append(
            AuditSeal(position=position, event_id=event.sequence, previous_hash=previous_new, hash=digest, sealed_at=now)
        )
        previous_new = digest
        if len(batch) >= 2000:
            AuditSeal.objects.bulk_create(batch)
            batch = []
    AuditSeal.objects.bulk_create(batch)
    AuditChainHead.objects.create(pk=1, position=position, hash=previous_new, scan_from_sequence=0)
    if schema_editor.connection.vendor == "postgresql":
        # The next migration alters the events table; no deferred foreign-key check may be pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("position", models.BigIntegerField(default=0)),
                ("hash", models.CharField(default=GENESIS_HASH, max_length=64)),
                (
                    "scan_from_sequence",
                    models.BigIntegerField(
                        default=0,
                        help_text="Events at or below this sequence were all sealed (see the late-commit horizon).",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("position", models.BigIntegerField(primary_key=True, serialize=False)),
                ("previous_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                ("sealed_at", models.DateTimeField()),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING, related_name="seal", to="audit.auditevent"
                    ),
                ),
            ],
            options={"ordering": ["position"]},
        ),
        migrations.RunPython(seal_existing_events, migrations.RunPython.noop),
    ]

"""Drop the old per-event links (0003 sealed them into the new chain), record verifications,
and on PostgreSQL refuse UPDATE and DELETE of seals as 0002 does for events."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CREATE = """
CREATE TRIGGER audit_seal_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditseal
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
"""
DROP = "DROP TRIGGER IF EXISTS audit_seal_no_update_delete ON audit_auditseal;"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chain_seals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(model_name="auditevent", name="event_hash"),
        migrations.RemoveField(model_name="auditevent", name="previous_hash"),
        migrations.CreateModel(
            name="AuditVerification",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("requested_at", models.DateTimeField()),
                ("requested_by_name", models.CharField(max_length=200)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting to start"),
                            ("running", "Checking"),
                            ("passed", "Intact"),
                            ("failed", "Problems found"),
                            ("error", "Could not finish"),
                        ],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("total", models.BigIntegerField(default=0, help_text="Seals to check, counted when the run started.")),
                ("checked", models.BigIntegerField(default=0)),
                ("head_position", models.BigIntegerField(default=0)),
                ("head_hash", models.CharField(blank=True, max_length=64)),
                ("findings", models.JSONField(blank=True, default=list)),
                ("error", models.CharField(blank=True, max_length=200)),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-requested_at"]},
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]

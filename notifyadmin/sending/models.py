"""The outbox: a message is a database row first, and Celery tasks only move rows forward.

`Message.id` is the NHS Notify `messageReference`, so a retry can never be accepted twice.
Every status change appends a `MessageEvent` in the same statement (see dispatch/store.py),
so counters and dashboards can be kept incrementally from the events.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from notifyadmin.core.channels import Channel
from notifyadmin.sending.status import MESSAGE_WORKFLOW, MessageStatus


class MessageSource(models.TextChoices):
    MANUAL = "manual", "Sent by a member of staff"
    TEST = "test", "Test sent by staff to themselves"
    EVENT = "event", "Event from another system"
    CAMPAIGN = "campaign", "Campaign"


class Priority(models.IntegerChoices):
    URGENT = 0, "Urgent"
    NORMAL = 5, "Normal"
    BULK = 9, "Bulk"


class OutboundBatch(models.Model):
    """One request to NHS Notify: its reference and its messages are fixed when it is made, so an
    attempt whose outcome is unknown is retried exactly as it was (never re-packed)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not yet sent"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        UNKNOWN = "unknown", "To be sent again exactly as it was"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # messageBatchReference
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    routing_plan_id = models.UUIDField()
    single = models.BooleanField(default=False, help_text="Sent with the single-message endpoint.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField()
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Batch {self.id}"


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # messageReference
    # Every status change rewrites the row and so every index of the table: this table keeps
    # only the indexes its queries use (an index already led by a foreign key's column stands
    # in for that key's own, and status-bound ones are partial). See Meta.indexes.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # None only for a test a member of staff sends to themselves (source "test"): a constraint
    # holds it, so a test never appears in a patient's history, export or counts.
    patient = models.ForeignKey(
        "preferences.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
        db_index=False,  # message_patient_history leads with it
    )
    template = models.ForeignKey(
        "templates_app.MessageTemplate", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Fixed at creation: the send renders exactly this version.
    # Template and version are not indexed: no query asks for their messages across patients,
    # and neither is ever deleted once it has messages (templates are retired; only drafts may
    # be deleted, and the product never does).
    template_version = models.ForeignKey(
        "templates_app.TemplateVersion", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    category = models.CharField(max_length=30)
    language = models.CharField(max_length=10, default="en")
    personalisation = models.JSONField(default=dict, blank=True)
    personalisation_purged_at = models.DateTimeField(null=True, blank=True)
    # The channel plan: NHS Notify routing plan, and the channels it may use in the patient's order.
    routing_plan_id = models.UUIDField()
    channels = models.JSONField(default=list)
    planned_channels = models.JSONField(default=list, blank=True, help_text="Channels decided at send time.")
    sensitivity = models.CharField(max_length=20, default="routine")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    send_after = models.DateTimeField()
    source = models.CharField(max_length=10, choices=MessageSource.choices)
    correlation_id = models.CharField(max_length=64, blank=True)
    # Who or what authorised it.
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # staff are deactivated, never deleted; their tests have message_tests_of_staff
    )
    authorised_role = models.CharField(max_length=40, blank=True)
    authorised_cis2_uid = models.CharField(max_length=64, blank=True)
    authorised_session_id = models.CharField(max_length=128, blank=True)
    authorised_system = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)
    # A test only: the staff member's test contact details as they were when it was created
    # ({"nhs_number": ..., "sms": ..., "email": ...}), so a retry sends to exactly the same place.
    test_recipient = models.JSONField(default=dict, blank=True)
    # A test only: the version's lock_version when it was created. A draft edited since is not
    # sent (the person would get content other than what they previewed).
    tested_lock_version = models.PositiveIntegerField(null=True, blank=True)
    # Where it came from, for ordering and withdrawal (an appointment, a campaign...).
    subject_type = models.CharField(max_length=40, blank=True)
    subject_id = models.CharField(max_length=100, blank=True)
    # Progress.
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.CREATED)
    status_reason = models.CharField(max_length=40, blank=True)
    status_detail = models.CharField(max_length=300, blank=True)
    status_changed_at = models.DateTimeField()
    attempt = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    batch = models.ForeignKey(OutboundBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    notify_message_id = models.CharField(max_length=27, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The dispatcher's claim: due rows, most urgent first. Partial: a row enters it only
            # while it waits to be claimed (the claim's source statuses).
            models.Index(
                fields=["priority", "send_after"],
                name="message_due",
                condition=Q(status__in=sorted(MESSAGE_WORKFLOW.sources_into("claim"))),
            ),
            models.Index(fields=["patient", "-created_at"], name="message_patient_history"),
            # The lease reaper: rows held by a dispatcher, only while they are held.
            models.Index(fields=["lease_expires_at"], name="message_lease", condition=Q(status=MessageStatus.SENDING)),
            models.Index(fields=["organisation", "status"], name="message_org_status"),
            # Receipts and status reads find a message by NHS Notify's id; intake by its subject.
            # Plain b-tree indexes (a CharField's db_index would add a second one for LIKE).
            models.Index(fields=["notify_message_id"], name="message_notify_id"),
            models.Index(fields=["subject_id"], name="message_subject"),
            models.Index(
                fields=["authorised_by", "-created_at"], name="message_tests_of_staff", condition=Q(source="test")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="test") & Q(patient__isnull=True)) | (~Q(source="test") & Q(patient__isnull=False)),
                name="message_test_has_no_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.id}"


class MessageEvent(models.Model):
    """Append-only: one row per status change or channel receipt of a message."""

    id = models.BigAutoField(primary_key=True)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="events")
    # message_event_org_time leads with it.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    occurred_at = models.DateTimeField()
    from_status = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=MessageStatus.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    channel_status = models.CharField(max_length=30, blank=True)
    supplier_status = models.CharField(max_length=30, blank=True)
    reason = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["organisation", "occurred_at"], name="message_event_org_time")]

    def __str__(self) -> str:
        return f"{self.status} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class KillSwitch(models.Model):
    """Stops sends for an organisation, or for one template of it, until cleared. Set and cleared
    by operations with step-up and a reason (audited); re-checked right before every provider call."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(
        "templates_app.MessageTemplate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(cleared_at__isnull=True, template__isnull=True),
                name="one_active_organisation_kill_switch",
            ),
            models.UniqueConstraint(
                fields=["organisation", "template"],
                condition=models.Q(cleared_at__isnull=True, template__isnull=False),
                name="one_active_template_kill_switch",
            ),
        ]

    def __str__(self) -> str:
        return "Kill switch"


class CallbackReceipt(models.Model):
    """The idempotency key of every callback item processed, so repeats change nothing."""

    idempotency_key = models.CharField(max_length=64, primary_key=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.idempotency_key


class RateBucket(models.Model):
    """A token bucket shared by every worker (dispatch/limits.py)."""

    key = models.CharField(max_length=120, primary_key=True)
    tokens = models.FloatField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class ProviderState(models.Model):
    """The circuit breaker of one provider, shared by every worker."""

    provider = models.CharField(max_length=40, primary_key=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.provider


class StaffTestContact(models.Model):
    """Where a member of staff receives the tests they send to themselves. Outside production
    every value is in the catalogue of safe test recipients (notifyadmin.core.safe_recipients);
    changes are audited (test_messages.test_contact_save)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="test_contact"
    )
    nhs_number = models.CharField(max_length=10)
    mobile = models.CharField(max_length=20, blank=True, help_text="E.164")
    email = models.CharField(max_length=254, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "Test contact details"

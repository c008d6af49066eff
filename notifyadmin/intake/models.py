"""What intake stores: mappings (event type -> template), subjects (one appointment or other
subject per client system, with its latest known state and source version) and the events
received (the log; the raw body only until the personalisation retention passes)."""

import uuid

from django.conf import settings
from django.db import models


class EventType(models.TextChoices):
    APPOINTMENT_BOOKED = "appointment_booked", "Appointment booked"
    APPOINTMENT_RESCHEDULED = "appointment_rescheduled", "Appointment rescheduled"
    APPOINTMENT_CANCELLED = "appointment_cancelled", "Appointment cancelled"
    APPOINTMENT_DID_NOT_ATTEND = "appointment_did_not_attend", "Appointment not attended"
    APPOINTMENT_REMINDER = "appointment_reminder", "Appointment reminder due"
    TEST_RESULTS_AVAILABLE = "test_results_available", "Test results available"
    SCREENING_INVITATION = "screening_invitation", "Screening invitation"
    PRESCRIPTION_READY = "prescription_ready", "Prescription ready"


class Decision(models.TextChoices):
    MESSAGES_CREATED = "messages_created", "Accepted: messages created"
    NO_MAPPING = "no_mapping", "Accepted: no template mapped"
    NO_MESSAGE = "no_message", "Accepted: no message for this status"
    NO_CHANGE = "no_change", "Accepted: nothing changed"
    SUPERSEDED = "superseded", "Accepted: superseded by a newer event"
    WITHDRAWN = "withdrawn", "Accepted: messages not yet sent were withdrawn"


class EventMapping(models.Model):
    """Event type -> template of an organisation. `routing_plan`, when chosen, replaces the
    template's own routing plan for these events' messages (its channels the template has, in
    the plan's order). Reminder offsets (hours before the appointment's start) are read from the
    appointment_reminder mapping."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    template = models.ForeignKey("templates_app.MessageTemplate", on_delete=models.PROTECT, related_name="+")
    routing_plan = models.ForeignKey(
        "templates_app.RoutingPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminder_offsets_hours = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "event_type"], name="intake_one_mapping_per_type"),
        ]

    def __str__(self) -> str:
        return self.event_type


class EventSubject(models.Model):
    """One subject (an appointment, a result...) of one client system. Locked (select_for_update)
    while an event for it is processed, so events for one subject are serialised."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("integrations.ApiClient", on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=200)
    state = models.CharField(max_length=40, blank=True)
    version_key = models.CharField(max_length=64, blank=True)
    body_hash = models.CharField(max_length=64, blank=True)
    start = models.DateTimeField(null=True, blank=True)
    ever_booked = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "source_id"], name="intake_one_subject_per_client_id"),
        ]

    def __str__(self) -> str:
        return f"{self.state or 'new'} subject"


class IntakeEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("integrations.ApiClient", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(EventSubject, null=True, on_delete=models.PROTECT, related_name="events")
    patient = models.ForeignKey("preferences.Patient", null=True, on_delete=models.PROTECT, related_name="+")
    event_type = models.CharField(max_length=40, blank=True)
    source_status = models.CharField(max_length=40, blank=True)
    body_format = models.CharField(max_length=10)  # json | fhir
    version_key = models.CharField(max_length=64, blank=True)
    decision = models.CharField(max_length=30, choices=Decision.choices)
    decision_detail = models.CharField(max_length=300, blank=True)
    message_ids = models.JSONField(default=list, blank=True)
    withdrawn_count = models.PositiveIntegerField(default=0)
    raw_body = models.JSONField(null=True, blank=True)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_type}: {self.decision}"

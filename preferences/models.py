"""Patients, their contact points and contact preferences, each with full history.

Every change goes through preferences.services, which sets who/why/source on the instance
(`set_change_meta`) before saving; preferences.history copies that onto the historical row.
"""

import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from notifyadmin.core.categories import MessageCategory
from notifyadmin.core.channels import Channel, Language

Category = MessageCategory
# The channel vocabulary is the kernel's (notifyadmin.core.channels); it is imported here only
# because the columns below use it. Import it from the kernel, not from this module.


class LawfulBasis(models.TextChoices):
    LEGITIMATE_INTEREST = "legitimate_interest", "Legitimate interest (on unless refused)"
    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent (off until given)"


class AccessibleFormat(models.TextChoices):
    LARGE_PRINT = "large_print", "Large print"
    BRAILLE = "braille", "Braille"
    EASY_READ = "easy_read", "Easy read"
    AUDIO = "audio", "Audio"


class ChangeSource(models.TextChoices):
    PHONE_CALL = "phone_call", "Phone call"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    PATIENT_SMS_REPLY = "patient_sms_reply", "Patient's SMS reply"
    DELIVERY_BOUNCE = "delivery_bounce", "Delivery bounce"
    OTHER_SYSTEM_API = "other_system_api", "Another system's API"


class HistoryMeta(models.Model):
    """Extra columns on every historical row: how the change reached us, the actor's role, and
    the client system when a system (not a person) made it. The reason is simple_history's
    `history_change_reason`."""

    # One id per change (one service call), shared by every row it wrote: the timeline's unit.
    change_id = models.UUIDField(null=True, blank=True, db_index=True)
    change_source = models.CharField(max_length=40, choices=ChangeSource.choices, blank=True)
    changed_by_role = models.CharField(max_length=40, blank=True)
    changed_by_system = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True


def _history() -> HistoricalRecords:
    return HistoricalRecords(
        bases=[HistoryMeta],
        history_change_reason_field=models.TextField(null=True),
        excluded_fields=["lock_version"],
    )


class Patient(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    # The ten digits, shown only masked; nhs_number_hash is what searches use.
    nhs_number = models.CharField(max_length=10)
    nhs_number_hash = models.CharField(max_length=64, db_index=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="Used in messages instead of the legal name."
    )
    # The kernel's language list; a value stored before the list existed stays valid (see forms).
    language = models.CharField(max_length=35, default=Language.ENGLISH, choices=Language.choices)
    accessible_formats = models.JSONField(default=list, blank=True)
    # What a caller is asked to confirm on the phone: shown masked, revealed deliberately (audited).
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    no_non_essential = models.BooleanField(default=False, help_text="Only messages in critical categories.")
    channel_order = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking: every change to the patient, its preferences or contact points bumps it.
    lock_version = models.PositiveIntegerField(default=0)

    history = _history()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "nhs_number_hash"], name="unique_patient_nhs_number"),
        ]

    def __str__(self) -> str:
        return f"Patient {self.id}"

    @property
    def display_name(self) -> str:
        return self.preferred_name or f"{self.given_name} {self.family_name}"


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        MOBILE = "mobile", "Mobile"
        EMAIL = "email", "Email"
        NHSAPP = "nhsapp", "NHS App"
        POSTAL_ADDRESS = "postal_address", "Postal address"

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", "Unverified"
        VERIFIED = "verified", "Verified"
        BOUNCED = "bounced", "Bounced"
        INVALID = "invalid", "Invalid"

    class Source(models.TextChoices):
        PATIENT = "patient", "Patient"
        SERVICE_DESK = "service_desk", "Service desk"
        OTHER_SYSTEM = "other_system", "Another system"
        DELIVERY_RECEIPT = "delivery_receipt", "Delivery receipt"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="contact_points")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Mobile in E.164, email normalised, postal address as lines; for the NHS App, "enabled".
    value = models.TextField()
    lookup_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNVERIFIED)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_how = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = _history()

    class Meta:
        ordering = ["kind", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} contact point {self.id}"


class Preference(models.Model):
    """Whether the patient may be contacted about `category` by `channel`. The grid is stored in
    full (one row per category and channel) from the patient's creation, so history is complete."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="preferences")
    category = models.CharField(max_length=30, choices=Category.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    allowed = models.BooleanField()

    history = _history()

    class Meta:
        ordering = ["category", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "category", "channel"], name="unique_preference_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.channel}"


class CategoryPolicy(models.Model):
    """An organisation's settings for one category. Without a row, DEFAULT_POLICIES apply."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=30, choices=Category.choices)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    is_critical = models.BooleanField(default=False)
    # Defaults per channel for new patients, {"sms": true, ...}; explicit consent forces off.
    channel_defaults = models.JSONField(default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "category"], name="unique_category_policy"),
        ]

    def __str__(self) -> str:
        return f"{self.category} policy"

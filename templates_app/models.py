"""Message templates, their versions, content and review records.

A version is immutable once it leaves draft: its content, personalisation schema, channels
and content hash never change. Services enforce the workflow; the models refuse, as a second
line of defence, any ORM write (``save()``, ``QuerySet.update()``, ``delete()``) that would
change the signed content of a version that is no longer a draft.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from notifyadmin.core.categories import MessageCategory
from notifyadmin.core.channels import Channel, Language, channel_label
from templates_app.content.schema import PersonalisationField


class ImmutableVersionError(RuntimeError):
    """Raised when code tries to change what was submitted for review or signed off."""


Purpose = MessageCategory


class Sensitivity(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SENSITIVE = "sensitive", "Sensitive"
    URGENT = "urgent", "Urgent"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting content review"
    CONTENT_APPROVED = "content_approved", "Awaiting clinical sign-off"
    SIGNED_OFF = "signed_off", "Clinically signed off"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"
    RETIRED = "retired", "Retired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


DEFAULT_WINDOW_START = dt.time(8, 0)
DEFAULT_WINDOW_END = dt.time(20, 0)


# Why a template's own history row was written when a version was published or retired, so
# its history says so in words (templates_app.selectors.history_rows), not "changed the settings".
TEMPLATE_PUBLISHED = "version_published"
TEMPLATE_RETIRED = "version_retired"


class MessageTemplate(models.Model):
    """A message an organisation sends, with its policy. Its content lives in versions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT)
    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    sensitivity = models.CharField(max_length=20, choices=Sensitivity.choices, default=Sensitivity.ROUTINE)
    is_critical = models.BooleanField(default=False)
    send_any_time = models.BooleanField(default=False)
    send_window_start = models.TimeField(default=DEFAULT_WINDOW_START)
    send_window_end = models.TimeField(default=DEFAULT_WINDOW_END)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    routing_plan_id = models.UUIDField()
    channels = models.JSONField(default=list)
    published_version = models.ForeignKey(
        "TemplateVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="template_name_unique_in_organisation"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def send_window_display(self) -> str:
        if self.send_any_time:
            return "Any time"
        return f"{self.send_window_start:%H:%M} to {self.send_window_end:%H:%M} UK time"

    def channel_labels(self) -> list[str]:
        return [channel_label(channel) for channel in self.channels]


# Fields of a version that are signed: they never change once the version leaves draft.
SIGNED_VERSION_FIELDS = frozenset({"personalisation_schema", "channels", "content_hash", "template", "based_on"})


class TemplateVersionQuerySet(models.QuerySet["TemplateVersion"]):
    def update(self, **kwargs: Any) -> int:
        signed = SIGNED_VERSION_FIELDS.intersection(kwargs) | ({"major", "minor"}.intersection(kwargs))
        if signed and self.exclude(status=VersionStatus.DRAFT).exists():
            raise ImmutableVersionError(
                f"Refused to change {', '.join(sorted(signed))} of a version that is no longer a draft."
            )
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        if SIGNED_VERSION_FIELDS.intersection(fields):
            ids = [obj.pk for obj in objs]
            if self.model.objects.filter(pk__in=ids).exclude(status=VersionStatus.DRAFT).exists():
                raise ImmutableVersionError("Refused to change a version that is no longer a draft.")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=VersionStatus.DRAFT).exists():
            raise ImmutableVersionError("Refused to delete a version that is no longer a draft.")
        return super().delete()


class TemplateVersion(models.Model):
    """One version of a template's content, schema and channels, moving through review."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT)
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="versions")
    major = models.PositiveIntegerField(null=True, blank=True)
    minor = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channels = models.JSONField(default=list)
    personalisation_schema = models.JSONField(default=list)
    content_hash = models.CharField(max_length=64, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    author_comments = models.TextField(blank=True, help_text="Review comments this draft answers.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    content_approved_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["lock_version"])

    objects = TemplateVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["template", "major", "minor"], name="template_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = (
                type(self).objects.filter(pk=self.pk).values("status", "major", "minor", *SIGNED_VERSION_FIELDS).first()
            )
            if stored and stored["status"] != VersionStatus.DRAFT:
                changed = [
                    name
                    for name in sorted(SIGNED_VERSION_FIELDS | {"major", "minor"})
                    if stored[name]
                    != getattr(
                        self, "template_id" if name == "template" else "based_on_id" if name == "based_on" else name
                    )
                ]
                if changed:
                    raise ImmutableVersionError(
                        f"Refused to change {', '.join(changed)} of a version that is no longer a draft."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if type(self).objects.filter(pk=self.pk).exclude(status=VersionStatus.DRAFT).exists():
            raise ImmutableVersionError("Refused to delete a version that is no longer a draft.")
        return super().delete(*args, **kwargs)

    @property
    def number(self) -> str:
        """The semantic version, or "draft" before submission."""
        if self.major is None:
            return "draft"
        return f"{self.major}.{self.minor}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def personalisation_fields(self) -> list[PersonalisationField]:
        """The schema as fields, which name their type and personal data class in words."""
        return [PersonalisationField.from_dict(item) for item in self.personalisation_schema]


class VersionContentQuerySet(models.QuerySet["VersionContent"]):
    def _refuse_unless_drafts(self, verb: str) -> None:
        if self.exclude(version__status=VersionStatus.DRAFT).exists():
            raise ImmutableVersionError(f"Refused to {verb} content of a version that is no longer a draft.")

    def update(self, **kwargs: Any) -> int:
        self._refuse_unless_drafts("change")
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        self.model.objects.filter(pk__in=[obj.pk for obj in objs])._refuse_unless_drafts("change")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        version_ids = {obj.version_id for obj in objs}
        if TemplateVersion.objects.filter(pk__in=version_ids).exclude(status=VersionStatus.DRAFT).exists():
            raise ImmutableVersionError("Refused to add content to a version that is no longer a draft.")
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_unless_drafts("delete")
        return super().delete()


class VersionContent(models.Model):
    """The text of one channel in one language of a version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="contents")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.ENGLISH)
    subject = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)

    objects = VersionContentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "channel", "language"], name="version_content_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} ({self.language})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_unless_draft("change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_unless_draft("delete")
        return super().delete(*args, **kwargs)

    def _refuse_unless_draft(self, verb: str) -> None:
        status = TemplateVersion.objects.filter(pk=self.version_id).values_list("status", flat=True).first()
        if status is not None and status != VersionStatus.DRAFT:
            raise ImmutableVersionError(f"Refused to {verb} content of a version that is no longer a draft.")


def content_hash_of(*, channels: list[str], schema: list[dict[str, Any]], contents: list[dict[str, str]]) -> str:
    """SHA-256 over everything that is signed: channels, schema and every content, in a
    canonical order, so that equal content always has the same hash."""
    canonical = {
        "channels": sorted(channels),
        "schema": schema,
        "contents": sorted(
            (
                {"channel": c["channel"], "language": c["language"], "subject": c.get("subject", ""), "body": c["body"]}
                for c in contents
            ),
            key=lambda c: (c["channel"], c["language"]),
        ),
    }
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class ReviewStage(models.TextChoices):
    CONTENT = "content", "Content review"
    CLINICAL = "clinical", "Clinical sign-off"


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class VersionReview(models.Model):
    """A content review or a clinical sign-off, bound to the content hash the reviewer saw.
    Review records are never changed after they are written."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="reviews")
    stage = models.CharField(max_length=10, choices=ReviewStage.choices)
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer_role = models.CharField(max_length=40)
    content_hash = models.CharField(max_length=64)
    comments = models.TextField(blank=True)
    declaration = models.TextField(blank=True, help_text="The declaration the clinical safety officer made.")
    hazards = models.TextField(blank=True, help_text="Hazard log references considered.")
    authenticated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.get_decision_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableVersionError("Review records are never changed.")
        super().save(*args, **kwargs)


class LintAcknowledgement(models.Model):
    """An author's acknowledgement of one lint warning, at submission."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    key = models.CharField(max_length=200)
    code = models.CharField(max_length=60)
    message = models.TextField()
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="lint_ack_unique")]

    def __str__(self) -> str:
        return self.code

    @property
    def check_name(self) -> str:
        """The check acknowledged, in words ("Style", not "style.all_caps")."""
        from templates_app.content.findings import check_label

        return check_label(self.code)


class NotifyEnvironment(models.TextChoices):
    """The NHS Notify environment a routing plan id belongs to (ids differ between them)."""

    LOCAL = "local", "Local sandbox"
    SANDBOX = "sandbox", "NHS Notify sandbox"
    INT = "int", "Integration (INT)"
    PRODUCTION = "production", "Production"


class RoutingPlan(models.Model):
    """A routing plan NHS Notify issued to an organisation: templates choose one by name rather
    than a UUID typed by hand. `plan_id` is NHS Notify's id (copied into
    `MessageTemplate.routing_plan_id` when a template is created); `channels` are the channels
    the plan can use, in its cascade order. Only plans of the running environment are offered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="routing_plans")
    name = models.CharField(max_length=120)
    plan_id = models.UUIDField(verbose_name="NHS Notify routing plan id")
    channels = models.JSONField(default=list)
    environment = models.CharField(max_length=20, choices=NotifyEnvironment.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "environment", "plan_id"], name="unique_routing_plan_per_environment"
            ),
            models.UniqueConstraint(
                fields=["organisation", "environment", "name"], name="unique_routing_plan_name_per_environment"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def channels_display(self) -> str:
        """ "NHS App message, then Text message (SMS)": the cascade in words."""
        return ", then ".join(channel_label(channel) for channel in self.channels)

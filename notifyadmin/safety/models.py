"""What the app records about hazards; the hazard log itself stays in the repository.

- `SignOffHazard`: a hazard of the log a clinical safety officer considered when signing off a
  template version (one row per hazard, tied to the sign-off review). The title is kept as it
  read at sign-off, so the record does not change when the log does.
- `RaisedHazard`: a hazard a clinical safety officer raised in the app (at sign-off or on the
  hazards page). It is open until triaged, and has an id of its own, APP-NNN, never a HAZ id:
  a raised hazard joins the log only when someone writes its YAML file.
- `HazardStatusChange`: the status a clinical safety officer gave a hazard (HAZ-NNN or APP-NNN)
  in the app, with a reason. The latest change per hazard is an overlay on the YAML log's
  status; earlier ones are its history. Rows are never changed or deleted.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models


class HazardAppStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATED = "mitigated", "Mitigated"
    ACCEPTED = "accepted", "Accepted"
    CLOSED = "closed", "Closed"


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Hazard records are never changed: record a new one.")
        super().save(*args, **kwargs)


class SignOffHazard(AppendOnly):
    review = models.ForeignKey(
        "templates_app.VersionReview", on_delete=models.PROTECT, related_name="hazards_considered"
    )
    hazard_id = models.CharField(max_length=12)
    hazard_title = models.CharField(max_length=300)

    class Meta:
        ordering = ["hazard_id"]
        constraints = [models.UniqueConstraint(fields=["review", "hazard_id"], name="signoff_hazard_once")]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.hazard_title}"


class RaisedHazard(AppendOnly):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=300)
    cause = models.TextField()
    effect = models.TextField()
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(
        "templates_app.VersionReview", on_delete=models.PROTECT, null=True, blank=True, related_name="hazards_raised"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"APP-{self.number:03d}"


class HazardStatusChange(AppendOnly):
    hazard_id = models.CharField(max_length=12, db_index=True)
    status = models.CharField(max_length=10, choices=HazardAppStatus.choices)
    reason = models.TextField()
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.status}"

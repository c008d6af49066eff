"""Organisations (by ODS code), staff users and the roles they hold in each organisation."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from notifyadmin.accounts.roles import Role

ods_code_validator = RegexValidator(
    regex=r"^[A-Z0-9]{3,10}$",
    message="Enter an ODS code of 3 to 10 capital letters and digits, for example RX1.",
)


class Organisation(models.Model):
    """An NHS organisation, keyed by its ODS code. All patient and message data belongs to one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ods_code = models.CharField(max_length=10, unique=True, validators=[ods_code_validator])
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"


class StaffUser(AbstractUser):
    """A member of staff. `cis2_uid` is the CIS2 `nhsid_useruid` once they have signed in with CIS2."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cis2_uid = models.CharField(max_length=64, unique=True, null=True, blank=True)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """A role a person holds in one organisation. A person works in one assignment at a time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(StaffUser, on_delete=models.CASCADE, related_name="role_assignments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(max_length=40, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_role_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.organisation.ods_code}"


class Cis2RoleMapping(models.Model):
    """Administrators' rule: a CIS2 job role (its `role_code`, optionally narrowed to holders of
    one activity code) at an organisation (or at any, when organisation is empty) grants an app role.
    A role code may appear in several rows to grant several app roles."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="cis2_role_mappings"
    )
    role_code = models.CharField(max_length=100)
    activity_code = models.CharField(max_length=20, blank=True)
    app_role = models.CharField(max_length=40, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role_code", "activity_code", "app_role"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role_code", "activity_code", "app_role"], name="unique_cis2_role_mapping"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_code} -> {self.app_role}"


class Cis2Session(models.Model):
    """A Django session started by CIS2 sign-in, so back-channel logout can find and end it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(StaffUser, on_delete=models.CASCADE, related_name="cis2_sessions")
    sid = models.CharField(max_length=200, db_index=True)
    sub = models.CharField(max_length=200, db_index=True)
    session_key = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"CIS2 session of {self.user_id}"


class Cis2LogoutTokenUse(models.Model):
    """The jti of every back-channel logout token accepted, so a replay is refused."""

    jti = models.CharField(max_length=200, primary_key=True)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.jti

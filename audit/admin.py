from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent, AuditSeal, AuditVerification


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only everywhere, the admin included."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "occurred_at", "action", "actor_name", "actor_role", "organisation")
    list_filter = ("action",)
    ordering = ("-sequence",)


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdmin):
    list_display = ("position", "event_id", "sealed_at", "hash")
    ordering = ("-position",)


@admin.register(AuditVerification)
class AuditVerificationAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "requested_by_name", "status", "checked", "head_position")
    ordering = ("-requested_at",)

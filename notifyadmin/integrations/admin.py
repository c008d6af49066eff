"""Django admin (superusers only): API clients and keys, read-only. Every change goes through
the administrators' pages (notifyadmin.integrations.views) so it is audited; the admin must
not bypass the audit trail (issue 9)."""

from typing import Any

from django.contrib import admin

from notifyadmin.integrations.models import ApiClient, ApiKey


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(_ReadOnly):
    list_display = ("client_id", "name", "organisation", "is_active", "created_at")
    list_filter = ("organisation", "is_active")


@admin.register(ApiKey)
class ApiKeyAdmin(_ReadOnly):
    list_display = ("client", "hint", "created_at", "expires_at", "revoked_at", "last_used_at")
    exclude = ("key_hash",)

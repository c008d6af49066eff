"""Django admin (superusers only) for organisation configuration: category policies (API clients
are in notifyadmin.integrations). Patients are deliberately not registered: their data is
reached only through the audited service desk pages."""

from django.contrib import admin

from preferences.models import CategoryPolicy


@admin.register(CategoryPolicy)
class CategoryPolicyAdmin(admin.ModelAdmin):
    """Read-only: a category policy decides who may be messaged, so changing one must be an
    audited service (none exists yet); the admin would change it with no audit event."""

    list_display = ("organisation", "category", "lawful_basis", "is_critical")
    list_filter = ("organisation", "lawful_basis", "is_critical")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

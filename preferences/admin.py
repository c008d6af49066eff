"""Django admin (superusers only) for organisation configuration: category policies (API clients
are in notifyadmin.integrations). Patients are deliberately not registered: their data is reached only through the
audited service desk pages."""

from django.contrib import admin

from preferences.models import CategoryPolicy


@admin.register(CategoryPolicy)
class CategoryPolicyAdmin(admin.ModelAdmin):
    list_display = ("organisation", "category", "lawful_basis", "is_critical")
    list_filter = ("organisation", "lawful_basis", "is_critical")

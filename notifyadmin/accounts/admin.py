from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from notifyadmin.accounts.models import Organisation, RoleAssignment, StaffUser


@admin.register(StaffUser)
class StaffUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("CIS2", {"fields": ("cis2_uid",)}))  # type: ignore[misc]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("ods_code", "name")
    search_fields = ("ods_code", "name")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "organisation", "role")
    list_filter = ("role", "organisation")

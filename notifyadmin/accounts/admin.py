from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.models import Cis2RoleMapping, Organisation, RoleAssignment, StaffUser


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


@admin.register(Cis2RoleMapping)
class Cis2RoleMappingAdmin(SimpleHistoryAdmin):
    """For superusers: mappings for every organisation (organisation empty). Changes go through
    the same audited services as the in-app pages."""

    list_display = ("role_code", "activity_code", "app_role", "organisation")
    list_filter = ("app_role", "organisation")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from notifyadmin.accounts.cis2 import services

        actor = actor_of(request)
        fields = {"role_code": obj.role_code, "activity_code": obj.activity_code, "app_role": obj.app_role}
        if change:
            services.role_mapping_change(actor=actor, mapping=Cis2RoleMapping.objects.get(pk=obj.pk), **fields)
        else:
            created = services.role_mapping_create(actor=actor, organisation=obj.organisation, **fields)
            obj.pk = created.pk

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        from notifyadmin.accounts.cis2 import services

        services.role_mapping_delete(actor=actor_of(request), mapping=obj)

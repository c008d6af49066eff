"""Django admin, for superusers. Nothing here may change governed data without an audit event:

- organisations: added through `services.organisation_create` (audited); never changed or
  deleted here (an organisation's ODS code is what its data and audit trail hang on);
- role assignments: added through `services.role_assign` and removed through
  `services.role_remove` (both audited); never edited (remove one and add another), and not
  deleted in bulk (Django's bulk delete bypasses delete_model);
- CIS2 role mappings: through the same audited services as the in-app pages.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from notifyadmin.accounts import services as account_services
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.cis2.forms import activity_code_validator, role_code_validator
from notifyadmin.accounts.models import Cis2RoleMapping, Organisation, RoleAssignment, StaffUser
from notifyadmin.accounts.roles import Role


@admin.register(StaffUser)
class StaffUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("CIS2", {"fields": ("cis2_uid",)}))  # type: ignore[misc]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("ods_code", "name")
    search_fields = ("ods_code", "name")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        created = account_services.organisation_create(
            actor=actor_of(request), ods_code=obj.ods_code, name=obj.name, source="admin"
        )
        obj.pk = created.pk


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "organisation", "role")
    list_filter = ("role", "organisation")
    actions = None  # no bulk delete: it would bypass delete_model and its audit event

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assignment = account_services.role_assign(
            user=obj.user, organisation=obj.organisation, role=Role(obj.role), actor=actor_of(request)
        )
        obj.pk = assignment.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        account_services.role_remove(actor=actor_of(request), assignment=obj, source="admin")


class Cis2RoleMappingAdminForm(forms.ModelForm):
    """The in-app form's rules for codes, so the admin cannot store what the app would refuse."""

    class Meta:
        model = Cis2RoleMapping
        fields = ("organisation", "role_code", "activity_code", "app_role")

    def clean_role_code(self) -> str:
        code = self.cleaned_data["role_code"].strip().upper()
        role_code_validator(code)
        return code

    def clean_activity_code(self) -> str:
        code = self.cleaned_data["activity_code"].strip().upper()
        if code:
            activity_code_validator(code)
        return code


@admin.register(Cis2RoleMapping)
class Cis2RoleMappingAdmin(SimpleHistoryAdmin):
    """For superusers: mappings for every organisation (organisation empty). Changes go through
    the same audited services as the in-app pages."""

    form = Cis2RoleMappingAdminForm
    list_display = ("role_code", "activity_code", "app_role", "organisation")
    list_filter = ("app_role", "organisation")
    actions = None  # no bulk delete: it would bypass delete_model and its audit event

    def save_model(self, request, obj, form, change):
        from notifyadmin.accounts.cis2 import services

        actor = actor_of(request)
        fields = {"role_code": obj.role_code, "activity_code": obj.activity_code, "app_role": obj.app_role}
        if change:
            services.role_mapping_change(actor=actor, mapping=Cis2RoleMapping.objects.get(pk=obj.pk), **fields)
        else:
            created = services.role_mapping_create(actor=actor, organisation=obj.organisation, **fields)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        from notifyadmin.accounts.cis2 import services

        services.role_mapping_delete(actor=actor_of(request), mapping=obj)

"""Administrators' pages for CIS2 role mappings (/accounts/role-mappings/).

An administrator edits the mappings of their own organisation. Mappings for any organisation
(organisation empty) are shown read-only: they are changed in Django admin by a superuser."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.cis2 import services
from notifyadmin.accounts.cis2.forms import RoleMappingForm
from notifyadmin.accounts.cis2.selectors import role_mappings_visible_to
from notifyadmin.accounts.models import Cis2RoleMapping
from notifyadmin.accounts.roles import Permission, Role
from notifyadmin.accounts.selectors import get_in_organisation_or_404
from notifyadmin.core.forms import render_form_page


@requires(Permission.ROLE_MAPPING_MANAGE)
def role_mapping_list(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    mappings = role_mappings_visible_to(organisation=organisation)
    context = {"mappings": mappings, "organisation": organisation, "role_labels": dict(Role.choices)}
    return render(request, "accounts/role_mapping_list.jinja", context)


def _form_page(request: HttpRequest, form: RoleMappingForm, mapping: Cis2RoleMapping | None) -> HttpResponse:
    context = {
        "form": form,
        "mapping": mapping,
    }
    return render_form_page(request, "accounts/role_mapping_form.jinja", context)


@requires(Permission.ROLE_MAPPING_MANAGE)
@require_http_methods(["GET", "POST"])
def role_mapping_create(request: HttpRequest) -> HttpResponse:
    form = RoleMappingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_mapping_create(
                actor=actor_of(request),
                organisation=request.organisation,  # type: ignore[attr-defined]
                **form.cleaned_data,
            )
        except services.RoleMappingError as error:
            form.add_error("role_code", str(error))
        else:
            messages.success(request, "Role mapping added.")
            return redirect("accounts:role-mapping-list")
    return _form_page(request, form, None)


@requires(Permission.ROLE_MAPPING_MANAGE)
@require_http_methods(["GET", "POST"])
def role_mapping_edit(request: HttpRequest, mapping_id: str) -> HttpResponse:
    mapping = get_in_organisation_or_404(
        Cis2RoleMapping.objects.all(),
        organisation=request.organisation,  # type: ignore[attr-defined]
        id=mapping_id,
    )
    initial = {"role_code": mapping.role_code, "activity_code": mapping.activity_code, "app_role": mapping.app_role}
    form = RoleMappingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_mapping_change(actor=actor_of(request), mapping=mapping, **form.cleaned_data)
        except services.RoleMappingError as error:
            form.add_error("role_code", str(error))
        else:
            messages.success(request, "Role mapping changed.")
            return redirect("accounts:role-mapping-list")
    return _form_page(request, form, mapping)


@requires(Permission.ROLE_MAPPING_MANAGE)
@require_http_methods(["GET", "POST"])
def role_mapping_delete(request: HttpRequest, mapping_id: str) -> HttpResponse:
    mapping = get_in_organisation_or_404(
        Cis2RoleMapping.objects.all(),
        organisation=request.organisation,  # type: ignore[attr-defined]
        id=mapping_id,
    )
    if request.method == "POST":
        services.role_mapping_delete(actor=actor_of(request), mapping=mapping)
        messages.success(request, "Role mapping removed.")
        return redirect("accounts:role-mapping-list")
    context = {"mapping": mapping, "role_label": Role(mapping.app_role).label}
    return render(request, "accounts/role_mapping_delete.jinja", context)

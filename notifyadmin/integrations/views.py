"""Administrators manage client systems: list, create (the key shown once), rotate a key,
revoke a key, deactivate a client. Decisions live in integrations.services; a refusal becomes
a form error. Pages that show a key are never cached."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.errors import DomainError, InvalidInput
from notifyadmin.core.forms import render_form_page
from notifyadmin.integrations import selectors, services
from notifyadmin.integrations.forms import (
    ApiClientCreateForm,
    ConfirmWithReasonForm,
    KeyRotateForm,
    PermissionsChangeForm,
)
from notifyadmin.integrations.permissions import CLIENT_PERMISSIONS


def _refused(form: Any, error: DomainError) -> None:
    if isinstance(error, InvalidInput):
        for field, problems in error.errors.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
    else:
        form.add_error(None, error.message)


def _key_shown(request: HttpRequest, client: Any, key: str, heading: str) -> HttpResponse:
    response = render(request, "integrations/key_shown.jinja", {"client": client, "key": key, "heading": heading})
    add_never_cache_headers(response)
    return response


@requires(Permission.API_CLIENT_MANAGE)
@require_http_methods(["GET"])
def client_list(request: HttpRequest) -> HttpResponse:
    clients = selectors.api_clients_of(actor=actor_of(request))
    return render(request, "integrations/client_list.jinja", {"clients": clients, "labels": CLIENT_PERMISSIONS})


@requires(Permission.API_CLIENT_MANAGE)
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    form = ApiClientCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client, key = services.api_client_create(
                actor=actor_of(request),
                name=data["name"],
                client_id=data["client_id"],
                permissions=data["permissions"],
                reason=data["reason"],
            )
        except DomainError as error:
            _refused(form, error)
        else:
            return _key_shown(request, client, key, "API client created")
    return render_form_page(request, "integrations/client_create.jinja", {"form": form})


@requires(Permission.API_CLIENT_MANAGE)
@require_http_methods(["GET"])
def client_detail(request: HttpRequest, client_id: Any) -> HttpResponse:
    client = selectors.api_client_get(actor=actor_of(request), client_id=client_id)
    context = {"client": client, "keys": client.keys.all(), "labels": CLIENT_PERMISSIONS}
    return render(request, "integrations/client_detail.jinja", context)


@requires(Permission.API_CLIENT_MANAGE)
@require_http_methods(["GET", "POST"])
def key_rotate(request: HttpRequest, client_id: Any) -> HttpResponse:
    actor = actor_of(request)
    client = selectors.api_client_get(actor=actor, client_id=client_id)
    form = KeyRotateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grace = timedelta(seconds=int(form.cleaned_data["grace"]))
        try:
            _, key = services.api_key_rotate(
                actor=actor, client=client, grace=grace, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            _refused(form, error)
        else:
            return _key_shown(request, client, key, "New API key issued")
    return render_form_page(request, "integrations/key_rotate.jinja", {"form": form, "client": client})


@requires(Permission.API_CLIENT_MANAGE)
@require_http_methods(["GET", "POST"])
def key_revoke(request: HttpRequest, client_id: Any, key_id: Any) -> HttpResponse:
    actor = actor_of(request)
    client = selectors.api_client_get(actor=actor, client_id=client_id)
    key = selectors.api_key_get(client=client, key_id=key_id)
    form = ConfirmWithReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.api_key_revoke(actor=actor, key=key, reason=form.cleaned_data["reason"])
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Key ending {key.hint or '(unknown)'} revoked. It no longer works.")
            return redirect("integrations:client-detail", client.id)
    context = {
        "form": form,
        "client": client,
        "heading": f"Revoke the key ending {key.hint or '(unknown)'}",
        "effect": f"{client.name} will be refused at once when it uses this key.",
        "button": "Revoke key",
        "action": request.path,
    }
    return render_form_page(request, "integrations/confirm.jinja", context)


@requires(Permission.API_CLIENT_MANAGE)
@require_http_methods(["GET", "POST"])
def client_deactivate(request: HttpRequest, client_id: Any) -> HttpResponse:
    actor = actor_of(request)
    client = selectors.api_client_get(actor=actor, client_id=client_id)
    form = ConfirmWithReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.api_client_deactivate(actor=actor, client=client, reason=form.cleaned_data["reason"])
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{client.name} deactivated. All its keys are refused.")
            return redirect("integrations:client-detail", client.id)
    context = {
        "form": form,
        "client": client,
        "heading": f"Deactivate {client.name}",
        "effect": f"Every request from {client.name}, with any of its keys, will be refused from now on.",
        "button": "Deactivate client system",
        "action": request.path,
    }
    return render_form_page(request, "integrations/confirm.jinja", context)


@requires(Permission.API_CLIENT_MANAGE)
@require_http_methods(["GET", "POST"])
def client_permissions(request: HttpRequest, client_id: Any) -> HttpResponse:
    actor = actor_of(request)
    client = selectors.api_client_get(actor=actor, client_id=client_id)
    form = PermissionsChangeForm(request.POST or None, initial={"permissions": client.permissions})
    if request.method == "POST" and form.is_valid():
        try:
            services.api_client_permissions_change(
                actor=actor,
                client=client,
                permissions=form.cleaned_data["permissions"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, f"What {client.name} may do has changed. It applies to its next request.")
            return redirect("integrations:client-detail", client.id)
    return render_form_page(request, "integrations/client_permissions.jinja", {"form": form, "client": client})

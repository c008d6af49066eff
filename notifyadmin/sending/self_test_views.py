"""Pages for sending a test to yourself (content designers, clinical safety officers): your
test contact details, a test of any version (channel, language, values prefilled with the
sample values, preview, send), and your recent tests with their status as receipts arrive.
The rules are the services' (self_tests.py); these views only translate them."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.channels import channel_label
from notifyadmin.core.errors import InvalidInput, NotFound, TransitionRefused
from notifyadmin.core.forms import error_summary_items
from notifyadmin.core.jinja import uk_phone
from notifyadmin.sending.history_content import message_content
from notifyadmin.sending.patient_forms import field_name
from notifyadmin.sending.selectors import self_tests_recent, version_to_test
from notifyadmin.sending.self_test_forms import SelfTestForm, StaffTestContactForm
from notifyadmin.sending.self_tests import (
    channels_testable,
    safe_mobiles_text,
    self_test_check,
    self_test_create,
    staff_test_contact_get,
    staff_test_contact_save,
    version_languages,
)
from preferences.nhs_number import nhs_number_format
from templates_app.content.schema import FieldType, PersonalisationField
from templates_app.models import TemplateVersion


def _version_from_query(actor: Actor, raw: str | None) -> TemplateVersion | None:
    """The version named by `?version=`, if it is one of the actor's organisation."""
    if not raw:
        return None
    try:
        return version_to_test(actor=actor, version_id=uuid.UUID(raw))
    except (ValueError, NotFound):
        return None


def _catalogue_hint() -> str:
    from django.conf import settings

    if settings.NOTIFY_ENVIRONMENT == "production":
        return ""
    return (
        "This environment sends only to test recipients: an NHS number from 999 000 0000 to 999 999 9999 "
        f"(for example 999 054 8609), a test mobile ({safe_mobiles_text()}) and an email address at example.com."
    )


@requires(Permission.MESSAGE_SEND_TEST)
@require_http_methods(["GET", "POST"])
def self_test_contact_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    version = _version_from_query(actor, request.GET.get("version"))
    current = staff_test_contact_get(actor=actor)
    initial = {}
    if current is not None:
        initial = {
            "nhs_number": nhs_number_format(current.nhs_number),
            "mobile": "0" + current.mobile.removeprefix("+44") if current.mobile else "",
            "email": current.email,
        }
    form = StaffTestContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff_test_contact_save(
                actor=actor, nhs_number=data["nhs_number"], mobile=data["mobile"], email=data["email"]
            )
        except InvalidInput as error:
            for name, problems in error.errors.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, "Your test contact details are saved.")
            if version is not None:
                return redirect("sending:self-test", version.id)
            return redirect("sending:self-tests")
    context = {
        "form": form,
        "version": version,
        "catalogue_hint": _catalogue_hint(),
        "error_list": error_summary_items(form) if form.errors else [],
        "action": request.get_full_path(),
    }
    return render(request, "sending/self_test_contact.jinja", context, status=400 if form.errors else 200)


def _sample_initial(schema: list[PersonalisationField]) -> dict[str, str]:
    """The version's sample values as a person would type them (dates UK style)."""
    initial: dict[str, str] = {}
    for item in schema:
        value = item.sample_value or ""
        if item.type == FieldType.DATE and value:
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        initial[field_name(item.name)] = value
    return initial


@requires(Permission.MESSAGE_SEND_TEST)
@require_http_methods(["GET", "POST"])
def self_test_view(request: HttpRequest, version_id: Any) -> HttpResponse:
    """Fill in (prefilled with the sample values), preview, then send."""
    actor = actor_of(request)
    version = version_to_test(actor=actor, version_id=version_id)
    contact = staff_test_contact_get(actor=actor)
    channels, languages = channels_testable(version), version_languages(version)
    schema = [PersonalisationField.from_dict(item) for item in version.personalisation_schema]
    form = SelfTestForm(
        request.POST or None, schema=schema, channels=channels, languages=languages, initial=_sample_initial(schema)
    )
    context: dict[str, Any] = {
        "template": version.template,
        "version": version,
        "contact": contact,
        "channels": channels,
        "letter_only": "letter" in version.channels,
        "form": form,
        "field_name": field_name,
        "contact_url": f"{reverse('sending:test-contact')}?version={version.id}",
        "action": reverse("sending:self-test", args=[version.id]),
    }
    if contact is None or not channels:
        return render(request, "sending/self_test.jinja", context)
    if request.method == "POST" and request.POST.get("edit") != "yes" and form.is_valid():
        arguments = {
            "actor": actor,
            "version": version,
            "channel": form.cleaned_data["channel"],
            "language": form.cleaned_data["language"],
            "personalisation": form.personalisation(),
        }
        try:
            checked = self_test_check(**arguments)
            if request.POST.get("confirm") == "yes":
                self_test_create(**arguments)
                messages.success(
                    request,
                    f"Your test of {version.template.name} is queued to send by "
                    f"{channel_label(checked.channel).lower()}. It is the newest test below.",
                )
                return redirect("sending:self-tests")
        except InvalidInput as error:
            form.add_schema_errors(error.errors)
        except TransitionRefused as error:
            form.add_error(None, str(error))
        else:
            return render(
                request,
                "sending/self_test_preview.jinja",
                {
                    **context,
                    "checked": checked,
                    "channel_label": channel_label(checked.channel),
                    "to": _recipient_words(checked.recipient, checked.channel),
                },
            )
    context["error_list"] = error_summary_items(form) if form.errors else []
    return render(request, "sending/self_test.jinja", context, status=400 if form.errors else 200)


def _recipient_words(recipient: dict[str, str], channel: str) -> str:
    """Where the test goes, in words: the owner's own details, shown to them in full."""
    if channel == "sms":
        return uk_phone(recipient.get("sms", ""))
    if channel == "email":
        return recipient.get("email", "")
    return f"the NHS App account of NHS number {nhs_number_format(recipient.get('nhs_number', ''))}"


@requires(Permission.MESSAGE_SEND_TEST)
@require_GET
def self_tests_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    views = self_tests_recent(actor=actor)
    return render(
        request,
        "sending/self_tests.jinja",
        {
            "contact": staff_test_contact_get(actor=actor),
            "items": [(view, message_content(view.message), _sent_to(view.message)) for view in views],
        },
    )


def _sent_to(message: Any) -> str:
    recipient = message.test_recipient or {}
    if not recipient:
        return "Removed after the retention period"
    channel = (message.channels or [""])[0]
    return _recipient_words(recipient, channel)

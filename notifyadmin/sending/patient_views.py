"""The service desk's message pages for one patient: the history (filtered and paged in the
database, each view audited with the search reason), its CSV export for a subject access
request (a POST: it is recorded), and sending one published template by hand: choose, fill in,
preview for the channels the contact decision would use, confirm."""

from __future__ import annotations

import zoneinfo
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.channels import channel_label
from notifyadmin.core.errors import DomainError, InvalidInput
from notifyadmin.core.forms import error_summary_items
from notifyadmin.sending.history_content import message_content
from notifyadmin.sending.history_services import history_export, history_view_record
from notifyadmin.sending.models import Message, MessageSource
from notifyadmin.sending.patient_forms import ChooseTemplateForm, HistoryFilterForm, ManualSendForm, field_name
from notifyadmin.sending.selectors import (
    HistoryFilter,
    message_history,
    published_template_get,
    template_choices,
)
from notifyadmin.sending.services import MessageRequest, messages_create
from notifyadmin.sending.status import MessageStatus
from preferences.nhs_number import nhs_number_mask
from preferences.selectors.contact import contact_decision
from preferences.views._page import PatientPage, patient_page
from templates_app.content.schema import PersonalisationField
from templates_app.models import TemplateVersion
from templates_app.rendering import version_render


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100000 else 1


@patient_page(Permission.PATIENT_VIEW)
def message_history_view(request: HttpRequest, page: PatientPage) -> HttpResponse:
    patient = page.patient
    form = HistoryFilterForm(request.GET or None, templates=template_choices(actor=page.actor))
    filters = HistoryFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = HistoryFilter(
            status=data["status"], template_id=data["template"], since=data["since"], until=data["until"]
        )
    number = _page_number(request.GET.get("page"))
    history_view_record(
        actor=page.actor,
        patient=patient,
        reason=page.reason,
        page=number,
        filters={k: str(v) for k, v in filters.__dict__.items() if v},
    )
    current = message_history(actor=page.actor, patient=patient, filters=filters, page=number)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "patient": patient,
        "nhs_number_masked": nhs_number_mask(patient.nhs_number),
        "form": form,
        "error_list": error_summary_items(form) if form.is_bound and form.errors else [],
        "page_obj": current,
        "items": [(view, message_content(view.message)) for view in current.object_list],
        "query": query.urlencode(),
        "filtered": any(filters.__dict__.values()),
        "may_send": page.actor.can(Permission.MESSAGE_SEND),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "sending/patient_history.jinja", context, status=status)


@patient_page(Permission.PATIENT_VIEW, methods=("POST",))
def message_history_export_view(request: HttpRequest, page: PatientPage) -> HttpResponse:
    body = history_export(actor=page.actor, patient=page.patient, reason=page.reason)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    # The file name holds the date only: never a patient identifier.
    response["Content-Disposition"] = f'attachment; filename="message-history-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _previews(page: PatientPage, version: Any, values: dict[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The message for each channel the contact decision would use, in order, and why any
    other channel of the version would not be used."""
    decision = contact_decision(
        patient=page.patient, category=version.template.purpose, channels=list(version.channels)
    )
    previews = []
    for channel in decision.channels:
        rendered = version_render(
            version=version, channel=channel, language=page.patient.language or "en", values=values
        )
        previews.append({"channel": channel_label(channel), "rendered": rendered})
    refusals = [f"{channel_label(r.channel)}: {r.reason}" for r in decision.refusals]
    return previews, refusals


def _sent_words(name: str, message: Message) -> str:
    if message.status == MessageStatus.DEFERRED:
        opens = timezone.localtime(message.send_after, zoneinfo.ZoneInfo("Europe/London"))
        return (
            f"{name} will be sent when its send window opens, on {opens.day} {opens:%B %Y} at {opens:%H:%M}. "
            "It is the newest message below."
        )
    return f"{name} is queued to send. It is the newest message below."


@patient_page(Permission.MESSAGE_SEND, methods=("GET", "POST"))
def manual_send_view(request: HttpRequest, page: PatientPage) -> HttpResponse:
    """Step 1 (no template chosen): choose one. Step 2: fill in and preview. Step 3: confirm."""
    patient = page.patient
    base = {"patient": patient, "nhs_number_masked": nhs_number_mask(patient.nhs_number)}
    template_id = request.GET.get("template") or ""
    if not template_id:
        choose = ChooseTemplateForm(templates=template_choices(actor=page.actor, published_only=True))
        return render(request, "sending/patient_send_choose.jinja", {**base, "form": choose, "error_list": []})
    template = published_template_get(actor=page.actor, template_id=template_id)
    if template is None:
        choose = ChooseTemplateForm(
            {"template": template_id}, templates=template_choices(actor=page.actor, published_only=True)
        )
        choose.is_valid()
        return render(
            request,
            "sending/patient_send_choose.jinja",
            {**base, "form": choose, "error_list": error_summary_items(choose)},
            status=400,
        )
    version = cast(TemplateVersion, template.published_version)  # published_template_get: never None
    schema = [PersonalisationField.from_dict(item) for item in version.personalisation_schema]
    form = ManualSendForm(request.POST or None, schema=schema)
    context: dict[str, Any] = {
        **base,
        "template": template,
        "version": version,
        "form": form,
        "field_name": field_name,
        "action": f"{reverse('sending:patient-send', args=[patient.id])}?template={template.id}",
    }
    if request.method == "POST" and request.POST.get("edit") != "yes" and form.is_valid():
        values = form.personalisation()
        try:
            previews, refusals = _previews(page, version, values)
        except InvalidInput as error:
            form.add_schema_errors(error.errors)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if request.POST.get("confirm") == "yes":
                try:
                    created = messages_create(
                        actor=page.actor,
                        requests=[MessageRequest(patient=patient, version=version, personalisation=values)],
                        source=MessageSource.MANUAL,
                        reason=form.cleaned_data["reason"],
                        refuse_invalid=True,
                    )
                except InvalidInput as error:
                    form.add_schema_errors(error.errors)
                except DomainError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, _sent_words(template.name, created[0]))
                    return redirect("sending:patient-history", patient.id)
            if not form.errors:
                return render(
                    request,
                    "sending/patient_send_preview.jinja",
                    {**context, "previews": previews, "refusals": refusals},
                )
    context["error_list"] = error_summary_items(form) if form.errors else []
    return render(request, "sending/patient_send.jinja", context, status=400 if form.errors else 200)

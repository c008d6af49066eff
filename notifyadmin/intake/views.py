"""Pages of intake: event mappings (operations, administrators) and the event log (operations,
service desk). Patient identifiers are shown masked only."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.errors import InvalidInput, NotFound
from notifyadmin.core.forms import model_select_items, render_form_page
from notifyadmin.intake import mappings
from notifyadmin.intake.forms import EventLogFilterForm, MappingForm
from notifyadmin.intake.models import EventType
from preferences.nhs_number import nhs_number_mask


def _offsets_in_words(hours: list[int]) -> str:
    """[168, 24, 2] -> "7 days, 1 day and 2 hours"."""

    def one(value: int) -> str:
        count, unit = (value // 24, "day") if value % 24 == 0 else (value, "hour")
        return f"{count} {unit}{'' if count == 1 else 's'}"

    words = [one(value) for value in sorted(hours, reverse=True)]
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


@requires(Permission.EVENT_MAPPING_MANAGE)
@require_GET
def mapping_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    current = mappings.mappings_list(actor=actor)
    rows = [
        {
            "type": value,
            "label": label,
            "mapping": current.get(value),
            "reminders": _offsets_in_words(current[value].reminder_offsets_hours) if value in current else "",
        }
        for value, label in EventType.choices
    ]
    unmapped = list(mappings.events_unmapped(actor=actor)[:50])
    return render(request, "intake/mapping_list.jinja", {"rows": rows, "unmapped": unmapped})


@requires(Permission.EVENT_MAPPING_MANAGE)
@require_http_methods(["GET", "POST"])
def mapping_edit(request: HttpRequest, event_type: str) -> HttpResponse:
    actor = actor_of(request)
    if event_type not in EventType.values:
        raise NotFound("There is no such event type.")
    existing = mappings.mappings_list(actor=actor).get(event_type)
    initial = {}
    if existing is not None:
        initial = {
            "template": existing.template_id,
            "routing_plan": existing.routing_plan_id,
            "reminder_offsets": ", ".join(str(h) for h in existing.reminder_offsets_hours),
        }
    form = MappingForm(
        request.POST or None,
        initial=initial,
        templates=mappings.mappable_templates(actor=actor),
        routing_plans=mappings.mappable_routing_plans(actor=actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            mappings.mapping_set(
                actor=actor,
                event_type=event_type,
                template=form.cleaned_data["template"],
                routing_plan=form.cleaned_data["routing_plan"],
                reminder_offsets_hours=form.cleaned_data["reminder_offsets"],
            )
        except InvalidInput as error:
            for name, problems in error.errors.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, f"The mapping for “{EventType(event_type).label}” is saved.")
            return redirect("intake:mapping-list")
    template_items = model_select_items(form, "template", lambda t: t.name)
    plan_items = model_select_items(form, "routing_plan", lambda p: f"{p.name}: {p.channels_display}")
    return render_form_page(
        request,
        "intake/mapping_edit.jinja",
        {
            "form": form,
            "template_items": template_items,
            "plan_items": plan_items,
            "event_label": EventType(event_type).label,
            "is_reminder": event_type == EventType.APPOINTMENT_REMINDER,
        },
    )


@requires(Permission.EVENT_LOG_VIEW)
@require_GET
def event_log(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = EventLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = mappings.events_list(
        actor=actor,
        event_type=filters.get("event_type", ""),
        decision=filters.get("decision", ""),
        client_id=filters.get("client_id", ""),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    events = [
        {
            "event": event,
            "nhs_number": nhs_number_mask(event.patient.nhs_number) if event.patient else "",
            "type_label": EventType(event.event_type).label
            if event.event_type in EventType.values
            else event.event_type,
        }
        for event in page
    ]
    return render(
        request,
        "intake/event_log.jinja",
        {"form": form, "page": page, "events": events},
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )

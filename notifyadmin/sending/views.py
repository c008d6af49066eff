"""Operations pages of the send pipeline: kill switches."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.accounts.stepup import recent_authentication_required, stepup_time
from notifyadmin.core.errors import InvalidInput, NotFound, TransitionRefused
from notifyadmin.core.forms import model_select_items, render_form_page
from notifyadmin.sending import kill_switches
from notifyadmin.sending.forms import KillSwitchClearForm, KillSwitchSetForm
from notifyadmin.sending.models import KillSwitch


def _stepup_minutes() -> int:
    from django.conf import settings

    return max(int(settings.STEPUP_MAX_AGE_SECONDS) // 60, 1)


@requires(Permission.KILL_SWITCH_MANAGE)
@require_GET
def kill_switch_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request,
        "sending/kill_switch_list.jinja",
        {
            "active": list(kill_switches.kill_switches_active(actor=actor)),
            "recent": list(kill_switches.kill_switches_recent(actor=actor)),
        },
    )


def _refusal_into(form: Any, error: InvalidInput | TransitionRefused) -> None:
    if isinstance(error, InvalidInput):
        for name, problems in error.errors.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
    else:
        form.add_error(None, str(error))


@requires(Permission.KILL_SWITCH_MANAGE)
@require_http_methods(["GET", "POST"])
def kill_switch_set(request: HttpRequest) -> HttpResponse:
    """Confirm, with a reason, that sending must stop. Asks for step-up first."""
    if (stepup := recent_authentication_required(request, _stepup_minutes())) is not None:
        return stepup
    actor = actor_of(request)
    form = KillSwitchSetForm(request.POST or None, organisation=actor.acting_organisation)
    if request.method == "POST" and form.is_valid():
        try:
            switch = kill_switches.kill_switch_set(
                actor=actor,
                template=form.cleaned_data["template"],
                reason=form.cleaned_data["reason"],
                authenticated_at=stepup_time(request),
            )
        except (InvalidInput, TransitionRefused) as error:
            _refusal_into(form, error)
        else:
            scope = f"‘{switch.template.name}’" if switch.template else "your organisation"
            messages.success(request, f"Sending is stopped for {scope}. Nothing more will be sent until you clear it.")
            return redirect("sending:kill-switch-list")
    template_items = model_select_items(form, "template", lambda t: t.name)
    return render_form_page(request, "sending/kill_switch_set.jinja", {"form": form, "template_items": template_items})


@requires(Permission.KILL_SWITCH_MANAGE)
@require_http_methods(["GET", "POST"])
def kill_switch_clear(request: HttpRequest, switch_id: Any) -> HttpResponse:
    if (stepup := recent_authentication_required(request, _stepup_minutes())) is not None:
        return stepup
    actor = actor_of(request)
    switch = (
        KillSwitch.objects.filter(id=switch_id, organisation=actor.acting_organisation, cleared_at__isnull=True)
        .select_related("template", "set_by")
        .first()
    )
    if switch is None:
        raise NotFound("That kill switch is not active in your organisation.")
    form = KillSwitchClearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kill_switches.kill_switch_clear(
                actor=actor,
                switch_id=switch.id,
                reason=form.cleaned_data["reason"],
                authenticated_at=stepup_time(request),
            )
        except (InvalidInput, TransitionRefused) as error:
            _refusal_into(form, error)
        else:
            messages.success(request, "Sending has started again. Messages due from now on will be sent.")
            return redirect("sending:kill-switch-list")
    return render_form_page(request, "sending/kill_switch_clear.jinja", {"form": form, "switch": switch})

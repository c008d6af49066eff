"""Administrators' routing plans page: the organisation's plans and a form to add one."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.errors import InvalidInput
from notifyadmin.core.forms import render_form_page
from templates_app.forms import RoutingPlanForm
from templates_app.services.routing_plans import routing_plan_create, routing_plans_of
from templates_app.views._common import errors_onto


@requires(Permission.API_CLIENT_MANAGE)
@require_http_methods(["GET", "POST"])
def routing_plans(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = RoutingPlanForm(request.POST or None, initial={"environment": settings.NOTIFY_ENVIRONMENT})
    if request.method == "POST" and form.is_valid():
        try:
            plan = routing_plan_create(actor=actor, **form.cleaned_data)
        except InvalidInput as error:
            errors_onto(form, error)
        else:
            messages.success(request, f"Routing plan ‘{plan.name}’ added. Content designers can now choose it.")
            return redirect("templates_app:routing-plans")
    return render_form_page(
        request,
        "templates_app/routing_plans.jinja",
        {"form": form, "plans": routing_plans_of(actor=actor), "environment": settings.NOTIFY_ENVIRONMENT},
    )

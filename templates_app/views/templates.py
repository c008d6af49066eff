"""Template pages: the list, creating a template, a template's page, and comparing versions."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.channels import content_label
from notifyadmin.core.forms import render_form_page
from templates_app import selectors, services
from templates_app.content.diff import side_by_side
from templates_app.forms import TemplateCreateForm
from templates_app.models import VersionStatus
from templates_app.services.routing_plans import routing_plans_offered
from templates_app.views._common import errors_onto, page_links


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = selectors.page_of(
        selectors.templates_of(organisation=actor.acting_organisation).order_by("name"),
        page=request.GET.get("page"),
        per_page=selectors.TEMPLATES_PER_PAGE,
    )
    return render(
        request,
        "templates_app/template_list.jinja",
        {
            "page": page,
            "pagination": page_links(request, page, label="Pages of templates"),
            "can_create": actor.can(Permission.TEMPLATE_EDIT),
        },
    )


@requires(Permission.TEMPLATE_EDIT)
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    plans = list(routing_plans_offered(organisation=actor.acting_organisation))
    form = TemplateCreateForm(request.POST or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(actor=actor, **form.cleaned_data)
        except services.ContentInvalid as error:
            errors_onto(form, error)
        else:
            messages.success(request, f"Template ‘{template.name}’ created with a first draft.")
            return redirect("templates_app:template-detail", template.id)
    return render_form_page(request, "templates_app/template_create.jinja", {"form": form, "plans": plans})


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def template_detail(request: HttpRequest, template_id: Any) -> HttpResponse:
    actor = actor_of(request)
    template = selectors.template_get(actor=actor, template_id=template_id)
    versions = selectors.page_of(
        selectors.versions_of(template=template),
        page=request.GET.get("versions_page"),
        per_page=selectors.VERSIONS_PER_PAGE,
    )
    history = selectors.page_of(
        selectors.template_history(template=template),
        page=request.GET.get("history_page"),
        per_page=selectors.HISTORY_PER_PAGE,
    )
    latest_two = list(template.versions.order_by("-created_at").values_list("id", flat=True)[:2])
    return render(
        request,
        "templates_app/template_detail.jinja",
        {
            "template": template,
            "versions": versions,
            "versions_pagination": page_links(request, versions, label="Pages of versions", param="versions_page"),
            "history": selectors.history_rows(history.object_list),
            "history_pagination": page_links(request, history, label="Pages of history", param="history_page"),
            "compare_latest": latest_two if len(latest_two) == 2 else None,
            "has_draft": template.versions.filter(status=VersionStatus.DRAFT).exists(),
            "can_edit": actor.can(Permission.TEMPLATE_EDIT),
            "routing_plan": routing_plans_offered(organisation=template.organisation)
            .filter(plan_id=template.routing_plan_id)
            .first(),
        },
    )


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def version_compare(request: HttpRequest, template_id: Any) -> HttpResponse:
    actor = actor_of(request)
    template = selectors.template_get(actor=actor, template_id=template_id)
    old_id, new_id = request.GET.get("from"), request.GET.get("to")
    comparison = []
    old = new = None
    if old_id and new_id:
        old = selectors.version_get(actor=actor, template_id=template.id, version_id=old_id)
        new = selectors.version_get(actor=actor, template_id=template.id, version_id=new_id)
        old_contents = {(c.channel, c.language): c for c in old.contents.all()}
        new_contents = {(c.channel, c.language): c for c in new.contents.all()}
        for key in sorted(set(old_contents) | set(new_contents)):
            before, after = old_contents.get(key), new_contents.get(key)
            comparison.append(
                {
                    "label": content_label(*key),
                    "subject_rows": side_by_side(before.subject if before else "", after.subject if after else "")
                    if key[0] == "email"
                    else [],
                    "rows": side_by_side(before.body if before else "", after.body if after else ""),
                }
            )
    return render(
        request,
        "templates_app/version_compare.jinja",
        {
            "template": template,
            "versions": selectors.versions_of(template=template)[:100],
            "old": old,
            "new": new,
            "comparison": comparison,
        },
    )

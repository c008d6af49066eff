"""Version pages: a version, editing a draft, preview, submitting and withdrawing."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.channels import Channel, channel_label, language_label
from notifyadmin.core.forms import error_summary_items
from templates_app import four_eyes, linting, selectors, services
from templates_app.content.limits import CHANNEL_MAX_CHARACTERS
from templates_app.forms import VersionEditForm
from templates_app.linting import content_field_name
from templates_app.models import TemplateVersion
from templates_app.services.reviews import SIGNOFF_STEPUP_MAX_AGE
from templates_app.views._common import act_on_version, errors_onto
from templates_app.workflow import available_actions

# More personalisation rows than this in one post is not a person using the form.
MAX_FIELD_ROWS = 50


@requires(Permission.TEMPLATE_EDIT)
@require_POST
def version_new_draft(request: HttpRequest, template_id: Any) -> HttpResponse:
    actor = actor_of(request)
    template = selectors.template_get(actor=actor, template_id=template_id)
    based_on = None
    if request.POST.get("based_on"):
        based_on = selectors.version_get(actor=actor, template_id=template.id, version_id=request.POST["based_on"])
    try:
        draft = services.version_draft_create(actor=actor, template=template, based_on=based_on)
    except services.TransitionRefused as error:
        messages.error(request, str(error))
        return redirect("templates_app:template-detail", template.id)
    return redirect("templates_app:version-edit", template.id, draft.id)


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def version_detail(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    actor = actor_of(request)
    version = selectors.version_get(actor=actor, template_id=template_id, version_id=version_id)
    return render(
        request,
        "templates_app/version_detail.jinja",
        {
            "template": version.template,
            "version": version,
            "contents": version.contents.order_by("channel", "language"),
            "schema": version.personalisation_fields,
            "reviews": version.reviews.all(),
            "acknowledgements": version.acknowledgements.all(),
            "findings": linting.lint_stored(version) if version.is_draft else [],
            "other_versions": selectors.versions_of(template=version.template).exclude(pk=version.pk)[:50],
            # Exactly what the services would allow this person now (templates_app.workflow).
            "actions": available_actions(version, actor),
            # Where a four-eyes rule stops this person: why, and who can instead.
            "not_you": four_eyes.not_you(version, actor),
            "stepup_minutes": int(SIGNOFF_STEPUP_MAX_AGE.total_seconds() // 60),
        },
    )


def _initial(version: TemplateVersion) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "lock_version": version.lock_version,
        "channels": version.channels,
        "field_rows": len(version.personalisation_schema) + 1,
    }
    for content in version.contents.all():
        initial[content_field_name(content.channel, content.language)] = content.body
        initial[content_field_name(content.channel, content.language, "subject")] = content.subject
    for index, field in enumerate(version.personalisation_schema):
        for attribute, value in field.items():
            initial[f"field-{index}-{attribute}"] = value
    return initial


def _edit_page(
    request: HttpRequest, version: TemplateVersion, form: VersionEditForm, findings: list[Any], status: int = 200
) -> HttpResponse:
    context = {
        "template": version.template,
        "version": version,
        "form": form,
        "findings": findings,
        "channels": [(c, channel_label(c), CHANNEL_MAX_CHARACTERS[Channel(c)]) for c in form.content_channels],
        "languages": [(code, language_label(code)) for code in form.languages],
        "rows": range(form.rows),
        "error_list": error_summary_items(form) if form.errors else [],
    }
    return render(request, "templates_app/version_edit.jinja", context, status=status)


@requires(Permission.TEMPLATE_EDIT)
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    actor = actor_of(request)
    version = selectors.version_get(actor=actor, template_id=template_id, version_id=version_id)
    if not version.is_draft:
        messages.error(request, "This version has been submitted and cannot change. Start a new draft from it.")
        return redirect("templates_app:version-detail", version.template_id, version.id)
    languages = list(version.contents.values_list("language", flat=True).distinct())
    if request.method == "GET":
        initial = _initial(version)
        form = VersionEditForm(
            initial=initial, channels=version.channels, field_rows=initial["field_rows"], languages=languages
        )
        return _edit_page(request, version, form, linting.lint_stored(version))
    try:
        rows = int(request.POST.get("field_rows", "0"))
    except ValueError:
        rows = 0
    rows = min(max(rows, 0), MAX_FIELD_ROWS) + (1 if "add_field" in request.POST else 0)
    form = VersionEditForm(request.POST, channels=version.channels, field_rows=rows, languages=languages)
    if "add_field" in request.POST:
        form.is_valid()
        form.errors.clear()
        return _edit_page(request, version, form, [])
    if form.is_valid():
        try:
            services.version_draft_save(
                actor=actor,
                version=version,
                lock_version=form.cleaned_data["lock_version"],
                channels=form.cleaned_data["channels"],
                schema=form.schema(),
                contents=form.contents(),
            )
        except services.ContentInvalid as error:
            errors_onto(form, error)
        except services.TransitionRefused as error:  # a stale edit, or no longer a draft
            form.add_error(None, str(error))
        else:
            messages.success(request, "Draft saved.")
            if "submit" in request.POST:
                return redirect("templates_app:version-submit", version.template_id, version.id)
            return redirect("templates_app:version-edit", version.template_id, version.id)
    return _edit_page(request, version, form, [], status=400)


@requires(Permission.TEMPLATE_EDIT)
@require_http_methods(["GET", "POST"])
def version_submit(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    actor = actor_of(request)
    version = selectors.version_get(actor=actor, template_id=template_id, version_id=version_id)
    findings = linting.lint_stored(version) if version.is_draft else []
    problem = None
    status = 200
    if request.method == "POST":
        try:
            services.version_submit(actor=actor, version=version, acknowledged=request.POST.getlist("acknowledge"))
        except services.TransitionRefused as error:
            problem, status = str(error), 400
        else:
            messages.success(request, "Version submitted for content review.")
            return redirect("templates_app:version-detail", version.template_id, version.id)
    return render(
        request,
        "templates_app/version_submit.jinja",
        {
            "template": version.template,
            "version": version,
            "errors": linting.errors_of(findings),
            "warnings": linting.warnings_of(findings),
            "key": linting.finding_key,
            "described": linting.described,
            "acknowledged": set(request.POST.getlist("acknowledge")),
            "problem": problem,
            "error_list": [{"text": problem, "href": "#warnings"}] if problem else [],
        },
        status=status,
    )


@requires(Permission.TEMPLATE_EDIT)
@require_POST
def version_withdraw(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    return act_on_version(
        request,
        template_id,
        version_id,
        lambda actor, version: services.version_withdraw(actor=actor, version=version),
        lambda version: "Version withdrawn. Start a new draft from it to change it.",
    )

"""Template pages: list, create, detail, edit, preview, compare, submit, review, publish, queues."""

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.models import StaffUser
from notifyadmin.accounts.roles import Permission, role_can
from notifyadmin.accounts.selectors import get_in_organisation_or_404
from notifyadmin.accounts.stepup import recent_authentication_required, stepup_time
from notifyadmin.core.forms import error_summary_items
from templates_app import linting, selectors, services
from templates_app.content.diff import side_by_side
from templates_app.content.limits import CHANNEL_MAX_CHARACTERS, Channel
from templates_app.content.markdown_check import to_html
from templates_app.content.rendering import RenderError, TemplateSyntaxProblem
from templates_app.content.rendering import render as render_content
from templates_app.content.sms import sms_info
from templates_app.forms import ContentReviewForm, SignOffForm, TemplateCreateForm, VersionEditForm
from templates_app.linting import content_field_name, fields_of
from templates_app.models import ChannelChoice, LanguageChoice, MessageTemplate, TemplateVersion, VersionStatus
from templates_app.services.reviews import SIGNOFF_DECLARATION, SIGNOFF_STEPUP_MAX_AGE


def _template(request: HttpRequest, template_id: Any) -> MessageTemplate:
    return get_in_organisation_or_404(MessageTemplate.objects.all(), organisation=request.organisation, id=template_id)  # type: ignore[attr-defined]


def _version(request: HttpRequest, template_id: Any, version_id: Any) -> TemplateVersion:
    version = get_in_organisation_or_404(
        TemplateVersion.objects.select_related("template", "author"),
        organisation=request.organisation,  # type: ignore[attr-defined]
        id=version_id,
    )
    if str(version.template_id) != str(template_id):
        raise Http404
    return version


def _language_label(code: str) -> str:
    return LanguageChoice(code).label if code in LanguageChoice.values else code


def _can(request: HttpRequest, permission: Permission) -> bool:
    return role_can(getattr(request, "active_role", None), permission)


def _errors_from(form: Any, error: services.ContentInvalid) -> None:
    for name, problems in error.errors.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    templates = selectors.templates_of(organisation=request.organisation)  # type: ignore[attr-defined]
    return render(
        request,
        "templates_app/template_list.jinja",
        {
            "templates": templates,
            "can_create": _can(request, Permission.TEMPLATE_EDIT),
        },
    )


@requires(Permission.TEMPLATE_EDIT)
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    form = TemplateCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                template = services.template_create(actor=actor_of(request), **data)
            except services.ContentInvalid as error:
                _errors_from(form, error)
            else:
                messages.success(request, f"Template ‘{template.name}’ created with a first draft.")
                return redirect("templates_app:template-detail", template.id)
    return render(
        request,
        "templates_app/template_create.jinja",
        {
            "form": form,
            "error_list": error_summary_items(form) if form.errors else [],
        },
        status=status,
    )


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def template_detail(request: HttpRequest, template_id: Any) -> HttpResponse:
    template = _template(request, template_id)
    versions = list(selectors.versions_of(template=template))
    return render(
        request,
        "templates_app/template_detail.jinja",
        {
            "template": template,
            "versions": versions,
            "history": selectors.template_history(template=template)[:50],
            "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
            "can_edit": _can(request, Permission.TEMPLATE_EDIT),
        },
    )


@requires(Permission.TEMPLATE_EDIT)
@require_POST
def version_new_draft(request: HttpRequest, template_id: Any) -> HttpResponse:
    template = _template(request, template_id)
    based_on = None
    if request.POST.get("based_on"):
        based_on = _version(request, template.id, request.POST["based_on"])
    try:
        draft = services.version_draft_create(actor=actor_of(request), template=template, based_on=based_on)
    except services.TransitionRefused as error:
        messages.error(request, str(error))
        return redirect("templates_app:template-detail", template.id)
    return redirect("templates_app:version-edit", template.id, draft.id)


def _findings_for_display(version: TemplateVersion) -> list[Any]:
    return linting.lint_stored(version)


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def version_detail(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    version = _version(request, template_id, version_id)
    user = request.user
    return render(
        request,
        "templates_app/version_detail.jinja",
        {
            "template": version.template,
            "version": version,
            "contents": version.contents.order_by("channel", "language"),
            "schema": version.personalisation_schema,
            "reviews": version.reviews.select_related("reviewer"),
            "acknowledgements": version.acknowledgements.all(),
            "findings": _findings_for_display(version) if version.is_draft else [],
            "other_versions": [v for v in selectors.versions_of(template=version.template) if v.id != version.id],
            "can": {
                "edit": version.is_draft and _can(request, Permission.TEMPLATE_EDIT),
                "withdraw": version.status == VersionStatus.SUBMITTED
                and version.author_id == user.pk
                and _can(request, Permission.TEMPLATE_EDIT),
                "review": version.status == VersionStatus.SUBMITTED
                and version.author_id != user.pk
                and _can(request, Permission.TEMPLATE_CONTENT_REVIEW),
                "sign_off": version.status == VersionStatus.CONTENT_APPROVED
                and _can(request, Permission.TEMPLATE_CLINICAL_SIGNOFF),
                "publish": version.status == VersionStatus.SIGNED_OFF and _can(request, Permission.TEMPLATE_PUBLISH),
                "retire": version.status == VersionStatus.PUBLISHED and _can(request, Permission.TEMPLATE_PUBLISH),
                "new_draft": not version.is_draft and _can(request, Permission.TEMPLATE_EDIT),
            },
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


def _edit_context(version: TemplateVersion, form: VersionEditForm, findings: list[Any]) -> dict[str, Any]:
    return {
        "template": version.template,
        "version": version,
        "form": form,
        "findings": findings,
        "channels": [(c, ChannelChoice(c).label, CHANNEL_MAX_CHARACTERS[Channel(c)]) for c in form.content_channels],
        "languages": LanguageChoice.choices,
        "rows": range(form.rows),
        "error_list": error_summary_items(form) if form.errors else [],
    }


@requires(Permission.TEMPLATE_EDIT)
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    version = _version(request, template_id, version_id)
    if not version.is_draft:
        messages.error(request, "This version has been submitted and cannot change. Start a new draft from it.")
        return redirect("templates_app:version-detail", version.template_id, version.id)
    if request.method == "GET":
        initial = _initial(version)
        form = VersionEditForm(initial=initial, channels=version.channels, field_rows=initial["field_rows"])
        return render(
            request, "templates_app/version_edit.jinja", _edit_context(version, form, linting.lint_stored(version))
        )
    try:
        rows = int(request.POST.get("field_rows", "0"))
    except ValueError:
        rows = 0
    rows = min(max(rows, 0), 50)
    if "add_field" in request.POST:
        rows += 1
    form = VersionEditForm(request.POST, channels=version.channels, field_rows=rows)
    findings: list[Any] = []
    status = 400
    if "add_field" in request.POST:
        form.is_valid()
        form.errors.clear()
        return render(request, "templates_app/version_edit.jinja", _edit_context(version, form, findings))
    if form.is_valid():
        try:
            findings = services.version_draft_save(
                actor=actor_of(request),
                version=version,
                lock_version=form.cleaned_data["lock_version"],
                channels=form.cleaned_data["channels"],
                schema=form.schema(),
                contents=form.contents(),
            )
        except services.ContentInvalid as error:
            _errors_from(form, error)
        except services.StaleEdit as error:
            form.add_error(None, str(error))
        except services.TransitionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Draft saved.")
            if "submit" in request.POST:
                return redirect("templates_app:version-submit", version.template_id, version.id)
            return redirect("templates_app:version-edit", version.template_id, version.id)
    return render(request, "templates_app/version_edit.jinja", _edit_context(version, form, findings), status=status)


def _preview(version: TemplateVersion, channel: str, language: str) -> dict[str, Any]:
    content = version.contents.filter(channel=channel, language=language).first()
    if content is None:
        raise Http404
    values = {f.name: f.sample_value for f in fields_of(version.personalisation_schema)}
    result: dict[str, Any] = {
        "content": content,
        "problem": None,
        "html": None,
        "text": None,
        "sms": None,
        "subject": None,
    }
    try:
        text = render_content(content.body, values)
        if content.subject:
            result["subject"] = render_content(content.subject, values)
    except (RenderError, TemplateSyntaxProblem) as error:
        result["problem"] = str(error)
        return result
    result["text"] = text
    if channel in ("nhsapp", "email"):
        result["html"] = to_html(text)
    if channel == "sms":
        result["sms"] = sms_info(text)
    return result


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def version_preview(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    version = _version(request, template_id, version_id)
    pairs = list(version.contents.order_by("channel", "language").values_list("channel", "language"))
    if not pairs:
        raise Http404
    channel = request.GET.get("channel") or pairs[0][0]
    language = request.GET.get("language") or "en"
    if (channel, language) not in pairs:
        raise Http404
    return render(
        request,
        "templates_app/version_preview.jinja",
        {
            "template": version.template,
            "version": version,
            "channel": channel,
            "language": language,
            "pairs": [
                (c, lang, ChannelChoice(c).label, LanguageChoice(lang).label if lang in LanguageChoice.values else lang)
                for c, lang in pairs
            ],
            "preview": _preview(version, channel, language),
            "channel_label": ChannelChoice(channel).label,
        },
    )


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def version_compare(request: HttpRequest, template_id: Any) -> HttpResponse:
    template = _template(request, template_id)
    versions = list(selectors.versions_of(template=template))
    old_id, new_id = request.GET.get("from"), request.GET.get("to")
    comparison = []
    old = new = None
    if old_id and new_id:
        old = _version(request, template.id, old_id)
        new = _version(request, template.id, new_id)
        old_contents = {(c.channel, c.language): c for c in old.contents.all()}
        new_contents = {(c.channel, c.language): c for c in new.contents.all()}
        for key in sorted(set(old_contents) | set(new_contents)):
            before, after = old_contents.get(key), new_contents.get(key)
            comparison.append(
                {
                    "label": f"{ChannelChoice(key[0]).label}, {_language_label(key[1])}",
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
            "versions": versions,
            "old": old,
            "new": new,
            "comparison": comparison,
        },
    )


@requires(Permission.TEMPLATE_EDIT)
@require_http_methods(["GET", "POST"])
def version_submit(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    version = _version(request, template_id, version_id)
    findings = linting.lint_stored(version) if version.is_draft else []
    problem = None
    status = 200
    if request.method == "POST":
        try:
            services.version_submit(
                actor=actor_of(request), version=version, acknowledged=request.POST.getlist("acknowledge")
            )
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
            "located": linting.located,
            "acknowledged": set(request.POST.getlist("acknowledge")),
            "problem": problem,
            "error_list": [{"text": problem, "href": "#warnings"}] if problem else [],
        },
        status=status,
    )


@requires(Permission.TEMPLATE_EDIT)
@require_POST
def version_withdraw(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    version = _version(request, template_id, version_id)
    try:
        services.version_withdraw(actor=actor_of(request), version=version)
        messages.success(request, "Version withdrawn. Start a new draft from it to change it.")
    except services.TransitionRefused as error:
        messages.error(request, str(error))
    return redirect("templates_app:version-detail", version.template_id, version.id)


def _review_page(
    request: HttpRequest, version: TemplateVersion, form: Any, template_name: str, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request,
        template_name,
        {
            "template": version.template,
            "version": version,
            "form": form,
            "contents": version.contents.order_by("channel", "language"),
            "schema": version.personalisation_schema,
            "acknowledgements": version.acknowledgements.all(),
            "reviews": version.reviews.select_related("reviewer"),
            "error_list": error_summary_items(form) if form.errors else [],
            **extra,
        },
        status=status,
    )


@requires(Permission.TEMPLATE_CONTENT_REVIEW)
@require_http_methods(["GET", "POST"])
def version_content_review(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    version = _version(request, template_id, version_id)
    form = ContentReviewForm(request.POST or None, initial={"content_hash": version.content_hash})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "approve":
                    services.version_content_approve(
                        actor=actor_of(request),
                        version=version,
                        content_hash=data["content_hash"],
                        comments=data["comments"],
                    )
                    messages.success(request, "Content approved. It now awaits clinical sign-off.")
                else:
                    services.version_changes_request(
                        actor=actor_of(request),
                        version=version,
                        content_hash=data["content_hash"],
                        comments=data["comments"],
                    )
                    messages.success(request, "Changes requested. A new draft has gone back to the author.")
                return redirect("templates_app:version-detail", version.template_id, version.id)
            except services.ContentInvalid as error:
                _errors_from(form, error)
            except services.TransitionRefused as error:
                form.add_error(None, str(error))
        return _review_page(request, version, form, "templates_app/version_content_review.jinja", 400)
    return _review_page(request, version, form, "templates_app/version_content_review.jinja")


@requires(Permission.TEMPLATE_CLINICAL_SIGNOFF)
@require_http_methods(["GET", "POST"])
def version_sign_off(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    version = _version(request, template_id, version_id)
    max_minutes = int(SIGNOFF_STEPUP_MAX_AGE.total_seconds() // 60)
    if request.method == "GET":
        stepup = recent_authentication_required(request, max_minutes)
        if stepup is not None:
            return stepup
    form = SignOffForm(request.POST or None, initial={"content_hash": version.content_hash})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "sign_off":
                    services.version_sign_off(
                        actor=actor_of(request),
                        version=version,
                        content_hash=data["content_hash"],
                        declaration_confirmed=data["declaration"],
                        hazards=data["hazards"],
                        authenticated_at=stepup_time(request),
                        comments=data["comments"],
                    )
                    messages.success(request, "Version signed off. A content designer can now publish it.")
                else:
                    services.version_changes_request(
                        actor=actor_of(request),
                        version=version,
                        content_hash=data["content_hash"],
                        comments=data["comments"],
                    )
                    messages.success(request, "Changes requested. A new draft has gone back to the author.")
                return redirect("templates_app:version-detail", version.template_id, version.id)
            except services.ContentInvalid as error:
                _errors_from(form, error)
            except services.TransitionRefused as error:
                form.add_error(None, str(error))
        return _review_page(
            request, version, form, "templates_app/version_sign_off.jinja", 400, declaration=SIGNOFF_DECLARATION
        )
    return _review_page(request, version, form, "templates_app/version_sign_off.jinja", declaration=SIGNOFF_DECLARATION)


@requires(Permission.TEMPLATE_PUBLISH)
@require_POST
def version_publish(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    version = _version(request, template_id, version_id)
    try:
        services.version_publish(actor=actor_of(request), version=version)
        messages.success(request, f"Version {version.number} published. Messages now send with it.")
    except services.TransitionRefused as error:
        messages.error(request, str(error))
    return redirect("templates_app:version-detail", version.template_id, version.id)


@requires(Permission.TEMPLATE_PUBLISH)
@require_POST
def version_retire(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    version = _version(request, template_id, version_id)
    try:
        services.version_retire(actor=actor_of(request), version=version, reason=request.POST.get("reason", "")[:500])
        messages.success(
            request, f"Version {version.number} retired. The template sends nothing until another is published."
        )
    except services.TransitionRefused as error:
        messages.error(request, str(error))
    return redirect("templates_app:version-detail", version.template_id, version.id)


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def work_queue(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    user = cast(StaffUser, request.user)  # @requires admits only signed-in staff
    queues = []
    if _can(request, Permission.TEMPLATE_EDIT):
        queues.append(("My drafts", selectors.queue_my_drafts(organisation=organisation, user=user)))
    if _can(request, Permission.TEMPLATE_CONTENT_REVIEW):
        queues.append(
            ("Awaiting content review", selectors.queue_awaiting_content_review(organisation=organisation, user=user))
        )
    if _can(request, Permission.TEMPLATE_CLINICAL_SIGNOFF):
        queues.append(
            ("Awaiting clinical sign-off", selectors.queue_awaiting_signoff(organisation=organisation, user=user))
        )
    if _can(request, Permission.TEMPLATE_PUBLISH):
        queues.append(("Ready to publish", selectors.queue_ready_to_publish(organisation=organisation)))
    return render(request, "templates_app/work_queue.jinja", {"queues": queues, "waited": selectors.waited_text})

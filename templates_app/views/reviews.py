"""Review pages: content review, clinical sign-off, publishing and retiring.

A review page shows its form only to someone the workflow table lets act now; anyone else
sees why not (the same words the service would refuse with). Sign-off asks a clinical safety
officer to confirm their identity first when their last authentication is too old.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.accounts.stepup import recent_authentication_required, stepup_time
from notifyadmin.core.actor import Actor
from notifyadmin.core.forms import render_form_page
from templates_app import selectors, services, workflow
from templates_app.forms import ContentReviewForm, SignOffForm
from templates_app.models import TemplateVersion
from templates_app.services.reviews import SIGNOFF_DECLARATION, SIGNOFF_STEPUP_MAX_AGE
from templates_app.views._common import act_on_version, errors_onto

CHANGES_REQUESTED_MESSAGE = "Changes requested. A new draft has gone back to the author."


def _review_page(request: HttpRequest, version: TemplateVersion, form: Any, page: str, **extra: Any) -> HttpResponse:
    return render_form_page(
        request,
        page,
        {
            "template": version.template,
            "version": version,
            "form": form,
            "contents": version.contents.order_by("channel", "language"),
            "schema": version.personalisation_schema,
            "acknowledgements": version.acknowledgements.all(),
            "reviews": version.reviews.all(),
            **extra,
        },
    )


def _refusal(name: str, version: TemplateVersion, actor: Actor) -> str:
    refusal = workflow.VERSION_WORKFLOW.refusal(name, version, actor)
    return refusal.reason if refusal else ""


def _decide(
    request: HttpRequest, version: TemplateVersion, form: Any, approve: Any, success: str
) -> HttpResponse | None:
    """Run the decision the form holds; a redirect when it was recorded, None to show the form."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if data["decision"] in ("approve", "sign_off"):
            approve(data)
            messages.success(request, success)
        else:
            services.version_changes_request(
                actor=actor_of(request), version=version, content_hash=data["content_hash"], comments=data["comments"]
            )
            messages.success(request, CHANGES_REQUESTED_MESSAGE)
    except services.ContentInvalid as error:
        errors_onto(form, error)
        return None
    except services.TransitionRefused as error:
        form.add_error(None, str(error))
        return None
    return redirect("templates_app:version-detail", version.template_id, version.id)


@requires(Permission.TEMPLATE_CONTENT_REVIEW)
@require_http_methods(["GET", "POST"])
def version_content_review(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    actor = actor_of(request)
    version = selectors.version_get(actor=actor, template_id=template_id, version_id=version_id)
    form = ContentReviewForm(request.POST or None, initial={"content_hash": version.content_hash})
    if request.method == "POST":
        done = _decide(
            request,
            version,
            form,
            lambda data: services.version_content_approve(
                actor=actor, version=version, content_hash=data["content_hash"], comments=data["comments"]
            ),
            "Content approved. It now awaits clinical sign-off.",
        )
        if done is not None:
            return done
    refusal = "" if request.method == "POST" else _refusal(workflow.APPROVE_CONTENT, version, actor)
    return _review_page(request, version, form, "templates_app/version_content_review.jinja", refusal=refusal)


@requires(Permission.TEMPLATE_CLINICAL_SIGNOFF)
@require_http_methods(["GET", "POST"])
def version_sign_off(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    actor = actor_of(request)
    version = selectors.version_get(actor=actor, template_id=template_id, version_id=version_id)
    refusal = _refusal(workflow.SIGN_OFF, version, actor)
    if request.method == "GET" and not refusal:
        # Confirm identity only for someone who may sign off; the service checks it again.
        stepup = recent_authentication_required(request, int(SIGNOFF_STEPUP_MAX_AGE.total_seconds() // 60))
        if stepup is not None:
            return stepup
    form = SignOffForm(request.POST or None, initial={"content_hash": version.content_hash})
    if request.method == "POST":
        done = _decide(
            request,
            version,
            form,
            lambda data: services.version_sign_off(
                actor=actor,
                version=version,
                content_hash=data["content_hash"],
                declaration_confirmed=data["declaration"],
                hazards=data["hazards"],
                authenticated_at=stepup_time(request),
                comments=data["comments"],
            ),
            "Version signed off. A content designer can now publish it.",
        )
        if done is not None:
            return done
        refusal = ""
    return _review_page(
        request,
        version,
        form,
        "templates_app/version_sign_off.jinja",
        declaration=SIGNOFF_DECLARATION,
        refusal=refusal,
    )


@requires(Permission.TEMPLATE_PUBLISH)
@require_POST
def version_publish(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    return act_on_version(
        request,
        template_id,
        version_id,
        lambda actor, version: services.version_publish(actor=actor, version=version),
        lambda version: f"Version {version.number} published. Messages now send with it.",
    )


@requires(Permission.TEMPLATE_PUBLISH)
@require_POST
def version_retire(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    reason = request.POST.get("reason", "")[:500]
    return act_on_version(
        request,
        template_id,
        version_id,
        lambda actor, version: services.version_retire(actor=actor, version=version, reason=reason),
        lambda version: f"Version {version.number} retired. The template sends nothing until another is published.",
    )

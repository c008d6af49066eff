"""Review pages: content review, clinical sign-off, publishing and retiring.

A review page shows its form only to someone the workflow table lets act now; anyone else
sees why not (the same words the service would refuse with).

Step-up at sign-off: a clinical safety officer is asked to confirm their identity when they
record a sign-off and their last authentication is older than STEPUP_MAX_AGE_SECONDS, not
before. What they entered (decision, declaration, hazards, raised hazard, comments) is kept in
their session under the version's id while they confirm it, and put back in the form when they
return, once; they then record the decision without typing it again.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.accounts.stepup import stepup_redirect, stepup_time
from notifyadmin.core.actor import Actor
from notifyadmin.core.forms import render_form_page
from notifyadmin.safety.hazard_log import hazard_log_load
from notifyadmin.safety.services import RaisedHazardInput
from templates_app import four_eyes, previews, selectors, services, workflow
from templates_app.forms import ContentReviewForm, SignOffForm
from templates_app.models import TemplateVersion
from templates_app.services.reviews import SIGNOFF_DECLARATION, signoff_authentication_fresh
from templates_app.views._common import errors_onto

CHANGES_REQUESTED_MESSAGE = "Changes requested. A new draft has gone back to the author."


def _review_page(request: HttpRequest, version: TemplateVersion, form: Any, page: str, **extra: Any) -> HttpResponse:
    return render_form_page(
        request,
        page,
        {
            "template": version.template,
            "version": version,
            "form": form,
            # Each content's source beside the message it makes with the sample values.
            "renderings": previews.sources_beside_renderings(version=version),
            "schema": version.personalisation_fields,
            "acknowledgements": version.acknowledgements.all(),
            "reviews": version.reviews.all(),
            **extra,
        },
    )


def _refusal(name: str, version: TemplateVersion, actor: Actor) -> str:
    """Why this person may not take the step now, and who can instead where four eyes stop them."""
    refusal = workflow.VERSION_WORKFLOW.refusal(name, version, actor)
    if refusal is None:
        return ""
    return " ".join(filter(None, (refusal.reason, four_eyes.who_can_instead(version, actor, name))))


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


SIGNOFF_DRAFT_SESSION_PREFIX = "signoff_draft:"
DRAFT_TEXT_FIELDS = ("content_hash", "decision", "raised_title", "raised_cause", "raised_effect", "comments")
DRAFT_TEXT_MAX = 4000
RESTORED_MESSAGE = "You have confirmed your identity. What you entered is below: check it and record your decision."


def _draft_key(version: TemplateVersion) -> str:
    return f"{SIGNOFF_DRAFT_SESSION_PREFIX}{version.id}"


def _draft_keep(request: HttpRequest, version: TemplateVersion, choices: list[tuple[str, str]]) -> None:
    """Keep what was typed, bounded: known hazard ids only, each text cut to its field's limit."""
    known = {hazard_id for hazard_id, _ in choices}
    request.session[_draft_key(version)] = {
        **{name: request.POST.get(name, "")[:DRAFT_TEXT_MAX] for name in DRAFT_TEXT_FIELDS},
        "declaration": request.POST.get("declaration") == "on",
        "hazards": [hazard_id for hazard_id in request.POST.getlist("hazards") if hazard_id in known],
    }


def _hazard_choices() -> list[tuple[str, str]]:
    return [(hazard.id, f"{hazard.id} {hazard.title}") for hazard in hazard_log_load()]


@requires(Permission.TEMPLATE_CLINICAL_SIGNOFF)
@require_http_methods(["GET", "POST"])
def version_sign_off(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    actor = actor_of(request)
    version = selectors.version_get(actor=actor, template_id=template_id, version_id=version_id)
    refusal = _refusal(workflow.SIGN_OFF, version, actor)
    choices = _hazard_choices()
    restored = False
    if request.method == "POST":
        signing = request.POST.get("decision") == "sign_off"
        if signing and not refusal and not signoff_authentication_fresh(stepup_time(request)):
            # The moment step-up is needed: keep the form, confirm identity, come back to it.
            _draft_keep(request, version, choices)
            return stepup_redirect(request, next_url=request.path)
        form = SignOffForm(request.POST, hazard_choices=choices)
    else:
        draft = request.session.pop(_draft_key(version), None)
        restored = isinstance(draft, dict)
        initial = {**draft} if restored else {"content_hash": version.content_hash}
        form = SignOffForm(initial=initial, hazard_choices=choices)
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
                hazard_ids=data["hazards"],
                authenticated_at=stepup_time(request),
                comments=data["comments"],
                raised=RaisedHazardInput(data["raised_title"], data["raised_cause"], data["raised_effect"]),
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
        restored_message=RESTORED_MESSAGE if restored else "",
    )

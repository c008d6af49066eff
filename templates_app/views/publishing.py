"""Publishing and retiring, each confirmed first.

GET shows what the action will do in plain words (which version replaces which, which messages
stop sending) and asks why; POST needs the reason, does it through the service (which records
the reason in the audit trail) and goes back to the version. One click never publishes or
retires: the version page links here instead of posting.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.forms import render_form_page
from templates_app import selectors, services, workflow
from templates_app.forms import ConfirmWithReasonForm
from templates_app.models import TemplateVersion


def publish_effect(version: TemplateVersion) -> list[str]:
    """What publishing `version` changes, in sentences a content designer can check."""
    template = version.template
    previous = template.published_version
    if previous is not None and previous.pk != version.pk:
        first = (
            f"Version {version.number} replaces version {previous.number} for every message "
            f"created from “{template.name}” from now on."
        )
        return [
            first,
            f"Version {previous.number} is superseded: it can no longer be sent or published again.",
            "Messages already created keep the version they were created with.",
        ]
    return [
        f"Version {version.number} becomes the version every message created from “{template.name}” is sent with.",
        "Messages can be created from this template from now on.",
    ]


def retire_effect(version: TemplateVersion) -> list[str]:
    """What retiring `version` stops, in sentences a content designer can check."""
    template = version.template
    return [
        f"{template.get_purpose_display()} messages mapped to “{template.name}” will stop sending.",
        "Messages already waiting to be sent are not sent, and no new message can be created from this "
        "template until another version is published.",
        f"Version {version.number} cannot be published again: to send this wording again, start a new draft from it.",
    ]


_PAGES = {
    workflow.PUBLISH: {
        "heading": "Publish version {number}?",
        "button": "Publish version {number}",
        "effect": publish_effect,
        "hint": "For example, the change request or clinical review this publishes. It is recorded in the audit trail.",
        "done": "Version {number} published. Messages now send with it.",
        "warning": False,
    },
    workflow.RETIRE: {
        "heading": "Retire version {number}?",
        "button": "Retire version {number}",
        "effect": retire_effect,
        "hint": "For example, the service has ended or the wording is clinically out of date. "
        "It is recorded in the audit trail.",
        "done": "Version {number} retired. The template sends nothing until another is published.",
        "warning": True,
    },
}


def _confirm(request: HttpRequest, template_id: Any, version_id: Any, name: str) -> HttpResponse:
    actor = actor_of(request)
    version = selectors.version_get(actor=actor, template_id=template_id, version_id=version_id)
    page = _PAGES[name]
    refusal = workflow.VERSION_WORKFLOW.refusal(name, version, actor)
    form = ConfirmWithReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and refusal is None and form.is_valid():
        act = services.version_publish if name == workflow.PUBLISH else services.version_retire
        try:
            act(actor=actor, version=version, reason=form.cleaned_data["reason"])
        except services.TransitionRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, str(page["done"]).format(number=version.number))
        return redirect("templates_app:version-detail", version.template_id, version.id)
    return render_form_page(
        request,
        "templates_app/version_confirm.jinja",
        {
            "template": version.template,
            "version": version,
            "form": form,
            "heading": str(page["heading"]).format(number=version.number),
            "button_text": str(page["button"]).format(number=version.number),
            "hint": page["hint"],
            "warning": page["warning"],
            "effect": page["effect"](version),  # type: ignore[operator]
            "refusal": refusal.reason if refusal is not None else None,
            "action_url": request.path,
        },
    )


@requires(Permission.TEMPLATE_PUBLISH)
@require_http_methods(["GET", "POST"])
def version_publish(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    """Confirm publishing a signed-off version, with a reason."""
    return _confirm(request, template_id, version_id, workflow.PUBLISH)


@requires(Permission.TEMPLATE_PUBLISH)
@require_http_methods(["GET", "POST"])
def version_retire(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    """Confirm retiring the published version, with a reason."""
    return _confirm(request, template_id, version_id, workflow.RETIRE)

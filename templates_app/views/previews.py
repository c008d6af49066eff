"""Previews that look like the message: a phone's text message, the NHS App's message, an email
with its subject, and a letter as an A4 PDF proof; each rendered by `version_render` with the
version's sample values."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.channels import Channel, Language, channel_label, language_label
from templates_app import previews, selectors
from templates_app.models import TemplateVersion


def _chosen(request: HttpRequest, version: TemplateVersion, *, channel: str = "") -> tuple[list[Any], str, str]:
    pairs = list(version.contents.order_by("channel", "language").values_list("channel", "language"))
    if not pairs:
        raise Http404
    channel = channel or request.GET.get("channel") or pairs[0][0]
    language = request.GET.get("language") or Language.ENGLISH
    if channel not in {c for c, _ in pairs} or language not in Language.values:
        raise Http404
    return pairs, channel, language


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def version_preview(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    """The version as the channel shows it, with its sample values."""
    version = selectors.version_get(actor=actor_of(request), template_id=template_id, version_id=version_id)
    pairs, channel, language = _chosen(request, version)
    rendered, problems = previews.sample_render(version=version, channel=channel, language=language)
    return render(
        request,
        "templates_app/version_preview.jinja",
        {
            "template": version.template,
            "version": version,
            "channel": channel,
            "language": language,
            "pairs": [(c, lang, channel_label(c), language_label(lang)) for c, lang in pairs],
            "rendered": rendered,
            "problems": problems,
            "channel_label": channel_label(channel),
            "language_label": language_label(rendered.language if rendered else language),
            "cost": previews.estimated_cost(rendered) if rendered else "",
            "sender": version.template.organisation.name,
        },
    )


@requires(Permission.TEMPLATE_VIEW)
@require_GET
@xframe_options_sameorigin  # the preview page shows the proof in a frame of this site
def version_letter_pdf(request: HttpRequest, template_id: Any, version_id: Any) -> HttpResponse:
    """The letter as an A4 PDF proof (shown inline in the browser)."""
    version = selectors.version_get(actor=actor_of(request), template_id=template_id, version_id=version_id)
    _, channel, language = _chosen(request, version, channel=Channel.LETTER)
    rendered, problems = previews.sample_render(version=version, channel=channel, language=language)
    if rendered is None:
        return HttpResponse(
            "This letter cannot be previewed: " + " ".join(problems), status=400, content_type="text/plain"
        )
    pdf = previews.letter_pdf(rendered=rendered, template=version.template, today=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="letter-proof.pdf"'
    return response

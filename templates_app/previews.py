"""Previews that look like the message: what each channel's preview shows beside the rendered
text, and the letter as an A4 PDF proof (WeasyPrint, as the safety case is rendered).

Everything here starts from `version_render`, so a preview shows exactly what would be sent.
Review and sign-off show each content's source beside its rendering (`sources_beside_renderings`),
so a reviewer judges the message a patient would read, not only the text with its placeholders.
Costs are estimates from the configured prices (settings.SMS_PRICE_PER_FRAGMENT_GBP,
settings.LETTER_PRICE_GBP) and always say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string

from notifyadmin.core.channels import Channel, channel_label, language_label
from templates_app.models import MessageTemplate, TemplateVersion, VersionContent
from templates_app.rendering import (
    ContentUnrenderable,
    PersonalisationInvalid,
    RenderedMessage,
    letter_price,
    sample_values_of,
    version_render,
)

# Shown where a letter's recipient address will go: never a real person's details.
SAMPLE_ADDRESS = ("The patient's name", "Their address line 1", "Their town", "Their postcode")


def pounds(amount: Decimal) -> str:
    """In pounds, to the penny unless a fraction of a penny matters: "£0.74", "£0.0197"."""
    exact = amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = f"{exact:f}".rstrip("0")
    whole, _, fraction = text.partition(".")
    return f"£{whole}.{fraction.ljust(2, '0')}"


def estimated_cost(rendered: RenderedMessage) -> str:
    """The estimated cost of one message on the channel, in words, or "" where there is none."""
    if rendered.sms is not None:
        fragments = rendered.sms.fragments
        unit = "text message" if fragments == 1 else "text messages"
        return f"Estimated cost: {pounds(rendered.sms.cost_per_message)} ({fragments} {unit} charged)"
    if rendered.channel == Channel.LETTER:
        return f"Estimated cost: {pounds(letter_price())} per letter"
    return ""


def sample_render(*, version: TemplateVersion, channel: str, language: str) -> tuple[RenderedMessage | None, list[str]]:
    """The version rendered with its sample values, or None and the problems in words (a draft
    whose text or sample values are not yet fit to send)."""
    try:
        values = sample_values_of(version)
        return version_render(version=version, channel=channel, language=language, values=values), []
    except PersonalisationInvalid as error:
        return None, [problem for problems in error.errors.values() for problem in problems]
    except ContentUnrenderable as error:
        return None, [str(error)]


@dataclass(frozen=True)
class SourceAndRendering:
    """One content of a version (a channel in a language): what was written, and the message it
    makes with the sample values."""

    content: VersionContent
    label: str
    rendered: RenderedMessage | None
    problems: list[str]
    cost: str


def sources_beside_renderings(*, version: TemplateVersion) -> list[SourceAndRendering]:
    """Each content of the version, in channel then language order, with its rendering."""
    pairs = []
    for content in version.contents.order_by("channel", "language"):
        rendered, problems = sample_render(version=version, channel=content.channel, language=content.language)
        pairs.append(
            SourceAndRendering(
                content=content,
                label=f"{channel_label(content.channel)}, {language_label(content.language)}",
                rendered=rendered,
                problems=problems,
                cost=estimated_cost(rendered) if rendered else "",
            )
        )
    return pairs


def paragraphs(body: str) -> list[list[str]]:
    """A plain-text letter body as paragraphs (blank-line separated) of lines."""
    blocks = [block.strip("\n") for block in body.replace("\r\n", "\n").split("\n\n")]
    return [block.split("\n") for block in blocks if block.strip()]


def letter_html(*, rendered: RenderedMessage, template: MessageTemplate, today: dt.date) -> str:
    """The letter proof as a standalone A4 HTML document (what the PDF is printed from)."""
    return render_to_string(
        "templates_app/letter_proof.jinja",
        {
            "organisation": template.organisation.name,
            "template_name": template.name,
            "address": SAMPLE_ADDRESS,
            "date": f"{today.day} {today:%B %Y}",
            "paragraphs": paragraphs(rendered.body),
            "language": rendered.language,
            "proof_label": f"Proof: {channel_label(rendered.channel)}, {language_label(rendered.language)}",
        },
    )


def letter_pdf(*, rendered: RenderedMessage, template: MessageTemplate, today: dt.date) -> bytes:
    """The letter proof as A4 PDF bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only the PDF needs

    pdf = HTML(string=letter_html(rendered=rendered, template=template, today=today)).write_pdf()
    return bytes(pdf or b"")  # write_pdf() without a target returns the bytes

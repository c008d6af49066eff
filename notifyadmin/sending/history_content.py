"""What a message said, rebuilt from its stored version and personalisation for the service
desk. Rule: once the personalisation is purged the content is not rebuilt (placeholders would
mislead); the page says the details were removed and when."""

from __future__ import annotations

from dataclasses import dataclass

from notifyadmin.core.channels import channel_label
from notifyadmin.core.errors import DomainError
from notifyadmin.sending.models import Message
from templates_app.rendering import version_render


@dataclass(frozen=True)
class MessageContent:
    channel_label: str
    subject: str
    body: str
    note: str


def message_content(message: Message) -> MessageContent:
    """The message as rendered for the first channel of its plan, or why it cannot be shown."""
    channels = list(message.planned_channels or message.channels)
    if not channels:
        return MessageContent("", "", "", "This message has no channel to show its content for.")
    channel = channels[0]
    label = channel_label(channel)
    if message.personalisation_purged_at is not None:
        return MessageContent(
            label,
            "",
            "",
            "The personal details in this message were removed on "
            f"{message.personalisation_purged_at:%-d %B %Y} after the retention period, "
            "so its content can no longer be shown.",
        )
    try:
        rendered = version_render(
            version=message.template_version,
            channel=channel,
            language=message.language or "en",
            values=message.personalisation or {},
        )
    except DomainError as error:
        return MessageContent(label, "", "", f"The content cannot be shown: {error}")
    return MessageContent(label, rendered.subject, rendered.body, rendered.fallback_note)

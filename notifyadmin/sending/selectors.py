"""Reads of the send pipeline: a patient's message history for the service desk, and a member
of staff's own tests to themselves.

Every message to the patient, newest first, with its template and version, the channels
tried, its status timeline (one query for the whole page) and, for anything not sent, why.
Reading it is audited by the page, as every view of patient data is.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.channels import channel_label
from notifyadmin.core.errors import NotFound
from notifyadmin.sending.models import Message, MessageEvent, MessageSource
from notifyadmin.sending.status import DeferReason, MessageStatus, NotSentReason
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus

PAGE_SIZE = 20
REASON_LABELS: dict[str, str] = {**dict(NotSentReason.choices), **dict(DeferReason.choices)}


@dataclass(frozen=True)
class HistoryFilter:
    status: str = ""
    template_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass
class MessageView:
    message: Message
    events: list[MessageEvent] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return MessageStatus(self.message.status).label

    @property
    def reason_label(self) -> str:
        code = self.message.status_reason
        return REASON_LABELS.get(code, code)

    @property
    def version_number(self) -> str:
        return self.message.template_version.number

    @property
    def timeline_lines(self) -> list[tuple[MessageEvent, str]]:
        """Each event with its plain-words description, oldest first."""
        return [(event, event_description(event)) for event in self.events]

    @property
    def channels_tried(self) -> list[str]:
        planned = self.message.planned_channels or self.message.channels
        return [channel_label(channel) for channel in planned]


def _until_words(detail: str) -> str:
    """'until 2026-12-01T08:00:00+00:00' (as the pipeline records it) in UK time and words."""
    if detail.startswith("until "):
        try:
            when = dt.datetime.fromisoformat(detail.removeprefix("until "))
        except ValueError:
            return detail
        local = timezone.localtime(when, zoneinfo.ZoneInfo("Europe/London"))
        return f"until {local.day} {local:%B %Y} at {local:%H:%M}"
    return detail


def event_description(event: MessageEvent) -> str:
    """One line of a message's status timeline in words the service desk can read out."""
    reason = REASON_LABELS.get(event.reason, event.reason)
    if event.channel:
        words = f"{channel_label(event.channel)}: {(event.channel_status or event.status).replace('_', ' ')}"
        why = event.detail or event.supplier_status
        return f"{words} ({why})" if why else words
    status = MessageStatus(event.status)
    if status == MessageStatus.DEFERRED:
        words = f"Deferred: {reason}" if reason else "Deferred"
        return f"{words} ({_until_words(event.detail)})" if event.detail else words
    if status == MessageStatus.NOT_SENT:
        words = f"Not sent: {reason}" if reason else "Not sent"
        return f"{words} ({event.detail})" if event.detail else words
    if status == MessageStatus.FAILED and (reason or event.detail):
        return f"Failed: {event.detail or reason}"
    return str(status.label)


def _messages_of(patient: Any, filters: HistoryFilter) -> QuerySet[Message]:
    rows = Message.objects.filter(patient=patient).select_related("template", "template_version", "authorised_by")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.template_id:
        rows = rows.filter(template__id=filters.template_id)
    if filters.since:
        rows = rows.filter(created_at__date__gte=filters.since)
    if filters.until:
        rows = rows.filter(created_at__date__lte=filters.until)
    return rows.order_by("-created_at", "-id")


def message_history(*, actor: Actor, patient: Any, filters: HistoryFilter, page: int = 1) -> Page:
    """One page of the patient's messages, each with its timeline, in a fixed number of queries."""
    actor.require(Permission.PATIENT_VIEW)
    actor.require_organisation(patient)
    paginator = Paginator(_messages_of(patient, filters), PAGE_SIZE)
    current = paginator.get_page(page)
    current.object_list = _with_timelines(list(current.object_list))  # type: ignore[assignment]
    return current


def _with_timelines(messages: list[Message]) -> list[MessageView]:
    """Each message with its events, oldest first, in one query."""
    events: dict[Any, list[MessageEvent]] = defaultdict(list)
    for event in MessageEvent.objects.filter(message_id__in=[m.id for m in messages]).order_by("occurred_at", "id"):
        events[event.message_id].append(event)
    return [MessageView(message, events[message.id]) for message in messages]


SELF_TESTS_SHOWN = 20


def self_tests_recent(*, actor: Actor, limit: int = SELF_TESTS_SHOWN) -> list[MessageView]:
    """The actor's own most recent tests to themselves in their organisation, newest first,
    each with its timeline (tests are never a patient's: see self_tests.py)."""
    actor.require(Permission.MESSAGE_SEND_TEST)
    rows = (
        Message.objects.filter(
            organisation=actor.acting_organisation, source=MessageSource.TEST, authorised_by=actor.user
        )
        .select_related("template", "template_version")
        .order_by("-created_at", "-id")[:limit]
    )
    return _with_timelines(list(rows))


def message_history_all(*, actor: Actor, patient: Any) -> list[MessageView]:
    """Every message, for a subject access request export."""
    actor.require(Permission.PATIENT_VIEW)
    actor.require_organisation(patient)
    messages = list(_messages_of(patient, HistoryFilter()))
    events: dict[Any, list[MessageEvent]] = defaultdict(list)
    for event in MessageEvent.objects.filter(message__patient=patient).order_by("occurred_at", "id"):
        events[event.message_id].append(event)
    return [MessageView(message, events[message.id]) for message in messages]


def template_choices(*, actor: Actor, published_only: bool = False) -> list[tuple[str, str]]:
    """(id, name) of the organisation's templates, by name: for the history filter, or (with
    `published_only`) the templates that can be sent now."""
    rows = MessageTemplate.objects.filter(organisation=actor.acting_organisation)
    if published_only:
        rows = rows.filter(published_version__isnull=False, published_version__status=VersionStatus.PUBLISHED)
    return [(str(pk), name) for pk, name in rows.order_by("name").values_list("id", "name")]


def published_template_get(*, actor: Actor, template_id: str) -> MessageTemplate | None:
    """The organisation's template with a published version, or None (not found, another
    organisation's, or nothing published)."""
    try:
        uuid.UUID(template_id)
    except ValueError:
        return None
    return (
        MessageTemplate.objects.select_related("published_version")
        .filter(
            organisation=actor.acting_organisation,
            id=template_id,
            published_version__isnull=False,
            published_version__status=VersionStatus.PUBLISHED,
        )
        .first()
    )


def version_to_test(*, actor: Actor, version_id: Any) -> TemplateVersion:
    """A version (any state) of the actor's organisation, to send a test of; NotFound for any
    other id, another organisation's or a malformed one."""
    actor.require(Permission.MESSAGE_SEND_TEST)
    try:
        key = version_id if isinstance(version_id, uuid.UUID) else uuid.UUID(str(version_id))
    except ValueError as error:
        raise NotFound("Not found in your organisation.") from error
    version = (
        TemplateVersion.objects.select_related("template")
        .filter(pk=key, organisation=actor.acting_organisation)
        .first()
    )
    if version is None:
        raise NotFound("Not found in your organisation.")
    return version

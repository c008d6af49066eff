"""Reads about templates: lists and histories (paginated in the database), one template or
version of the actor's organisation (else NotFound), and the work queues with waiting times.

Work queues hold exactly what `templates_app.workflow.available_actions` allows the actor,
narrowed first in SQL and then checked against the table, with the reviews the four-eyes
guards read prefetched, so a queue costs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, IntegerField, QuerySet, Value
from django.utils import timezone

from notifyadmin.accounts.models import Organisation, StaffUser
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import NotFound
from templates_app import workflow
from templates_app.models import (
    TEMPLATE_PUBLISHED,
    TEMPLATE_RETIRED,
    MessageTemplate,
    ReviewDecision,
    TemplateVersion,
    VersionStatus,
)

TEMPLATES_PER_PAGE = 25
VERSIONS_PER_PAGE = 20
HISTORY_PER_PAGE = 50


def templates_of(*, organisation: Organisation) -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.filter(organisation=organisation).select_related("published_version", "owner")


def published_templates_of(*, organisation: Organisation) -> QuerySet[MessageTemplate]:
    return (
        templates_of(organisation=organisation)
        .filter(published_version__isnull=False)
        .prefetch_related("published_version__contents")
    )


def page_of(queryset: Any, *, page: Any, per_page: int) -> Page:  # type: ignore[type-arg]
    """One page of a queryset, counted and sliced in the database; a page number out of range
    or not a number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(page)


def _uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as error:
        raise NotFound("Not found in your organisation.") from error


def template_get(*, actor: Actor, template_id: Any) -> MessageTemplate:
    """A template of the actor's organisation; NotFound for any other id, malformed ones too."""
    template = (
        MessageTemplate.objects.select_related("published_version", "owner")
        .filter(pk=_uuid(template_id), organisation=actor.organisation)
        .first()
    )
    if template is None:
        raise NotFound("Not found in your organisation.")
    return template


def version_get(*, actor: Actor, template_id: Any, version_id: Any) -> TemplateVersion:
    """A version of that template in the actor's organisation; NotFound otherwise."""
    version = (
        TemplateVersion.objects.select_related("template", "author", "based_on")
        .prefetch_related("reviews__reviewer")
        .filter(
            pk=_uuid(version_id),
            template_id=_uuid(template_id),
            organisation=actor.organisation,
        )
        .first()
    )
    if version is None:
        raise NotFound("Not found in your organisation.")
    return version


def versions_of(*, template: MessageTemplate) -> QuerySet[TemplateVersion]:
    """Newest first, with what a version list shows."""
    return template.versions.select_related("author", "based_on").order_by("-created_at")


def versions_in_organisation(*, organisation: Organisation) -> QuerySet[TemplateVersion]:
    return TemplateVersion.objects.filter(organisation=organisation).select_related("template", "author", "based_on")


def template_history(*, template: MessageTemplate) -> QuerySet[Any]:
    """Change history of the template and its versions (django-simple-history), newest first,
    as one database query (a UNION) that a Paginator can count and slice. Each side drops the
    history models' default ordering: SQLite refuses ORDER BY inside a compound statement. Rows are dicts of
    when, who_id, kind ("template"/"version"), change ("+", "~", "-"), major, minor, status;
    `history_rows` turns a page of them into what the page shows."""

    def columns(queryset: QuerySet[Any], *, kind: str, versioned: bool) -> QuerySet[Any]:
        return (
            queryset.annotate(
                when=F("history_date"),
                who_id=F("history_user_id"),
                kind=Value(kind, output_field=CharField()),
                change=F("history_type"),
                number_major=F("major") if versioned else Value(None, output_field=IntegerField()),
                number_minor=F("minor") if versioned else Value(None, output_field=IntegerField()),
                state=F("status") if versioned else Value("", output_field=CharField()),
                why=F("history_change_reason"),
            )
            .values("when", "who_id", "kind", "change", "number_major", "number_minor", "state", "why")
            .order_by()
        )

    template_rows = columns(MessageTemplate.history.filter(id=template.id), kind="template", versioned=False)
    version_rows = columns(TemplateVersion.history.filter(template_id=template.id), kind="version", versioned=True)
    return template_rows.union(version_rows, all=True).order_by("-when")


# What a person did to a version, by the status their change left it in.
_VERSION_VERBS = {
    VersionStatus.DRAFT: "saved the draft of version {number}",
    VersionStatus.SUBMITTED: "submitted version {number} for content review",
    VersionStatus.WITHDRAWN: "withdrew version {number} from review",
    VersionStatus.CHANGES_REQUESTED: "requested changes to version {number}",
    VersionStatus.CONTENT_APPROVED: "approved the content of version {number}",
    VersionStatus.SIGNED_OFF: "signed off version {number}",
    VersionStatus.PUBLISHED: "published version {number}",
    VersionStatus.SUPERSEDED: "published a newer version, so version {number} was superseded",
    VersionStatus.RETIRED: "retired version {number}",
}


def _history_sentence(row: dict[str, Any], who: str) -> str:
    if row["kind"] == "template":
        verbs = {
            "+": "created the template",
            "-": "deleted the template",
            TEMPLATE_PUBLISHED: "made the template send with the version just published",
            TEMPLATE_RETIRED: "stopped the template sending until another version is published",
        }
        verb = verbs.get(row["change"]) or verbs.get(row.get("why") or "", "changed the template's settings")
        return f"{who} {verb}"
    number = f"{row['number_major']}.{row['number_minor']}" if row["number_major"] is not None else "(draft)"
    if row["change"] == "+":
        return f"{who} started a new draft"
    if row["change"] == "-":
        return f"{who} deleted version {number}"
    verb = _VERSION_VERBS.get(row["state"], "changed version {number}")
    if row["state"] == VersionStatus.DRAFT and row["number_major"] is None:
        verb = "saved the draft"
    return f"{who} {verb.format(number=number)}"


def history_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of `template_history` as sentences ("Helen Marsh signed off version 1.2"), the
    people read in one query."""
    rows = list(rows)
    people = StaffUser.objects.in_bulk({row["who_id"] for row in rows if row["who_id"]})
    shown = []
    for row in rows:
        person = people.get(row["who_id"])
        who = person.display_name if person else "The system"
        shown.append({"when": row["when"], "who": person, "sentence": _history_sentence(row, who)})
    return shown


# --- Work queues --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    version: TemplateVersion
    waiting_since: dt.datetime
    # For an author's own versions: whom or what the version waits for.
    waiting_for: str = ""

    @property
    def waiting(self) -> dt.timedelta:
        return timezone.now() - self.waiting_since


def waited_text(delta: dt.timedelta) -> str:
    """ "3 days", "5 hours", "12 minutes", "less than a minute"."""
    for unit, seconds in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count = int(delta.total_seconds() // seconds)
        if count >= 1:
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "less than a minute"


def _versions(actor: Actor) -> QuerySet[TemplateVersion]:
    return versions_in_organisation(organisation=actor.acting_organisation).prefetch_related("reviews")


def _queue(versions: QuerySet[TemplateVersion], since: str, *, actor: Actor, action: str) -> list[QueueItem]:
    """Oldest first; only versions on which `actor` may take `action` now (the workflow table)."""
    return [
        QueueItem(version, getattr(version, since) or version.updated_at)
        for version in versions.order_by(since)
        if action in workflow.available_actions(version, actor)
    ]


def queue_my_drafts(*, actor: Actor) -> list[QueueItem]:
    """The actor's own drafts, except those answering a request for changes."""
    drafts = (
        _versions(actor)
        .filter(status=VersionStatus.DRAFT, author_id=actor.user_id)
        .exclude(based_on__status=VersionStatus.CHANGES_REQUESTED)
    )
    return _queue(drafts, "created_at", actor=actor, action=workflow.EDIT)


def queue_changes_requested(*, actor: Actor) -> list[QueueItem]:
    """The actor's drafts that answer a reviewer's request for changes, with who asked."""
    drafts = (
        _versions(actor)
        .filter(status=VersionStatus.DRAFT, author_id=actor.user_id, based_on__status=VersionStatus.CHANGES_REQUESTED)
        .prefetch_related("based_on__reviews__reviewer")
    )
    items = []
    for item in _queue(drafts, "created_at", actor=actor, action=workflow.EDIT):
        based_on = item.version.based_on
        reviews = based_on.reviews.all() if based_on is not None else []
        requests = [r for r in reviews if r.decision == ReviewDecision.CHANGES_REQUESTED]
        asked_by = max(requests, key=lambda r: r.created_at).reviewer.display_name if requests else "a reviewer"
        items.append(QueueItem(item.version, item.waiting_since, waiting_for=f"changes requested by {asked_by}"))
    return items


# What an author's version waits for, by state. A signed-off version waits on no one else:
# its author may publish it (see queue_ready_to_publish).
WAITING_FOR = {
    VersionStatus.SUBMITTED: "content review by another content designer",
    VersionStatus.CONTENT_APPROVED: "clinical sign-off by a clinical safety officer",
}
_WAITING_SINCE = {
    VersionStatus.SUBMITTED: "submitted_at",
    VersionStatus.CONTENT_APPROVED: "content_approved_at",
}


def queue_waiting_on_others(*, actor: Actor) -> list[QueueItem]:
    """The actor's own versions in review, longest waiting first."""
    versions = _versions(actor).filter(author_id=actor.user_id, status__in=list(WAITING_FOR))
    items = [
        QueueItem(
            version,
            getattr(version, _WAITING_SINCE[VersionStatus(version.status)]) or version.updated_at,
            waiting_for=WAITING_FOR[VersionStatus(version.status)],
        )
        for version in versions
    ]
    return sorted(items, key=lambda item: item.waiting_since)


def queue_awaiting_content_review(*, actor: Actor) -> list[QueueItem]:
    """Submitted versions the actor may review: someone else wrote them."""
    versions = _versions(actor).filter(status=VersionStatus.SUBMITTED).exclude(author_id=actor.user_id)
    return _queue(versions, "submitted_at", actor=actor, action=workflow.APPROVE_CONTENT)


def queue_awaiting_signoff(*, actor: Actor) -> list[QueueItem]:
    """Content-approved versions the actor may sign off: they neither wrote nor approved them."""
    versions = _versions(actor).filter(status=VersionStatus.CONTENT_APPROVED).exclude(author_id=actor.user_id)
    return _queue(versions, "content_approved_at", actor=actor, action=workflow.SIGN_OFF)


def queue_ready_to_publish(*, actor: Actor) -> list[QueueItem]:
    versions = _versions(actor).filter(status=VersionStatus.SIGNED_OFF)
    return _queue(versions, "signed_off_at", actor=actor, action=workflow.PUBLISH)

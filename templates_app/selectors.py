"""Reads about templates: lists per organisation, versions, work queues with waiting times."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from notifyadmin.accounts.models import Organisation, StaffUser
from templates_app.models import MessageTemplate, ReviewDecision, ReviewStage, TemplateVersion, VersionStatus


def templates_of(*, organisation: Organisation) -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.filter(organisation=organisation).select_related("published_version", "owner")


def published_templates_of(*, organisation: Organisation) -> QuerySet[MessageTemplate]:
    return (
        templates_of(organisation=organisation)
        .filter(published_version__isnull=False)
        .prefetch_related("published_version__contents")
    )


def versions_of(*, template: MessageTemplate) -> QuerySet[TemplateVersion]:
    return template.versions.select_related("author").order_by("-created_at")


def versions_in_organisation(*, organisation: Organisation) -> QuerySet[TemplateVersion]:
    return TemplateVersion.objects.filter(organisation=organisation).select_related("template", "author")


@dataclass(frozen=True)
class QueueItem:
    version: TemplateVersion
    waiting_since: dt.datetime

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


def _queue(versions: QuerySet[TemplateVersion], since: str) -> list[QueueItem]:
    return [QueueItem(v, getattr(v, since) or v.updated_at) for v in versions.order_by(since)]


def queue_my_drafts(*, organisation: Organisation, user: StaffUser) -> list[QueueItem]:
    drafts = versions_in_organisation(organisation=organisation).filter(status=VersionStatus.DRAFT, author=user)
    return _queue(drafts, "created_at")


def queue_awaiting_content_review(*, organisation: Organisation, user: StaffUser) -> list[QueueItem]:
    """Submitted versions someone else wrote."""
    versions = versions_in_organisation(organisation=organisation).filter(status=VersionStatus.SUBMITTED)
    return _queue(versions.exclude(author=user), "submitted_at")


def queue_awaiting_signoff(*, organisation: Organisation, user: StaffUser) -> list[QueueItem]:
    """Content-approved versions this person neither wrote nor approved."""
    versions = (
        versions_in_organisation(organisation=organisation)
        .filter(status=VersionStatus.CONTENT_APPROVED)
        .exclude(author=user)
        .exclude(reviews__stage=ReviewStage.CONTENT, reviews__decision=ReviewDecision.APPROVED, reviews__reviewer=user)
    )
    return _queue(versions, "content_approved_at")


def queue_ready_to_publish(*, organisation: Organisation) -> list[QueueItem]:
    versions = versions_in_organisation(organisation=organisation).filter(status=VersionStatus.SIGNED_OFF)
    return _queue(versions, "signed_off_at")


def template_history(*, template: MessageTemplate) -> list[dict[str, object]]:
    """Change history of the template and its versions (django-simple-history), newest first."""
    rows: list[dict[str, object]] = []
    for record in template.history.select_related("history_user").all():
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": f"Template {record.get_history_type_display().lower()}",
                "detail": "",
            }
        )
    for record in TemplateVersion.history.filter(template_id=template.id).select_related("history_user"):
        number = f"{record.major}.{record.minor}" if record.major is not None else "draft"
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": f"Version {number} {record.get_history_type_display().lower()}",
                "detail": VersionStatus(record.status).label,
            }
        )
    rows.sort(key=lambda row: row["when"], reverse=True)  # type: ignore[arg-type, return-value]
    return rows

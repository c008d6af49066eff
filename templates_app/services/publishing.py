"""Publishing and retiring: what a template sends with changes only when someone says so."""

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus
from templates_app.services._guards import (
    lock,
    require_permission,
    require_same_organisation,
    require_status,
)


def version_publish(*, actor: Actor, version: TemplateVersion) -> TemplateVersion:
    """Bind a signed-off version to its template; the version published before is superseded."""
    require_permission(actor, Permission.TEMPLATE_PUBLISH)
    require_same_organisation(actor, version)
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().get(pk=version.template_id)
        current = lock(version)
        require_status(current, {VersionStatus.SIGNED_OFF}, "publish")
        previous = template.published_version
        if previous is not None:
            previous = lock(previous)
            previous.status = VersionStatus.SUPERSEDED
            previous.save(update_fields=["status", "updated_at"])
        current.status = VersionStatus.PUBLISHED
        current.published_at = timezone.now()
        current.save(update_fields=["status", "published_at", "updated_at"])
        template.published_version = current
        template.save(update_fields=["published_version", "updated_at"])
        audit_record(
            actor=actor,
            action="template.version.published",
            target_type="template_version",
            target_id=str(current.id),
            details={
                "template_id": str(template.id),
                "number": current.number,
                "content_hash": str(current.content_hash),
                "superseded_id": str(previous.id) if previous else None,
            },
        )
    return current


def version_retire(*, actor: Actor, version: TemplateVersion, reason: str = "") -> TemplateVersion:
    """Stop sending with the published version; the template then has none published."""
    require_permission(actor, Permission.TEMPLATE_PUBLISH)
    require_same_organisation(actor, version)
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().get(pk=version.template_id)
        current = lock(version)
        require_status(current, {VersionStatus.PUBLISHED}, "retire")
        current.status = VersionStatus.RETIRED
        current.save(update_fields=["status", "updated_at"])
        template.published_version = None
        template.save(update_fields=["published_version", "updated_at"])
        audit_record(
            actor=actor,
            action="template.version.retired",
            target_type="template_version",
            target_id=str(current.id),
            reason=reason,
            details={"template_id": str(template.id), "number": current.number},
        )
    return current

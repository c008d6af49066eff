"""Publishing and retiring: what a template sends with changes only when someone says so.

Publishing binds a signed-off version to its template and supersedes the version published
before (the table's `supersede`, checked on that row too); retiring leaves the template with
nothing published. Both lock the template first, then the version, so they serialise with
each other and with drafting.
"""

from django.db import transaction

from audit.services import audit_record
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import NotFound, PermissionRefused
from notifyadmin.core.history import attributed
from templates_app import workflow
from templates_app.models import TEMPLATE_PUBLISHED, TEMPLATE_RETIRED, MessageTemplate, TemplateVersion
from templates_app.services._transitions import advance, lock_and_check


def _lock_template(name: str, version: TemplateVersion, actor: Actor) -> MessageTemplate:
    # Refuse someone without the permission, or another organisation's version, before
    # locking anything; the state and guards are checked on the version read under its lock.
    refusal = workflow.VERSION_WORKFLOW.refusal(name, version, actor)
    if refusal is not None and refusal.error in (PermissionRefused, NotFound):
        raise refusal.error(refusal.reason)
    return MessageTemplate.objects.select_for_update().get(pk=version.template_id)


def version_publish(*, actor: Actor, version: TemplateVersion, reason: str = "") -> TemplateVersion:
    """Bind a signed-off version to its template; the version published before is superseded.
    The publisher's `reason` is recorded on the published event and on the superseded one."""
    with transaction.atomic():
        template = _lock_template(workflow.PUBLISH, version, actor)
        current = lock_and_check(workflow.PUBLISH, version=version, actor=actor)
        previous = template.published_version
        if previous is not None:
            previous = lock_and_check(workflow.SUPERSEDE, version=previous, actor=actor)
            previous.status = workflow.VERSION_WORKFLOW[workflow.SUPERSEDE].target
            attributed(previous, actor).save(update_fields=["status", "updated_at"])
            audit_record(
                actor=actor,
                action="template.version.superseded",
                target_type="template_version",
                target_id=str(previous.id),
                reason=reason,
                details={"template_id": str(template.id), "number": previous.number, "replaced_by": str(current.id)},
            )
        advance(
            current,
            workflow.PUBLISH,
            actor=actor,
            audit_action="template.version.published",
            stamp="published_at",
            reason=reason,
            details={
                "content_hash": str(current.content_hash),
                "superseded_id": str(previous.id) if previous else None,
            },
        )
        template.published_version = current
        template._change_reason = TEMPLATE_PUBLISHED  # type: ignore[attr-defined]
        attributed(template, actor).save(update_fields=["published_version", "updated_at"])
    return current


def version_retire(*, actor: Actor, version: TemplateVersion, reason: str = "") -> TemplateVersion:
    """Stop sending with the published version; the template then has none published."""
    with transaction.atomic():
        template = _lock_template(workflow.RETIRE, version, actor)
        current = lock_and_check(workflow.RETIRE, version=version, actor=actor)
        advance(current, workflow.RETIRE, actor=actor, audit_action="template.version.retired", reason=reason)
        template.published_version = None
        template._change_reason = TEMPLATE_RETIRED  # type: ignore[attr-defined]
        attributed(template, actor).save(update_fields=["published_version", "updated_at"])
    return current

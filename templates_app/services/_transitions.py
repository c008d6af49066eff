"""The two steps every version transition shares: lock and check against the workflow table,
then move to the table's target state and audit, inside the caller's transaction. `attributed`
(from the kernel) names the actor in the history row a save writes."""

from typing import Any

from django.utils import timezone

from audit.services import audit_record
from notifyadmin.core.actor import Actor
from notifyadmin.core.history import attributed
from templates_app.models import TemplateVersion
from templates_app.workflow import VERSION_WORKFLOW


def lock_and_check(name: str, *, version: TemplateVersion, actor: Actor) -> TemplateVersion:
    """Re-read the version under a row lock (so concurrent transitions serialise), then check
    the transition on that row: permission, organisation, state and four-eyes guards."""
    current = TemplateVersion.objects.select_for_update().select_related("template").get(pk=version.pk)
    VERSION_WORKFLOW.check(name, current, actor)
    return current


def advance(
    current: TemplateVersion,
    name: str,
    *,
    actor: Actor,
    audit_action: str,
    stamp: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> TemplateVersion:
    """Move a locked, checked version to the transition's target state (stamping `stamp` with
    the time) and write its audit event, in the caller's transaction."""
    current.status = VERSION_WORKFLOW[name].target
    fields = ["status", "updated_at"]
    if stamp:
        setattr(current, stamp, timezone.now())
        fields.append(stamp)
    attributed(current, actor).save(update_fields=fields)
    audit_record(
        actor=actor,
        action=audit_action,
        target_type="template_version",
        target_id=str(current.id),
        reason=reason,
        details={"template_id": str(current.template_id), "number": current.number, **(details or {})},
    )
    return current

"""Checks shared by every transition: the actor's role, organisation and the version's state."""

from notifyadmin.accounts.roles import Permission, role_can
from notifyadmin.core.actor import Actor
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus
from templates_app.services.errors import TransitionRefused


def require_permission(actor: Actor, permission: Permission) -> None:
    if actor.user is None or not role_can(actor.role or None, permission):
        raise TransitionRefused(f"Your current role cannot do this ({permission}).")


def require_same_organisation(actor: Actor, obj: MessageTemplate | TemplateVersion) -> None:
    if actor.organisation is None or obj.organisation_id != actor.organisation.id:
        raise TransitionRefused("This template belongs to another organisation.")


def require_status(version: TemplateVersion, allowed: set[VersionStatus], action: str) -> None:
    if version.status not in allowed:
        label = VersionStatus(version.status).label.lower()
        raise TransitionRefused(f"You cannot {action} a version that is {label}.")


def lock(version: TemplateVersion) -> TemplateVersion:
    """Re-read the version under a row lock, so concurrent transitions serialise."""
    return TemplateVersion.objects.select_for_update().select_related("template").get(pk=version.pk)

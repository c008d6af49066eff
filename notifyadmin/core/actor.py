"""Who is acting: one typed value, built once per request or task and passed to every service.

An `Actor` is a member of staff working in one role at one organisation (with their CIS2
session ids), a client system calling the API for its organisation, or the system itself (a
scheduled task, named). Services ask the actor, not the request: `actor.require(permission)`
and `actor.require_organisation(obj)`, so a Celery task meets the same rules as a page.
The audit trail and preference history record exactly this value.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from notifyadmin.accounts.roles import PERMISSIONS, Permission, Role, client_permissions
from notifyadmin.core.correlation import get_correlation_id
from notifyadmin.core.errors import NotFound, PermissionRefused

if TYPE_CHECKING:
    from notifyadmin.accounts.models import Organisation, StaffUser


class ActorKind(StrEnum):
    STAFF = "staff"
    CLIENT_SYSTEM = "client_system"
    SYSTEM = "system"
    # Someone not signed in (a refused sign-in, say): recorded, never permitted anything.
    ANONYMOUS = "anonymous"


class ClientSystem(Protocol):
    """What the kernel needs of an API client (integrations.ApiClient provides it)."""

    id: Any
    client_id: str
    name: str

    @property
    def granted_permissions(self) -> frozenset[Permission]: ...


@dataclass(frozen=True, kw_only=True)
class Actor:
    kind: ActorKind
    organisation: Organisation | None
    user: StaffUser | None = None
    role: str = ""
    client: Any = None
    system_name: str = ""
    # Client systems and system tasks hold the permissions granted to them explicitly.
    granted: frozenset[Permission] = field(default_factory=frozenset)
    sign_in_session_id: str = ""
    cis2_uid: str = ""
    cis2_role_id: str = ""
    correlation_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""

    # --- Construction -------------------------------------------------------------------

    @classmethod
    def staff(
        cls,
        *,
        user: StaffUser,
        role: str,
        organisation: Organisation | None,
        sign_in_session_id: str = "",
        cis2_role_id: str = "",
        correlation_id: str = "",
        ip_address: str | None = None,
        user_agent: str = "",
    ) -> Actor:
        return cls(
            kind=ActorKind.STAFF,
            user=user,
            role=role or "",
            organisation=organisation,
            sign_in_session_id=sign_in_session_id,
            cis2_uid=getattr(user, "cis2_uid", "") or "",
            cis2_role_id=cis2_role_id,
            correlation_id=correlation_id or get_correlation_id(),
            ip_address=ip_address,
            user_agent=user_agent[:500],
        )

    @classmethod
    def client_system(
        cls,
        *,
        client: ClientSystem,
        organisation: Organisation,
        correlation_id: str = "",
        ip_address: str | None = None,
    ) -> Actor:
        return cls(
            kind=ActorKind.CLIENT_SYSTEM,
            client=client,
            system_name=client.client_id,
            organisation=organisation,
            granted=client_permissions(frozenset(client.granted_permissions)),
            correlation_id=correlation_id or get_correlation_id(),
            ip_address=ip_address,
        )

    @classmethod
    def system(
        cls, *, name: str, organisation: Organisation | None = None, permissions: frozenset[Permission] = frozenset()
    ) -> Actor:
        """The system itself, named for the task or command acting (for example
        "sending.dispatch"). It holds only the permissions it is given here."""
        return cls(
            kind=ActorKind.SYSTEM,
            system_name=name,
            organisation=organisation,
            granted=frozenset(permissions),
            correlation_id=get_correlation_id(),
        )

    @classmethod
    def anonymous(
        cls,
        *,
        organisation: Organisation | None = None,
        correlation_id: str = "",
        ip_address: str | None = None,
        user_agent: str = "",
    ) -> Actor:
        return cls(
            kind=ActorKind.ANONYMOUS,
            organisation=organisation,
            correlation_id=correlation_id or get_correlation_id(),
            ip_address=ip_address,
            user_agent=user_agent[:500],
        )

    def for_organisation(self, organisation: Organisation) -> Actor:
        """The same system actor acting for one organisation (a task looping over them)."""
        if self.kind == ActorKind.STAFF:
            raise PermissionRefused("Staff act only in the organisation of the role they are working in.")
        return replace(self, organisation=organisation)

    # --- Reading ------------------------------------------------------------------------

    @property
    def is_staff(self) -> bool:
        return self.kind == ActorKind.STAFF

    @property
    def staff_user(self) -> StaffUser:
        """The member of staff acting; refuses when a system is acting instead."""
        if self.user is None:
            raise PermissionRefused("Only a member of staff can do this.")
        return self.user

    @property
    def acting_organisation(self) -> Organisation:
        """The organisation acted for; refuses an actor that has none."""
        if self.organisation is None:
            raise PermissionRefused("You need a role in an organisation to do this.")
        return self.organisation

    @property
    def user_id(self) -> Any:
        return self.user.pk if self.user is not None else None

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.display_name
        if self.client is not None:
            return self.client.name
        return self.system_name

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else ""

    def can(self, permission: Permission) -> bool:
        """True when this actor holds `permission` (a staff member through the role in use)."""
        if self.kind == ActorKind.STAFF:
            return self.user is not None and self.role in PERMISSIONS[permission]
        if self.kind == ActorKind.ANONYMOUS:
            return False
        return permission in self.granted

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionRefused(permission_refusal(self))

    def require_organisation(self, obj: Any) -> None:
        """Refuse an object of another organisation as if it did not exist."""
        organisation_id = getattr(obj, "organisation_id", None)
        if self.organisation is None or organisation_id != self.organisation.pk:
            raise NotFound("Not found in your organisation.")

    def is_user(self, user_id: Any) -> bool:
        return self.user is not None and user_id is not None and self.user.pk == user_id

    # --- Carrying an actor into a task ---------------------------------------------------

    def to_payload(self) -> dict[str, Any]:
        """Plain values a Celery task takes to rebuild this actor (see `actor_from_payload`)."""
        return {
            "kind": self.kind.value,
            "user_id": str(self.user.pk) if self.user is not None else None,
            "role": self.role,
            "organisation_id": str(self.organisation.pk) if self.organisation is not None else None,
            "client_id": str(self.client.id) if self.client is not None else None,
            "system_name": self.system_name,
            "granted": sorted(self.granted),
            "sign_in_session_id": self.sign_in_session_id,
            "cis2_role_id": self.cis2_role_id,
            "correlation_id": self.correlation_id,
        }


def permission_refusal(actor: Actor) -> str:
    """The words for "you may not", by kind of actor."""
    if actor.kind == ActorKind.STAFF:
        if actor.role_label:
            return f"Your current role ({actor.role_label}) cannot do this."
        return "You need a role in an organisation to do this."
    return "This client system has not been given permission to do this."


def actor_from_payload(payload: dict[str, Any]) -> Actor:
    """Rebuild an actor in a task. A staff member whose role was removed meanwhile is refused."""
    from notifyadmin.accounts.models import Organisation, RoleAssignment

    kind = ActorKind(payload["kind"])
    organisation = (
        Organisation.objects.filter(pk=payload["organisation_id"]).first() if payload.get("organisation_id") else None
    )
    if kind == ActorKind.STAFF:
        assignment = (
            RoleAssignment.objects.select_related("user", "organisation")
            .filter(user_id=payload["user_id"], organisation=organisation, role=payload["role"])
            .first()
        )
        if assignment is None:
            raise PermissionRefused("That member of staff no longer holds the role this work was authorised in.")
        actor = Actor.staff(
            user=assignment.user,
            role=assignment.role,
            organisation=assignment.organisation,
            sign_in_session_id=payload.get("sign_in_session_id", ""),
            cis2_role_id=payload.get("cis2_role_id", ""),
        )
    else:
        actor = Actor(
            kind=kind,
            organisation=organisation,
            system_name=payload.get("system_name", ""),
            granted=frozenset(Permission(value) for value in payload.get("granted", [])),
        )
        if kind == ActorKind.CLIENT_SYSTEM and payload.get("client_id"):
            from django.apps import apps

            client_model = apps.get_model(_client_model_label())
            actor = replace(actor, client=client_model.objects.filter(pk=payload["client_id"]).first())
    return replace(actor, correlation_id=payload.get("correlation_id") or get_correlation_id())


def _client_model_label() -> str:
    from django.conf import settings

    return getattr(settings, "API_CLIENT_MODEL", "preferences.ApiClient")

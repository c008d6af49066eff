"""Writes about organisations, staff and their sessions. Each is atomic and audited."""

import time
import uuid

from django.contrib.auth import login, logout
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from audit.services import audit_record
from notifyadmin.accounts.actors import actor_of, anonymous_actor
from notifyadmin.accounts.middleware import (
    ACTIVE_ASSIGNMENT_SESSION_KEY,
    LAST_ACTIVITY_SESSION_KEY,
    SIGNED_IN_AT_SESSION_KEY,
)
from notifyadmin.accounts.models import Organisation, RoleAssignment, StaffUser
from notifyadmin.accounts.roles import Role
from notifyadmin.accounts.selectors import role_assignments_of
from notifyadmin.accounts.session_keys import CIS2_ROLE_SESSION_KEY, SIGN_IN_SESSION_KEY
from notifyadmin.core.actor import Actor
from notifyadmin.core.history import attributed


class RoleSwitchError(ValueError):
    pass


def _actor_for(request: HttpRequest, user: StaffUser, assignment: RoleAssignment | None) -> Actor:
    """The person as they are after signing in or switching role (actor_of(request) is from before)."""
    return Actor.staff(
        user=user,
        role=assignment.role if assignment else "",
        organisation=assignment.organisation if assignment else None,
        sign_in_session_id=request.session.get(SIGN_IN_SESSION_KEY, ""),
        cis2_role_id=request.session.get(CIS2_ROLE_SESSION_KEY, ""),
        correlation_id=getattr(request, "correlation_id", ""),
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.headers.get("User-Agent", ""),
    )


def session_sign_in(
    *,
    request: HttpRequest,
    user: StaffUser,
    method: str,
    sign_in_session_id: str = "",
    active_assignment: RoleAssignment | None = None,
    session_values: dict[str, object] | None = None,
) -> None:
    """Start a session for `user` and record it. `sign_in_session_id` is the identity
    provider's session id (CIS2 `sid`) when there is one; local sign-in makes its own.
    `active_assignment` chooses the role worked in (default: the first); `session_values` are
    stored in the new session before the sign-in is audited (CIS2 role id, auth_time...)."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SIGN_IN_SESSION_KEY] = sign_in_session_id or f"local-{uuid.uuid4()}"
    request.session[SIGNED_IN_AT_SESSION_KEY] = request.session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())
    for key, value in (session_values or {}).items():
        request.session[key] = value
    assignments = role_assignments_of(user=user)
    active = active_assignment or (assignments[0] if assignments else None)
    if active:
        request.session[ACTIVE_ASSIGNMENT_SESSION_KEY] = str(active.id)
    with transaction.atomic():
        audit_record(
            actor=_actor_for(request, user, active),
            action="auth.sign_in.succeeded",
            target_type="staff_user",
            target_id=str(user.id),
            details={"method": method},
        )


def sign_in_failure_record(*, request: HttpRequest, username: str | None, method: str) -> None:
    """Record a failed sign-in. The typed username is not stored (it may be anything, even
    someone's personal data); a matching account is named by its id. `username` is None when
    what was typed cannot be a username (too long, control characters): it is not looked up."""
    if username is None:
        with transaction.atomic():
            audit_record(
                actor=anonymous_actor(request, organisation=None),
                action="auth.sign_in.failed",
                details={"method": method, "reason": "invalid_username"},
            )
        return
    user = StaffUser.objects.filter(username=username).first()
    assignments = role_assignments_of(user=user) if user else []
    with transaction.atomic():
        audit_record(
            actor=anonymous_actor(request, organisation=assignments[0].organisation if assignments else None),
            action="auth.sign_in.failed",
            target_type="staff_user" if user else "",
            target_id=str(user.id) if user else "",
            details={"method": method, "known_account": bool(user)},
        )


def lockout_record(*, request: HttpRequest, username: str | None) -> None:
    user = StaffUser.objects.filter(username=username).first() if username is not None else None
    assignments = role_assignments_of(user=user) if user else []
    with transaction.atomic():
        audit_record(
            actor=anonymous_actor(request, organisation=assignments[0].organisation if assignments else None),
            action="auth.sign_in.locked_out",
            target_type="staff_user" if user else "",
            target_id=str(user.id) if user else "",
        )


def session_sign_out(*, request: HttpRequest) -> None:
    if request.user.is_authenticated:
        with transaction.atomic():
            audit_record(
                actor=actor_of(request),
                action="auth.signed_out",
                target_type="staff_user",
                target_id=str(request.user.pk),
            )
    logout(request)


def role_switch(*, request: HttpRequest, assignment_id: str) -> RoleAssignment:
    """Work in another of one's own roles. Someone else's assignment is refused like an unknown one."""
    user = request.user
    assignment = next((a for a in role_assignments_of(user=user) if str(a.id) == assignment_id), None)  # type: ignore[arg-type]
    if assignment is None:
        raise RoleSwitchError("Choose one of your roles")
    with transaction.atomic():
        request.session[ACTIVE_ASSIGNMENT_SESSION_KEY] = str(assignment.id)
        audit_record(
            actor=_actor_for(request, user, assignment),  # type: ignore[arg-type]
            action="auth.role.switched",
            target_type="role_assignment",
            target_id=str(assignment.id),
            details={"role": assignment.role, "ods_code": assignment.organisation.ods_code},
        )
    return assignment


def organisation_ensure(*, ods_code: str, name: str) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(ods_code=ods_code, defaults={"name": name})
    if created:
        with transaction.atomic():
            audit_record(
                actor=Actor.system(name="notifyadmin", organisation=organisation),
                action="organisation.created",
                target_type="organisation",
                target_id=str(organisation.id),
                details={"ods_code": ods_code},
            )
    return organisation


def role_assign(*, user: StaffUser, organisation: Organisation, role: Role, actor: Actor) -> RoleAssignment:
    """Give a member of staff a role (nothing changes if they have it), audited and attributed
    to `actor` in the role's history."""
    with transaction.atomic():
        existing = RoleAssignment.objects.filter(user=user, organisation=organisation, role=role).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                assignment = attributed(RoleAssignment(user=user, organisation=organisation, role=role), actor)
                assignment.save()
        except IntegrityError:  # assigned at the same moment by another request: theirs stands
            return RoleAssignment.objects.get(user=user, organisation=organisation, role=role)
        audit_record(
            actor=actor,
            action="staff.role.assigned",
            target_type="role_assignment",
            target_id=str(assignment.id),
            details={"role": role, "staff_user_id": str(user.id)},
        )
    return assignment


def organisation_create(*, actor: Actor, ods_code: str, name: str, source: str) -> Organisation:
    """Create an organisation on a person's say-so (Django admin), audited as theirs."""
    with transaction.atomic():
        organisation = attributed(Organisation(ods_code=ods_code, name=name), actor)
        organisation.save()
        audit_record(
            actor=actor,
            action="organisation.created",
            target_type="organisation",
            target_id=str(organisation.id),
            details={"ods_code": ods_code, "name": name, "source": source},
        )
    return organisation


def role_remove(*, actor: Actor, assignment: RoleAssignment, source: str) -> None:
    """Take a role away from a member of staff, audited in the same transaction."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="staff.role.removed",
            target_type="role_assignment",
            target_id=str(assignment.id),
            details={"role": assignment.role, "staff_user_id": str(assignment.user_id), "source": source},
        )
        attributed(assignment, actor).delete()

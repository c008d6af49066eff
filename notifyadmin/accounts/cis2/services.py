"""CIS2 sign-in, step-up, logout and role mappings: each write atomic and audited."""

import uuid
from typing import cast

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.module_loading import import_string

from audit.services import audit_record
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.cis2.claims import Cis2Person
from notifyadmin.accounts.cis2.selectors import app_roles_for
from notifyadmin.accounts.cis2.tokens import Cis2Refused
from notifyadmin.accounts.models import (
    Cis2LogoutTokenUse,
    Cis2RoleMapping,
    Cis2Session,
    Organisation,
    RoleAssignment,
    StaffUser,
)
from notifyadmin.accounts.roles import Role
from notifyadmin.accounts.selectors import organisation_get_by_ods
from notifyadmin.accounts.services import organisation_ensure, role_assign, session_sign_in
from notifyadmin.accounts.session_keys import (
    CIS2_ROLE_SESSION_KEY,
    CIS2_STEPUP_PENDING_SESSION_KEY,
    SIGN_IN_SESSION_KEY,
)
from notifyadmin.core.actor import Actor, ActorKind
from notifyadmin.core.correlation import get_correlation_id
from notifyadmin.core.history import attributed

ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 (a session key name, not a secret)
AUTH_TIME_SESSION_KEY = "auth_time"
SIGN_IN_METHOD_SESSION_KEY = "sign_in_method"
CIS2_SUB_SESSION_KEY = "cis2_sub"

NO_ACCESS_REASON = "no_role"


class Cis2NoAccess(Cis2Refused):
    """The person is genuine but their selected role gives them no access to notifyadmin."""

    def __init__(self, person: Cis2Person, reason: str = NO_ACCESS_REASON) -> None:
        super().__init__(reason, "You do not have access to notifyadmin.", status=403)
        self.person = person


STEPUP_SOMEONE_ELSE_MESSAGE = (
    "You confirmed your identity as someone else at NHS Care Identity (CIS2), so we could not "
    "confirm it is still you. You are still signed in as yourself and nothing was changed. "
    "To continue, confirm your identity again with your own smartcard or sign-in method."
)


class Cis2StepUpAsSomeoneElse(Cis2Refused):
    """A signed-in person was sent to CIS2 to confirm their identity (step-up) and came back
    authenticated as a different person: not a forged callback, and not a new sign-in."""

    def __init__(self, person: Cis2Person) -> None:
        super().__init__("stepup_different_person", STEPUP_SOMEONE_ELSE_MESSAGE, status=403)
        self.person = person


def stepup_person_check(*, request: HttpRequest, person: Cis2Person) -> None:
    """During a step-up, refuse (Cis2StepUpAsSomeoneElse) an authentication as anyone but the
    signed-in member of staff, before anything about that other person is written."""
    if not request.session.get(CIS2_STEPUP_PENDING_SESSION_KEY) or not request.user.is_authenticated:
        return
    if cast(StaffUser, request.user).cis2_uid != person.uid:
        raise Cis2StepUpAsSomeoneElse(person)


def stepup_as_someone_else_record(*, request: HttpRequest, person: Cis2Person) -> None:
    """Audit a step-up completed at CIS2 as another person, as the signed-in member of staff,
    naming the other person by their CIS2 user id only."""
    with transaction.atomic():
        audit_record(
            actor=actor_of(request),
            action="auth.stepup.different_person",
            target_type="staff_user",
            target_id=str(request.user.pk),
            details={"method": "cis2", "confirmed_as_cis2_uid": person.uid},
        )


def _sign_in_actor(
    request: HttpRequest,
    *,
    person: Cis2Person | None = None,
    user: StaffUser | None = None,
    organisation: Organisation | None = None,
    role: str = "",
) -> Actor:
    return Actor(
        kind=ActorKind.STAFF if user is not None else ActorKind.ANONYMOUS,
        user=user,
        role=role,
        organisation=organisation,
        sign_in_session_id=person.sid if person else "",
        cis2_uid=person.uid if person else "",
        cis2_role_id=person.role.person_roleid if person else "",
        correlation_id=getattr(request, "correlation_id", "") or get_correlation_id(),
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.headers.get("User-Agent", "")[:500],
    )


def sign_in_refusal_record(*, request: HttpRequest, reason: str, person: Cis2Person | None = None) -> None:
    """Audit a refused CIS2 sign-in. Only the reason, and for a genuine person their CIS2 ids."""
    action = "auth.cis2.no_role" if isinstance_no_access(reason) else "auth.cis2.sign_in.refused"
    details: dict[str, object] = {"reason": reason}
    organisation = None
    if person is not None:
        details.update(role_code=person.role.role_code, ods_code=person.role.org_code)
        organisation = organisation_get_by_ods(ods_code=person.role.org_code)
    user = StaffUser.objects.filter(cis2_uid=person.uid).first() if person else None
    with transaction.atomic():
        audit_record(
            actor=_sign_in_actor(request, person=person, user=user, organisation=organisation),
            action=action,
            target_type="staff_user" if user else "",
            target_id=str(user.id) if user else "",
            details=details,
        )


def isinstance_no_access(reason: str) -> bool:
    return reason in (NO_ACCESS_REASON, "unknown_organisation")


def person_admit(*, request: HttpRequest, person: Cis2Person) -> tuple[StaffUser, RoleAssignment]:
    """Create or update the member of staff from CIS2 claims and make their role assignments at
    the selected role's organisation exactly those the role mappings give. Raises Cis2NoAccess
    (after auditing it) when the organisation is unknown (and may not be created) or no mapping
    matches; nothing is written then but the audit event."""
    organisation = organisation_get_by_ods(ods_code=person.role.org_code)
    if organisation is None and settings.CIS2_CREATE_UNKNOWN_ORGANISATIONS:
        organisation = organisation_ensure(ods_code=person.role.org_code, name=person.role.org_name)
    if organisation is None:
        sign_in_refusal_record(request=request, reason="unknown_organisation", person=person)
        raise Cis2NoAccess(person, "unknown_organisation")
    roles = app_roles_for(
        organisation=organisation, role_code=person.role.role_code, activity_codes=person.role.activity_codes
    )
    if not roles:
        sign_in_refusal_record(request=request, reason=NO_ACCESS_REASON, person=person)
        raise Cis2NoAccess(person)
    with transaction.atomic():
        user = StaffUser.objects.select_for_update().filter(cis2_uid=person.uid).first()
        values = {
            "first_name": person.given_name[:150],
            "last_name": person.family_name[:150],
            "email": person.email,
        }
        if user is None:
            user = StaffUser(username=f"cis2-{person.uid}", cis2_uid=person.uid, **values)
            user.set_unusable_password()
            user.save()
            audit_record(
                actor=_sign_in_actor(request, person=person, user=user, organisation=organisation),
                action="staff.cis2.created",
                target_type="staff_user",
                target_id=str(user.id),
            )
        else:
            changed = [name for name, value in values.items() if value and getattr(user, name) != value]
            if changed:
                for name in changed:
                    setattr(user, name, values[name])
                user.save(update_fields=changed)
                audit_record(
                    actor=_sign_in_actor(request, person=person, user=user, organisation=organisation),
                    action="staff.cis2.updated",
                    target_type="staff_user",
                    target_id=str(user.id),
                    details={"fields": changed},
                )
        actor = _sign_in_actor(request, person=person, user=user, organisation=organisation)
        for stale in RoleAssignment.objects.filter(user=user, organisation=organisation).exclude(role__in=roles):
            audit_record(
                actor=actor,
                action="staff.role.removed",
                target_type="role_assignment",
                target_id=str(stale.id),
                details={"role": stale.role, "source": "cis2"},
            )
            stale.delete()
        assignments = [role_assign(user=user, organisation=organisation, role=role, actor=actor) for role in roles]
    return user, assignments[0]


def session_start(
    *, request: HttpRequest, user: StaffUser, assignment: RoleAssignment, person: Cis2Person, id_token: str
) -> None:
    """Start the Django session for a CIS2 sign-in, with the CIS2 sid, role id and auth_time."""
    session_sign_in(
        request=request,
        user=user,
        method="cis2",
        sign_in_session_id=person.sid,
        active_assignment=assignment,
        session_values={
            CIS2_ROLE_SESSION_KEY: person.role.person_roleid,
            AUTH_TIME_SESSION_KEY: person.auth_time,
            SIGN_IN_METHOD_SESSION_KEY: "cis2",
            ID_TOKEN_SESSION_KEY: id_token,
            CIS2_SUB_SESSION_KEY: person.sub,
        },
    )
    request.session.save()
    Cis2Session.objects.create(user=user, sid=person.sid, sub=person.sub, session_key=request.session.session_key or "")


def stepup_complete(*, request: HttpRequest, person: Cis2Person, id_token: str) -> None:
    """The signed-in person authenticated again at CIS2: their session's auth_time is now fresh."""
    with transaction.atomic():
        request.session[AUTH_TIME_SESSION_KEY] = person.auth_time
        request.session[ID_TOKEN_SESSION_KEY] = id_token
        audit_record(
            actor=actor_of(request),
            action="auth.stepup.completed",
            target_type="staff_user",
            target_id=str(request.user.pk),
            details={"method": "cis2"},
        )
    if person.sid and person.sid != request.session.get(SIGN_IN_SESSION_KEY):
        # Only called for the signed-in person (login_success checks request.user.is_authenticated).
        Cis2Session.objects.create(
            user=cast(StaffUser, request.user),
            sid=person.sid,
            sub=person.sub,
            session_key=request.session.session_key or "",
        )


def _session_store(session_key: str) -> SessionBase:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)


def backchannel_logout(*, request: HttpRequest, claims: dict) -> int:
    """End the sessions a logout token names (OpenID Connect Back-Channel Logout 1.0, 2.7):
    with a `sid`, only the Django sessions of that CIS2 session (and of `sub` too, when the
    token names both); without a `sid`, every session of the person `sub`. Refuses
    (Cis2Refused) a token whose jti was used before; returns how many sessions ended."""
    sid, sub = claims.get("sid") or "", claims.get("sub") or ""
    match = Q(sid=sid) if sid else Q(sub=sub)
    if sid and sub:
        match &= Q(sub=sub)
    sessions = Cis2Session.objects.select_related("user").filter(match)
    try:
        with transaction.atomic():
            Cis2LogoutTokenUse.objects.create(jti=claims["jti"])
            ended = list(sessions)
            users = {s.user for s in ended}
            for cis2_session in ended:
                _session_store(cis2_session.session_key).delete()
            Cis2Session.objects.filter(id__in=[s.id for s in ended]).delete()
            for user in users or [None]:
                audit_record(
                    actor=Actor(
                        kind=ActorKind.SYSTEM,
                        organisation=None,
                        user=user,
                        sign_in_session_id=sid,
                        cis2_uid=(user.cis2_uid or "") if user else "",
                        system_name="cis2",
                        correlation_id=getattr(request, "correlation_id", "") or get_correlation_id(),
                        ip_address=request.META.get("REMOTE_ADDR") or None,
                    ),
                    action="auth.backchannel_logout",
                    target_type="staff_user" if user else "",
                    target_id=str(user.id) if user else "",
                    details={"sessions_ended": sum(1 for s in ended if s.user == user)},
                )
    except IntegrityError as error:
        raise Cis2Refused("replayed_jti") from error
    return len(ended)


def backchannel_refusal_record(*, request: HttpRequest, reason: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=Actor(
                kind=ActorKind.SYSTEM,
                organisation=None,
                system_name="cis2",
                correlation_id=getattr(request, "correlation_id", "") or get_correlation_id(),
                ip_address=request.META.get("REMOTE_ADDR") or None,
            ),
            action="auth.backchannel_logout.refused",
            details={"reason": reason},
        )


def session_forget(*, session_key: str | None) -> None:
    """A CIS2 session ended here (sign-out): forget it so back-channel logout does not look for it."""
    if session_key:
        Cis2Session.objects.filter(session_key=session_key).delete()


# Role mappings ----------------------------------------------------------------------------


class RoleMappingError(ValueError):
    pass


def _mapping_details(mapping: Cis2RoleMapping) -> dict[str, str]:
    return {"role_code": mapping.role_code, "activity_code": mapping.activity_code, "app_role": mapping.app_role}


def _mapping_duplicate(
    *,
    organisation: Organisation | None,
    role_code: str,
    activity_code: str,
    app_role: str,
    exclude_id: uuid.UUID | None = None,
) -> bool:
    mappings = Cis2RoleMapping.objects.filter(
        organisation=organisation, role_code=role_code, activity_code=activity_code, app_role=app_role
    )
    if exclude_id is not None:
        mappings = mappings.exclude(id=exclude_id)
    return mappings.exists()


DUPLICATE_MESSAGE = "A mapping for this role code, activity code and app role already exists"


def role_mapping_create(
    *, actor: Actor, organisation: Organisation | None, role_code: str, activity_code: str, app_role: Role
) -> Cis2RoleMapping:
    with transaction.atomic():
        if _mapping_duplicate(
            organisation=organisation, role_code=role_code, activity_code=activity_code, app_role=app_role
        ):
            raise RoleMappingError(DUPLICATE_MESSAGE)
        mapping = attributed(
            Cis2RoleMapping(
                organisation=organisation, role_code=role_code, activity_code=activity_code, app_role=app_role
            ),
            actor,
        )
        mapping.save()
        audit_record(
            actor=actor,
            action="role_mapping.created",
            target_type="cis2_role_mapping",
            target_id=str(mapping.id),
            details=_mapping_details(mapping),
        )
    return mapping


def role_mapping_change(
    *, actor: Actor, mapping: Cis2RoleMapping, role_code: str, activity_code: str, app_role: Role
) -> Cis2RoleMapping:
    with transaction.atomic():
        if _mapping_duplicate(
            organisation=mapping.organisation,
            role_code=role_code,
            activity_code=activity_code,
            app_role=app_role,
            exclude_id=mapping.id,
        ):
            raise RoleMappingError(DUPLICATE_MESSAGE)
        before = _mapping_details(mapping)
        mapping.role_code, mapping.activity_code, mapping.app_role = role_code, activity_code, app_role
        attributed(mapping, actor).save(update_fields=["role_code", "activity_code", "app_role"])
        audit_record(
            actor=actor,
            action="role_mapping.changed",
            target_type="cis2_role_mapping",
            target_id=str(mapping.id),
            details={"before": before, "after": _mapping_details(mapping)},
        )
    return mapping


def role_mapping_delete(*, actor: Actor, mapping: Cis2RoleMapping) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="role_mapping.deleted",
            target_type="cis2_role_mapping",
            target_id=str(mapping.id),
            details=_mapping_details(mapping),
        )
        attributed(mapping, actor).delete()

"""The role a person is working in, and session expiry on inactivity."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from notifyadmin.accounts.actors import actor_from_request, actor_of
from notifyadmin.accounts.models import RoleAssignment
from notifyadmin.accounts.selectors import role_assignments_of

ACTIVE_ASSIGNMENT_SESSION_KEY = "active_role_assignment_id"
LAST_ACTIVITY_SESSION_KEY = "last_activity"
SIGNED_IN_AT_SESSION_KEY = "signed_in_at"


class ActiveRoleMiddleware:
    """Sets `request.active_assignment`, `request.active_role`, `request.organisation` and
    `request.role_assignments`, and signs out a session idle for longer than
    SESSION_IDLE_SECONDS or signed in longer ago than SESSION_COOKIE_AGE (the absolute limit)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.active_assignment = None  # type: ignore[attr-defined]
        request.active_role = None  # type: ignore[attr-defined]
        request.organisation = None  # type: ignore[attr-defined]
        request.role_assignments = []  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            if self._idle_too_long(request):
                _session_expire(request, action="auth.session.expired")
                messages.info(request, "You were signed out because you were inactive. Sign in again to continue.")
                return redirect(settings.LOGIN_URL)
            if self._past_absolute_limit(request):
                _session_expire(request, action="auth.session.absolute_expired")
                messages.info(
                    request,
                    "You were signed out because you have been signed in for too long. Sign in again to continue.",
                )
                return redirect(settings.LOGIN_URL)
            request.session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())
            assignments = role_assignments_of(user=request.user)
            request.role_assignments = assignments  # type: ignore[attr-defined]
            active = _choose_active(assignments, request.session.get(ACTIVE_ASSIGNMENT_SESSION_KEY))
            if active is not None:
                request.active_assignment = active  # type: ignore[attr-defined]
                request.active_role = active.role  # type: ignore[attr-defined]
                request.organisation = active.organisation  # type: ignore[attr-defined]
        request.actor = actor_from_request(request)  # type: ignore[attr-defined]
        return self.get_response(request)

    @staticmethod
    def _past_absolute_limit(request: HttpRequest) -> bool:
        """The session cookie's age is refreshed whenever the session changes; the absolute limit
        (SESSION_COOKIE_AGE, 12 hours) counts from sign-in instead."""
        started = request.session.get(SIGNED_IN_AT_SESSION_KEY)
        return started is not None and time.time() - started > settings.SESSION_COOKIE_AGE

    @staticmethod
    def _idle_too_long(request: HttpRequest) -> bool:
        last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
        return last is not None and time.time() - last > settings.SESSION_IDLE_SECONDS


def _session_expire(request: HttpRequest, *, action: str) -> None:
    """End a session at its idle or absolute limit, recording who it belonged to."""
    from audit.services import audit_record

    with transaction.atomic():
        audit_record(
            actor=actor_of(request),
            action=action,
            target_type="staff_user",
            target_id=str(request.user.pk),
        )
    logout(request)


def _choose_active(assignments: list[RoleAssignment], chosen_id: str | None) -> RoleAssignment | None:
    for assignment in assignments:
        if str(assignment.id) == chosen_id:
            return assignment
    return assignments[0] if assignments else None

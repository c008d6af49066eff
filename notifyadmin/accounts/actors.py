"""The actor of a web request, built once by ActiveRoleMiddleware as `request.actor`.

Views pass `request.actor` to services; no service takes the request itself.
"""

from django.http import HttpRequest

from notifyadmin.accounts.session_keys import CIS2_ROLE_SESSION_KEY, SIGN_IN_SESSION_KEY
from notifyadmin.core.actor import Actor
from notifyadmin.core.correlation import get_correlation_id


def _where_from(request: HttpRequest) -> dict[str, object]:
    return {
        "correlation_id": getattr(request, "correlation_id", "") or get_correlation_id(),
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.headers.get("User-Agent", "")[:500],
    }


def actor_from_request(request: HttpRequest) -> Actor:
    """A signed-in member of staff in the role they are working in, or an anonymous visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Actor.anonymous(**_where_from(request))  # type: ignore[arg-type]
    session = getattr(request, "session", {})
    return Actor.staff(
        user=user,
        role=getattr(request, "active_role", None) or "",
        organisation=getattr(request, "organisation", None),
        sign_in_session_id=session.get(SIGN_IN_SESSION_KEY, ""),
        cis2_role_id=session.get(CIS2_ROLE_SESSION_KEY, ""),
        **_where_from(request),  # type: ignore[arg-type]
    )


def anonymous_actor(request: HttpRequest, *, organisation: object = None) -> Actor:
    """For events about someone not (yet) signed in, such as a refused sign-in."""
    return Actor.anonymous(organisation=organisation, **_where_from(request))  # type: ignore[arg-type]


def actor_of(request: HttpRequest) -> Actor:
    """The actor ActiveRoleMiddleware built for this request."""
    actor = getattr(request, "actor", None)
    if actor is None:
        actor = actor_from_request(request)
        request.actor = actor  # type: ignore[attr-defined]
    return actor

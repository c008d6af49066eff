"""Route access declarations.

Every view carries an `access` attribute saying who may use it. `requires(permission)` checks
the role the person is working in; `signed_in` admits any signed-in person with a role;
`public(reason)` admits anyone and says why. The URL walk test (tests/test_route_access.py)
fails for any route without a declaration.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from notifyadmin.accounts.roles import Permission, role_can

View = Callable[..., HttpResponseBase]


@dataclass(frozen=True)
class Access:
    permission: Permission | None = None
    public_reason: str = ""
    any_signed_in: bool = False

    def describe(self) -> str:
        if self.permission:
            return f"requires {self.permission}"
        if self.any_signed_in:
            return "any signed-in member of staff"
        return f"public: {self.public_reason}"


def _declare(view: View, access: Access) -> View:
    view.access = access  # type: ignore[attr-defined]
    return view


def requires(permission: Permission) -> Callable[[View], View]:
    """Admit a signed-in person whose current role grants `permission`; 403 for anyone else."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not role_can(getattr(request, "active_role", None), permission):
                raise PermissionDenied(f"Your current role cannot do this ({permission}).")
            return view(request, *args, **kwargs)

        return _declare(wrapped, Access(permission=permission))

    return decorator


def signed_in(view: View) -> View:
    """Admit any signed-in person (for example: switching role, signing out)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _declare(wrapped, Access(any_signed_in=True))


def public(reason: str) -> Callable[[View], View]:
    """Admit anyone. `reason` says why this route needs no sign-in."""

    def decorator(view: View) -> View:
        return _declare(view, Access(public_reason=reason))

    return decorator


def access_of(view: object) -> Access | None:
    """The declaration on a resolved URL callback, for function views and DRF views alike."""
    declared = getattr(view, "access", None)
    if isinstance(declared, Access):
        return declared
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    declared = getattr(view_class, "access", None)
    return declared if isinstance(declared, Access) else None

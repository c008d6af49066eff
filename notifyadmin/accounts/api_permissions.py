"""DRF permission that enforces the same declarations as the pages (notifyadmin.accounts.access).

An API view sets `access = Access(permission=...)` (or public) as a class attribute. A view
with no declaration is refused, so forgetting one fails closed.
"""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from notifyadmin.accounts.access import Access
from notifyadmin.accounts.roles import role_can


class DeclaredPermission(BasePermission):
    message = "Your current role cannot use this endpoint."

    def has_permission(self, request: Request, view: Any) -> bool:
        declared = getattr(view, "access", None)
        if not isinstance(declared, Access):
            return False
        if declared.public_reason:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        if declared.any_signed_in:
            return True
        role = getattr(request._request, "active_role", None)
        return declared.permission is not None and role_can(role, declared.permission)

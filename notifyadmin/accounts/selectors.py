"""Reads about organisations and staff. Organisation data is always read through a scope."""

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from notifyadmin.accounts.models import Organisation, RoleAssignment, StaffUser

M = TypeVar("M", bound=Model)


def role_assignments_of(*, user: StaffUser) -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(user=user).select_related("organisation"))


def organisation_get_by_ods(*, ods_code: str) -> Organisation | None:
    return Organisation.objects.filter(ods_code=ods_code).first()


def staff_in_organisation(*, organisation: Organisation) -> QuerySet[StaffUser]:
    return (
        StaffUser.objects.filter(role_assignments__organisation=organisation)
        .distinct()
        .order_by("last_name", "first_name", "username")
        .prefetch_related("role_assignments__organisation")
    )


def get_in_organisation_or_404(queryset: QuerySet[M], *, organisation: Organisation | None, **lookup: object) -> M:
    """The one way to fetch an organisation's object by id.

    Another organisation's object is indistinguishable from one that does not exist: 404, never
    403 and never the data.
    """
    if organisation is None:
        raise Http404
    not_found = (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError)  # type: ignore[attr-defined]
    try:
        return queryset.get(organisation=organisation, **lookup)
    except not_found as error:
        # A malformed id (for example not a UUID) is "not found" too.
        raise Http404 from error

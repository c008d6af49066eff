"""Your organisation: what notifyadmin knows about it and the settings it runs with. Read-only:
the name and ODS code come from the organisation's record, the rest from the deployment's
configuration (changed by the team that runs the service, not on this page)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.roles import Permission, Role
from notifyadmin.accounts.selectors import staff_in_organisation
from notifyadmin.core.environments import environment_label


def _minutes(seconds: float) -> str:
    minutes = max(int(seconds // 60), 1)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@requires(Permission.ORGANISATION_VIEW)
@require_GET
def organisation_detail(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    staff = list(staff_in_organisation(organisation=organisation))
    role_counts = {label: 0 for _, label in Role.choices}
    labels = dict(Role.choices)
    for user in staff:
        for assignment in user.role_assignments.all():
            if assignment.organisation_id == organisation.id:
                role_counts[labels[assignment.role]] += 1
    rows = [
        ("Sends to", environment_label(settings.NOTIFY_ENVIRONMENT, sentence_start=True)),
        ("Confirming your identity again", f"Asked for after {_minutes(settings.STEPUP_MAX_AGE_SECONDS)}"),
        (
            "Personalisation kept for",
            f"{settings.PERSONALISATION_RETENTION_DAYS} days, then removed (the record of each message stays)",
        ),
        ("Reasons offered when finding a patient", "; ".join(settings.PATIENT_SEARCH_REASONS)),
    ]
    context = {"organisation": organisation, "staff_count": len(staff), "role_counts": role_counts, "rows": rows}
    return render(request, "accounts/organisation.jinja", context)

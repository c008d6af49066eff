"""The clinical safety case, read only, for clinical safety officers and auditors.

The page renders the same template body as `make safety-case`, from the hazard log in the
deployed code (SAFETY_HAZARDS_DIR, by default docs/safety/hazards/) and the test results file
shipped with it (SAFETY_RESULTS_PATH, by default test-artifacts/safety/results.json), with the
statuses and raised hazards recorded in the app laid over it (notifyadmin.safety.selectors).
Changing the log itself is a change to the repository, reviewed like code: nothing here writes.
"""

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.roles import Permission
from notifyadmin.safety.case import safety_case_build
from notifyadmin.safety.hazard_log import HAZARDS_DIR, HazardLogError
from notifyadmin.safety.results import DEFAULT_RESULTS_PATH, ResultsUnreadable
from notifyadmin.safety.selectors import app_overlay


def results_path() -> Path:
    return Path(getattr(settings, "SAFETY_RESULTS_PATH", DEFAULT_RESULTS_PATH))


def hazards_dir() -> Path:
    return Path(getattr(settings, "SAFETY_HAZARDS_DIR", HAZARDS_DIR))


@requires(Permission.SAFETY_CASE_VIEW)
@require_GET
def safety_case(request: HttpRequest) -> HttpResponse:
    try:
        case = safety_case_build(hazards_dir=hazards_dir(), results_path=results_path(), overlay=app_overlay())
    except HazardLogError as error:
        # A release whose log does not load failed its own tests; say so rather than show half a case.
        return render(request, "safety/case_unavailable.jinja", {"problems": error.problems}, status=503)
    except ResultsUnreadable as error:
        return render(request, "safety/case_unavailable.jinja", {"problems": [str(error)]}, status=503)
    return render(request, "safety/case_page.jinja", {"case": case})

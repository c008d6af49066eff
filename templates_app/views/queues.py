"""The work queue: the same selectors as the home panels, each queue for the roles that work it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from templates_app import selectors

# (title, permission, selector), in the order the work flows.
QUEUES = (
    ("My drafts", Permission.TEMPLATE_EDIT, selectors.queue_my_drafts),
    ("Changes requested on my versions", Permission.TEMPLATE_EDIT, selectors.queue_changes_requested),
    ("My versions waiting on others", Permission.TEMPLATE_EDIT, selectors.queue_waiting_on_others),
    ("Awaiting content review", Permission.TEMPLATE_CONTENT_REVIEW, selectors.queue_awaiting_content_review),
    ("Awaiting clinical sign-off", Permission.TEMPLATE_CLINICAL_SIGNOFF, selectors.queue_awaiting_signoff),
    ("Ready to publish", Permission.TEMPLATE_PUBLISH, selectors.queue_ready_to_publish),
)


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def work_queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    queues = [(title, select(actor=actor)) for title, permission, select in QUEUES if actor.can(permission)]
    return render(request, "templates_app/work_queue.jinja", {"queues": queues, "waited": selectors.waited_text})

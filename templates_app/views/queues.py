"""The work queue: the same selectors as the home panels, each queue for the roles that work it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from templates_app import selectors
from templates_app.home import PANELS

# (title, permission, selector, home panel whose words say what would appear), in the order the
# work flows.
QUEUES = (
    ("My drafts", Permission.TEMPLATE_EDIT, selectors.queue_my_drafts, "templates.my_drafts"),
    (
        "Changes requested on my versions",
        Permission.TEMPLATE_EDIT,
        selectors.queue_changes_requested,
        "templates.changes_requested",
    ),
    (
        "My versions waiting on others",
        Permission.TEMPLATE_EDIT,
        selectors.queue_waiting_on_others,
        "templates.waiting_on_others",
    ),
    (
        "Awaiting content review",
        Permission.TEMPLATE_CONTENT_REVIEW,
        selectors.queue_awaiting_content_review,
        "templates.awaiting_content_review",
    ),
    (
        "Awaiting clinical sign-off",
        Permission.TEMPLATE_CLINICAL_SIGNOFF,
        selectors.queue_awaiting_signoff,
        "templates.awaiting_signoff",
    ),
    ("Ready to publish", Permission.TEMPLATE_PUBLISH, selectors.queue_ready_to_publish, "templates.ready_to_publish"),
)


@requires(Permission.TEMPLATE_VIEW)
@require_GET
def work_queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    queues = [
        (title, select(actor=actor), PANELS[panel].empty)
        for title, permission, select, panel in QUEUES
        if actor.can(permission)
    ]
    return render(request, "templates_app/work_queue.jinja", {"queues": queues, "waited": selectors.waited_text})

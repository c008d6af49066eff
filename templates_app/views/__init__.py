"""Template pages, split by sub-domain: templates (list, create, detail, compare), versions
(detail, edit, preview, submit, withdraw), reviews (content review, sign-off, publish, retire)
and the work queue. Views are thin: they read through selectors, act through services with
`actor_of(request)`, and offer exactly the workflow's available actions."""

from templates_app.views.previews import version_letter_pdf, version_preview
from templates_app.views.publishing import version_publish, version_retire
from templates_app.views.queues import work_queue
from templates_app.views.reviews import version_content_review, version_sign_off
from templates_app.views.routing_plans import routing_plans
from templates_app.views.templates import template_create, template_detail, template_list, version_compare
from templates_app.views.versions import (
    version_detail,
    version_edit,
    version_new_draft,
    version_submit,
    version_withdraw,
)

__all__ = [
    "routing_plans",
    "template_create",
    "template_detail",
    "template_list",
    "version_compare",
    "version_content_review",
    "version_detail",
    "version_edit",
    "version_letter_pdf",
    "version_new_draft",
    "version_preview",
    "version_publish",
    "version_retire",
    "version_sign_off",
    "version_submit",
    "version_withdraw",
    "work_queue",
]

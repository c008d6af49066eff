"""Home panels of message templates (registered in TemplatesAppConfig.ready): each role's own
work, read with the same selectors as the work-queue page."""

from collections.abc import Callable

from django.urls import reverse

from notifyadmin.accounts.roles import Permission, Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.registry import HomeItem, HomePanel
from templates_app import selectors
from templates_app.selectors import QueueItem, waited_text

# A panel shows the first few; the work queue shows them all.
PANEL_ITEMS = 10


def _name(item: QueueItem) -> str:
    version = item.version
    number = "draft" if version.major is None else f"version {version.number}"
    return f"{version.template.name}, {number}"


def _detail(item: QueueItem) -> str:
    return reverse("templates_app:version-detail", args=[item.version.template_id, item.version.id])


def _edit(item: QueueItem) -> str:
    return reverse("templates_app:version-edit", args=[item.version.template_id, item.version.id])


def _items(
    select: Callable[..., list[QueueItem]], href: Callable[[QueueItem], str], note: Callable[[QueueItem], str]
) -> Callable[[Actor], list[HomeItem]]:
    def items(actor: Actor) -> list[HomeItem]:
        return [HomeItem(_name(item), href(item), note(item)) for item in select(actor=actor)[:PANEL_ITEMS]]

    return items


DESIGNER = frozenset({Role.CONTENT_DESIGNER})

PANELS: dict[str, HomePanel] = {
    "templates.my_drafts": HomePanel(
        heading="Your drafts",
        permission=Permission.TEMPLATE_EDIT,
        roles=DESIGNER,
        items=_items(selectors.queue_my_drafts, _edit, lambda item: f"started {waited_text(item.waiting)} ago"),
        empty="Drafts you start appear here. Create a template, or start a new draft from a template's page.",
        action_text="Create a template",
        action_url_name="templates_app:template-create",
    ),
    "templates.changes_requested": HomePanel(
        heading="Changes requested on your versions",
        permission=Permission.TEMPLATE_EDIT,
        roles=DESIGNER,
        items=_items(
            selectors.queue_changes_requested,
            _edit,
            lambda item: f"{item.waiting_for}, {waited_text(item.waiting)} ago",
        ),
        empty=(
            "When a reviewer or clinical safety officer asks for changes to a version you wrote, "
            "its new draft appears here with their comments."
        ),
    ),
    "templates.waiting_on_others": HomePanel(
        heading="Your versions waiting on others",
        permission=Permission.TEMPLATE_EDIT,
        roles=DESIGNER,
        items=_items(
            selectors.queue_waiting_on_others,
            _detail,
            lambda item: f"waiting {waited_text(item.waiting)} for {item.waiting_for}",
        ),
        empty="Versions you submit appear here while they wait for content review or clinical sign-off.",
    ),
    "templates.ready_to_publish": HomePanel(
        heading="Signed off, ready to publish",
        permission=Permission.TEMPLATE_PUBLISH,
        roles=DESIGNER,
        items=_items(
            selectors.queue_ready_to_publish, _detail, lambda item: f"signed off {waited_text(item.waiting)} ago"
        ),
        empty=(
            "Versions appear here when a clinical safety officer signs them off. "
            "Publishing makes a template send with them."
        ),
    ),
    "templates.awaiting_content_review": HomePanel(
        heading="Awaiting your content review",
        permission=Permission.TEMPLATE_CONTENT_REVIEW,
        roles=DESIGNER,
        items=_items(
            selectors.queue_awaiting_content_review, _detail, lambda item: f"waiting {waited_text(item.waiting)}"
        ),
        empty="Versions appear here when another content designer submits a draft for content review.",
        action_text="Open the work queue",
        action_url_name="templates_app:work-queue",
    ),
    "templates.awaiting_signoff": HomePanel(
        heading="Awaiting your clinical sign-off",
        permission=Permission.TEMPLATE_CLINICAL_SIGNOFF,
        roles=frozenset({Role.CLINICAL_SAFETY_OFFICER}),
        items=_items(selectors.queue_awaiting_signoff, _detail, lambda item: f"waiting {waited_text(item.waiting)}"),
        empty="Versions appear here when a content designer's draft passes content review.",
        action_text="Open the work queue",
        action_url_name="templates_app:work-queue",
    ),
}

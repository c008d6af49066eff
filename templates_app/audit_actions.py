"""Audit actions of message templates (registered in TemplatesAppConfig.ready)."""

ACTIONS = {
    # Message templates (templates_app)
    "template.created": "Template created",
    "template.version.created": "Template draft version created",
    "template.version.saved": "Template draft version saved",
    "template.version.submitted": "Template version submitted for content review",
    "template.version.withdrawn": "Template version withdrawn before review",
    "template.version.content_approved": "Template version content approved",
    "template.version.changes_requested": "Changes requested to a template version",
    "template.version.signed_off": "Template version clinically signed off",
    "template.version.published": "Template version published",
    "template.version.retired": "Template version retired",
    "template.version.superseded": "Template version superseded by a newer one",
    "template.routing_plan.created": "Routing plan added",
    "template.lint.acknowledged": "Template lint warnings acknowledged",
}

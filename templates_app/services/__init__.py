"""Writes about message templates, one service per transition (see each module)."""

from templates_app.services.errors import (
    ContentInvalid,
    NotFound,
    PermissionRefused,
    StaleEdit,
    TemplateServiceError,
    TransitionRefused,
)
from templates_app.services.publishing import version_publish, version_retire
from templates_app.services.reviews import version_changes_request, version_content_approve, version_sign_off
from templates_app.services.templates import template_create
from templates_app.services.versions import version_draft_create, version_draft_save, version_submit, version_withdraw

__all__ = [
    "ContentInvalid",
    "NotFound",
    "PermissionRefused",
    "StaleEdit",
    "TemplateServiceError",
    "TransitionRefused",
    "template_create",
    "version_changes_request",
    "version_content_approve",
    "version_draft_create",
    "version_draft_save",
    "version_publish",
    "version_retire",
    "version_sign_off",
    "version_submit",
    "version_withdraw",
]

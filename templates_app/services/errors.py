"""Domain errors of template services: the kernel's, so pages and APIs translate them in one
place each (NotFound → 404, PermissionRefused → 403, the others shown to the person)."""

from collections.abc import Mapping, Sequence

from notifyadmin.core.errors import DomainError, InvalidInput, NotFound, PermissionRefused, TransitionRefused

TemplateServiceError = DomainError


class ContentInvalid(InvalidInput):
    """Content or schema problems, by form field name (see templates_app.linting)."""

    def __init__(
        self, errors: Mapping[str, Sequence[str]], message: str = "Fix the problems shown before saving."
    ) -> None:
        super().__init__(errors, message)


class StaleEdit(TransitionRefused):
    """Someone else saved the draft since this person opened it."""


__all__ = [
    "ContentInvalid",
    "DomainError",
    "InvalidInput",
    "NotFound",
    "PermissionRefused",
    "StaleEdit",
    "TemplateServiceError",
    "TransitionRefused",
]

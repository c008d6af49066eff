"""Domain errors of template services, with messages a person can act on."""


class TemplateServiceError(ValueError):
    """A request the rules refuse. ``str(error)`` is shown to the person."""


class TransitionRefused(TemplateServiceError):
    """The actor may not make this transition, or the version is in the wrong state."""


class ContentInvalid(TemplateServiceError):
    """Content or schema problems, by form field name (see templates_app.linting)."""

    def __init__(self, errors: dict[str, list[str]], message: str = "Fix the problems shown before saving.") -> None:
        super().__init__(message)
        self.errors = errors


class StaleEdit(TemplateServiceError):
    """Someone else saved the draft since this person opened it."""

"""Domain errors shared by every app.

A service refuses with one of these, in words a person can act on; the message never holds a
patient identifier. Pages and APIs translate them in one place each: `NotFound` becomes a 404
(another organisation's object is indistinguishable from one that does not exist),
`PermissionRefused` a 403, the others a form error or an RFC 9457 problem document.
"""

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """A refusal a person can act on. `field` names the form field it concerns, if any."""

    field = ""

    def __init__(self, message: str = "", *, field: str = "") -> None:
        super().__init__(message)
        if field:
            self.field = field

    @property
    def message(self) -> str:
        return str(self)


class NotFound(DomainError):
    """No such object in the actor's organisation (or a malformed id)."""


class PermissionRefused(DomainError):
    """The actor's role, client permissions or organisation do not allow this."""


class TransitionRefused(DomainError):
    """The object's state, or a workflow rule such as four-eyes, does not allow this now."""


class InvalidInput(DomainError):
    """Input refused field by field: `errors` maps a field name ("" for the whole form) to messages."""

    def __init__(self, errors: Mapping[str, Sequence[str]], message: str = "") -> None:
        self.errors: dict[str, list[str]] = {name: list(problems) for name, problems in errors.items()}
        first = next((problem for problems in self.errors.values() for problem in problems), "")
        super().__init__(message or first or "Check the information you entered.")

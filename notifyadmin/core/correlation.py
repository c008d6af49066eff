"""The correlation id of the work in hand: a request, or a task that carries one on."""

import re
import uuid
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("correlation_id", default="")

# Printable, no spaces, at most 64 characters: anything else is replaced, never trusted.
_VALID = re.compile(r"^[A-Za-z0-9._:\-]{8,64}$")


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def accept_or_generate(candidate: str | None) -> str:
    """Use the caller's `X-Correlation-ID` when it is well formed, else a fresh one."""
    if candidate and _VALID.fullmatch(candidate):
        return candidate
    return new_correlation_id()


def get_correlation_id() -> str:
    return _current.get()


def set_correlation_id(value: str) -> object:
    return _current.set(value)


def reset_correlation_id(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]

"""API plumbing shared by every API, present and future: RFC 9457 problem details for every
error, a JSON-only parser that bounds size and nesting before parsing, database pagination,
and the 404 problem for unmatched paths under /api/v1/.

A problem document is `application/problem+json`:
    {"type": "urn:notifyadmin:problem:<slug>", "title": ..., "status": ..., "detail": ...,
     "instance": <request path>, "correlation_id": ..., "errors": {field: [messages]}}
`errors` appears on validation problems only; `detail` never holds a submitted value, so no
patient identifier is echoed back. Types are listed in docs/api.md.
"""

import json
import logging
import re
from collections.abc import Mapping
from itertools import accumulate
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from notifyadmin.accounts.access import public
from notifyadmin.core.correlation import get_correlation_id
from notifyadmin.core.errors import DomainError, InvalidInput, NotFound, PermissionRefused, TransitionRefused

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:notifyadmin:problem:"
# Deeper JSON than this is refused before it is parsed: no API body needs more than a few levels.
MAX_JSON_DEPTH = 32
# Bodies larger than this are refused (413) before they are parsed.
MAX_BODY_BYTES = 1_000_000

TITLES = {
    400: "Your request could not be read",
    401: "Authentication needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Request refused",
    429: "Too many requests",
    500: "Something went wrong on our side",
}


class Problem(Exception):
    """Raise from an API view to answer with a problem document."""

    def __init__(
        self,
        *,
        status_code: int,
        slug: str,
        detail: str,
        title: str = "",
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.slug = slug
        self.title = title or TITLES.get(status_code, "Request refused")
        self.detail = detail
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers or {})


def problem_body(
    *,
    status_code: int,
    slug: str,
    detail: str,
    instance: str,
    title: str = "",
    errors: Mapping[str, list[str]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + slug,
        "title": title or TITLES.get(status_code, "Request refused"),
        "status": status_code,
        "detail": detail,
        "instance": instance,
        "correlation_id": get_correlation_id(),
    }
    if errors:
        body["errors"] = {name: [str(message) for message in messages] for name, messages in errors.items()}
    return body


def problem_response(problem: Problem, *, instance: str) -> Response:
    body = problem_body(
        status_code=problem.status_code,
        slug=problem.slug,
        detail=problem.detail,
        instance=instance,
        title=problem.title,
        errors=problem.errors,
    )
    return Response(body, status=problem.status_code, headers=problem.headers, content_type=PROBLEM_CONTENT_TYPE)


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as {"field.sub[0]": [messages]}; "" for the whole body."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for name, value in detail.items():
            if name == "non_field_errors":
                key = prefix
            elif isinstance(name, int):
                key = f"{prefix}[{name}]"
            else:
                key = f"{prefix}.{name}" if prefix else str(name)
            for field, messages in _flatten(value, key).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix: [str(item) for item in detail]} if detail else {}
        flat = {}
        for index, item in enumerate(detail):
            for field, messages in _flatten(item, f"{prefix}[{index}]").items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix: [str(detail)]}


def problem_from_exception(exc: Exception) -> Problem | None:
    """The problem for an exception an API view let escape; None for an unexpected one."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next((m for messages in errors.values() for m in messages), "Check the request body.")
        return Problem(
            status_code=400,
            slug="validation-error",
            title="Your request has invalid fields",
            detail=first,
            errors=errors,
        )
    if isinstance(exc, InvalidInput):
        return Problem(
            status_code=400,
            slug="validation-error",
            title="Your request has invalid fields",
            detail=exc.message,
            errors=exc.errors,
        )
    if isinstance(exc, (NotFound, Http404, exceptions.NotFound)):
        if isinstance(exc, NotFound):
            detail = exc.message
        elif isinstance(exc, exceptions.NotFound) and str(exc.detail) != exceptions.NotFound.default_detail:
            detail = str(exc.detail)
        else:
            detail = "Nothing was found at this address for your organisation."
        return Problem(status_code=404, slug="not-found", detail=detail)
    if isinstance(exc, (PermissionRefused, DjangoPermissionDenied)):
        detail = exc.message if isinstance(exc, PermissionRefused) else "You may not use this endpoint."
        return Problem(status_code=403, slug="forbidden", detail=detail)
    if isinstance(exc, TransitionRefused):
        return Problem(status_code=409, slug="conflict", detail=exc.message)
    if isinstance(exc, DomainError):
        return Problem(status_code=422, slug="refused", detail=exc.message)
    if isinstance(exc, exceptions.APIException):
        slug = {
            401: "unauthenticated",
            403: "forbidden",
            405: "method-not-allowed",
            406: "not-acceptable",
            413: "too-large",
            415: "unsupported-media-type",
            429: "throttled",
        }.get(exc.status_code, "bad-request" if exc.status_code == 400 else "error")
        headers = {}
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            headers["Retry-After"] = str(int(wait) + 1)
        detail = exc.detail if isinstance(exc.detail, str) else "Your request could not be handled."
        return Problem(status_code=exc.status_code, slug=slug, detail=str(detail), headers=headers)
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error of every API view becomes a problem document."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    problem = problem_from_exception(exc)
    if problem is None:
        # Never the request's representation: it carries the query string and body.
        logger.exception("Unhandled API error at %s", instance)
        problem = Problem(
            status_code=500,
            slug="server-error",
            detail="The error has been logged. Try again later, quoting the correlation id.",
        )
    response = problem_response(problem, instance=instance)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        view = context.get("view")
        authenticate_header = view.get_authenticate_header(request) if view is not None and request else None
        if authenticate_header:
            response["WWW-Authenticate"] = authenticate_header
        else:
            response.status_code = 401
    return response


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in `text`, counted without parsing it."""
    without_strings = _JSON_STRING.sub('""', text)
    steps = [1 if bracket in "[{" else -1 for bracket in _BRACKETS.findall(without_strings)]
    return max(accumulate(steps), default=0)


class BoundedJSONParser(BaseParser):
    """The only parser of every API: JSON, at most MAX_BODY_BYTES, nested at most
    MAX_JSON_DEPTH deep (checked before parsing, so no recursion can be exhausted). Any other
    content type is refused by DRF with 415."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise Problem(
                status_code=413, slug="too-large", detail=f"The request body is larger than {MAX_BODY_BYTES} bytes."
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise exceptions.ParseError("The request body is not valid UTF-8.") from error
        if json_depth(text) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.")
        try:
            document = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError("The request body is not valid JSON.") from error
        if "\\u0000" in text and _holds_nul(document):
            # PostgreSQL can store no NUL character, in text or in jsonb: refused here, for every
            # API, rather than failing in the database half-way through the work.
            raise exceptions.ParseError("The JSON body contains a NUL character (\\u0000), which cannot be stored.")
        return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _holds_nul(value: Any) -> bool:
    """Whether any key or string in a parsed JSON document holds a NUL character (its nesting is
    already bounded by MAX_JSON_DEPTH)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in key or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class Pagination(PageNumberPagination):
    """Every list: `?page=` and `?page_size=` (up to 100), sliced in the database."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "Choose a page number that exists."

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        number = request.query_params.get(self.page_query_param, "1")
        if number in self.last_page_strings:
            return number
        # Bounded and ASCII-only: "٣" or twenty digits answer a 404 problem, never a 500.
        if not (number.isascii() and number.isdigit() and 0 < len(number) <= 6):
            raise exceptions.NotFound("Choose a page number that exists.")
        return number

    def get_page_size(self, request: Any) -> int:
        value = request.query_params.get(self.page_size_query_param, "")
        if value and value.isascii() and value.isdigit() and len(value) <= 4:
            return min(max(int(value), 1), self.max_page_size)
        return self.page_size


@csrf_exempt  # no side effects; a POST to an unmatched path must be a 404 problem, not a CSRF page
@public("answers 404 for unmatched API paths; reveals nothing")
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under /api/v1/ that no endpoint matched: a 404 problem, never an HTML page."""
    body = problem_body(
        status_code=404, slug="not-found", detail="No API endpoint at this address.", instance=request.path
    )
    return HttpResponse(json.dumps(body), status=404, content_type=PROBLEM_CONTENT_TYPE)

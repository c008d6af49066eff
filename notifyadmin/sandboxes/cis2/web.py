"""Response helpers for the CIS2 stand-in; Request and Response themselves live in sandboxes/http.py."""

import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from notifyadmin.sandboxes.http import Request, Response

__all__ = ["NO_STORE", "Request", "Response", "html_response", "json_response", "redirect_response", "url_with_params"]

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def html_response(page: str, status: int = 200) -> Response:
    return Response(
        status,
        page.encode("utf-8"),
        {"Content-Type": "text/html; charset=utf-8", **NO_STORE},
    )


def json_response(data: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, indent=2).encode("utf-8")
    return Response(
        status,
        body,
        {"Content-Type": "application/json", **NO_STORE, **(headers or {})},
    )


def redirect_response(location: str, status: int = 302) -> Response:
    return Response(status, b"", {"Location": location, **NO_STORE})


def url_with_params(url: str, params: dict[str, str | None]) -> str:
    """Append query parameters (those not None) to a URL that may already have some."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))

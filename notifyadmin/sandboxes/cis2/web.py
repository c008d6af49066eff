"""A minimal request/response pair, so endpoints are plain functions that are easy to read."""

import json
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""

    @property
    def form(self) -> dict[str, str]:
        if not self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return {}
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def json(self) -> object:
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return None

    def cookie(self, name: str) -> str | None:
        cookies = SimpleCookie()
        cookies.load(self.headers.get("cookie", ""))
        morsel = cookies.get(name)
        return morsel.value if morsel else None

    def bearer_token(self) -> str | None:
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)


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

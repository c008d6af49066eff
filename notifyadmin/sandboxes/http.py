"""The request/response pair the local sandboxes share, so endpoints are plain functions that are easy to read.

Both stand-ins (cis2/ and nhs_notify/) run on the standard library's ThreadingHTTPServer; their
handlers turn the raw request into a `Request`, call a plain function, and write its `Response`.
"""

import json
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl


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
        cookies: SimpleCookie = SimpleCookie()
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
    drop: bool = False  # close the connection without answering (a fault a stand-in may inject)

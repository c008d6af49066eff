"""Request builders and a callback receiver for the NHS Notify sandbox tests (no Django)."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from notifyadmin.sandboxes.nhs_notify.spec import response_problems

PLAN_ALL_CHANNELS = "b838b13c-f98c-4def-93f0-515d4e4f4ee1"  # nhsapp, email, sms, letter
PLAN_SMS_ONLY = "936e9d45-15de-4a95-bb36-ae163c33ae53"
PLAN_LETTER_ONLY = "9ba00d23-cd6f-4aca-8688-00abc85a7980"
PLAN_NHSAPP_SMS = "49e43b98-70cb-47a9-a55e-fe70c9a6f77c"
JSON_API = {"Content-Type": "application/vnd.api+json", "Accept": "application/vnd.api+json"}
API_KEY = "callback-key-for-tests"
APPLICATION_ID = "application-for-tests"


def message_body(
    reference: str = "ref-1", *, plan: str = PLAN_ALL_CHANNELS, nhs_number: str | None = "9990548609", **attributes
) -> dict:
    recipient = {"nhsNumber": nhs_number} if nhs_number else {}
    recipient.update(attributes.pop("recipient_extra", {}))
    return {
        "data": {
            "type": "Message",
            "attributes": {
                "routingPlanId": plan,
                "messageReference": reference,
                "recipient": recipient,
                "personalisation": {},
                **attributes,
            },
        }
    }


def batch_body(
    references: list[str],
    *,
    batch_reference: str = "batch-1",
    plan: str = PLAN_ALL_CHANNELS,
    nhs_number: str = "9990548609",
) -> dict:
    return {
        "data": {
            "type": "MessageBatch",
            "attributes": {
                "routingPlanId": plan,
                "messageBatchReference": batch_reference,
                "messages": [
                    {"messageReference": reference, "recipient": {"nhsNumber": nhs_number}, "personalisation": {}}
                    for reference in references
                ],
            },
        }
    }


def assert_valid(operation: str, response) -> None:
    """The answer's body is valid for its status per the official OpenAPI response schema."""
    assert response_problems(operation, response.status_code, response.json()) == []


def error_codes(response) -> list[tuple[str, str, str | None]]:
    return [
        (error["status"], error["code"], (error.get("source") or {}).get("pointer"))
        for error in response.json()["errors"]
    ]


@dataclass
class CallbackReceiver:
    """Records each callback POST (path, headers, raw body); answers with `answers` in turn, then 202."""

    url: str = ""
    posts: list[dict] = field(default_factory=list)
    answers: list[tuple[int, dict]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def items(self, kind: str | None = None) -> list[dict]:
        with self.lock:
            posts = [post for post in self.posts if post["status"] == 202]
        return [
            item
            for post in posts
            if kind is None or post["path"].endswith(kind)
            for item in json.loads(post["body"])["data"]
        ]

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.items()) < count:
            assert time.monotonic() < deadline, f"only {len(self.items())} callback items arrived"
            time.sleep(0.01)


def callback_receiver_start() -> tuple[CallbackReceiver, ThreadingHTTPServer]:
    received = CallbackReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with received.lock:
                status, headers = received.answers.pop(0) if received.answers else (202, {})
                received.posts.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                        "status": status,
                    }
                )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    received.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return received, server

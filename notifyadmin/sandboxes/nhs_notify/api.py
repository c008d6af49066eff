"""The NHS Notify API surface: routing, headers, auth, and the four endpoints.

Checks run in the order of NHS England's API gateway: authentication (jwt mode), forced errors
from `Prefer: code=...`, content negotiation (406 Accept, 415 Content-Type), `Prefer: code=429`,
unknown path (404 CM_NOT_FOUND) or method (405 CM_NOT_ALLOWED), then the endpoint. Injected
faults (faults.py) apply after routing. Every answer echoes X-Correlation-ID as X-Correlation-Id.
The API is served at the root and under /comms (the real base path), so either base URL works.
"""

import itertools
import json
import re
import secrets
import time
from json.encoder import encode_basestring_ascii as _json_string
from typing import TYPE_CHECKING

from notifyadmin.sandboxes.http import Request, Response
from notifyadmin.sandboxes.nhs_notify import errors, nhsapp_accounts
from notifyadmin.sandboxes.nhs_notify.errors import ApiFailure
from notifyadmin.sandboxes.nhs_notify.faults import Decision
from notifyadmin.sandboxes.nhs_notify.ksuid import ksuids
from notifyadmin.sandboxes.nhs_notify.plans import plan_resolve
from notifyadmin.sandboxes.nhs_notify.store import MessageRecord, now_iso
from notifyadmin.sandboxes.nhs_notify.validation import (
    batch_request_validate,
    body_parse,
    message_request_validate,
)

if TYPE_CHECKING:  # server imports this module
    from notifyadmin.sandboxes.nhs_notify.server import SandboxState

JSON_API = "application/vnd.api+json"
MEDIA_TYPES = ("application/json", JSON_API)
BASE_PATH = "/comms"
MESSAGE_PATH = re.compile(r"^/v1/messages/(.*)$")
ROUTES = (
    (re.compile(r"^/v1/message-batches$"), ("POST",)),
    (re.compile(r"^/v1/messages$"), ("POST",)),
    (MESSAGE_PATH, ("GET", "HEAD")),
    (re.compile(r"^/channels/nhsapp/accounts$"), ("GET",)),
)
_request_numbers = itertools.count(1)
_MESSAGES_PLACEHOLDER = f"messages-{secrets.token_hex(16)}"  # stands in for the list until it is joined


def request_id() -> str:
    """An id shaped like the gateway's message ids ("rrt-..."); error ids append ".<index>"."""
    return f"rrt-{secrets.randbelow(10**19)}-c-local-{next(_request_numbers)}"


def json_answer(status: int, document: object, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(document, separators=(",", ":")).encode()
    return Response(status, body, {"Content-Type": JSON_API, **(headers or {})})


def failure_answer(failure: ApiFailure, rid: str) -> Response:
    document = {"errors": [error.as_json(rid, index) for index, error in enumerate(failure.errors)]}
    return json_answer(failure.status, document, failure.headers)


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def negotiate(request: Request) -> None:
    accept = request.headers.get("accept")
    if accept is not None and accept.strip():
        offered = [_media_type(part) for part in accept.split(",")]
        if not any(media in (*MEDIA_TYPES, "*/*") for media in offered):
            raise ApiFailure(errors.not_acceptable())
    content_type = _media_type(request.headers.get("content-type", ""))
    if request.method in ("POST", "PUT", "PATCH") and content_type not in MEDIA_TYPES:
        raise ApiFailure(errors.unsupported_media())


def route_check(method: str, path: str) -> None:
    for pattern, methods in ROUTES:
        if pattern.match(path):
            if method not in methods:
                raise ApiFailure(errors.not_allowed())
            return
    raise ApiFailure(errors.not_found())


class Endpoints:
    """The endpoints, over the sandbox's state (server.Sandbox gives it store, simulation, faults)."""

    def __init__(self, sandbox: "SandboxState") -> None:
        self.sandbox = sandbox

    def create_message(self, request: Request, base: str, decision: Decision) -> Response:
        state = self.sandbox
        attributes = message_request_validate(
            body_parse(request.body),
            authorization=request.headers.get("authorization", ""),
            permissions=state.permissions,
        )
        plan = plan_resolve(attributes["routingPlanId"])
        reference = attributes["messageReference"]
        claim = state.store.claim(message_references=[reference])
        try:
            _suffer(decision)
            message_id = ksuids(1)[0]
            created = now_iso()
            recipient = attributes["recipient"]
            record = MessageRecord(
                id=message_id,
                reference=reference,
                plan=plan,
                nhs_number=recipient.get("nhsNumber"),
                contact=recipient.get("contactDetails"),
                created=created,
                personalisation=attributes.get("personalisation"),
            )
        except BaseException:
            state.store.release(claim)
            raise
        state.store.commit(claim, [record])
        state.simulation.schedule([record])
        document = {
            "data": {
                "type": "Message",
                "id": message_id,
                "attributes": {
                    "messageReference": reference,
                    "messageStatus": "created",
                    "timestamps": {"created": created},
                    "routingPlan": plan.as_json(),
                },
                "links": {"self": f"{base}/v1/messages/{message_id}"},
            }
        }
        return json_answer(201, document, {"Location": f"/v1/messages/{message_id}"})

    def create_batch(self, request: Request, base: str, decision: Decision) -> Response:
        state = self.sandbox
        attributes = batch_request_validate(
            body_parse(request.body),
            authorization=request.headers.get("authorization", ""),
            permissions=state.permissions,
        )
        plan = plan_resolve(attributes["routingPlanId"])
        messages = attributes["messages"]
        references = [message["messageReference"] for message in messages]
        batch_reference = attributes["messageBatchReference"]
        claim = state.store.claim(message_references=references, batch_reference=batch_reference)
        try:
            _suffer(decision)
            ids = ksuids(len(messages) + 1)
            batch_id, message_ids = ids[0], ids[1:]
            created = now_iso()
            records = [
                MessageRecord(
                    message_id,
                    reference,
                    plan,
                    message["recipient"].get("nhsNumber"),
                    message["recipient"].get("contactDetails"),
                    created,
                    batch_id,
                    message.get("personalisation"),
                )
                for message_id, reference, message in zip(message_ids, references, messages, strict=True)
            ]
        except BaseException:
            state.store.release(claim)
            raise
        state.store.commit(claim, records, batch_reference=batch_reference)
        state.simulation.schedule(records)
        document = {
            "data": {
                "type": "MessageBatch",
                "id": batch_id,
                "attributes": {
                    "messageBatchReference": batch_reference,
                    "routingPlan": plan.as_json(),
                    "messages": _MESSAGES_PLACEHOLDER,
                },
            }
        }
        # The messages list is joined as text: ten thousand small dicts through json.dumps cost
        # more than everything else in the request.
        listed = ",".join(
            f'{{"messageReference":{_json_string(reference)},"id":"{message_id}"}}'
            for reference, message_id in zip(references, message_ids, strict=True)
        )
        head, _, tail = json.dumps(document, separators=(",", ":")).rpartition(f'"{_MESSAGES_PLACEHOLDER}"')
        body = f"{head}[{listed}]{tail}"
        return Response(201, body.encode(), {"Content-Type": JSON_API})

    def get_message(self, message_id: str, base: str, decision: Decision) -> Response:
        _suffer(decision)
        fixture = self.sandbox.fixture(message_id)
        if fixture is not None:
            fixture["data"]["links"]["self"] = f"{base}/v1/messages/{message_id}"
            return json_answer(200, fixture)
        with self.sandbox.store.lock:
            record = self.sandbox.store.get(message_id)
            document = message_document(record, base) if record is not None else None
        if document is None:
            raise ApiFailure(errors.not_found())
        return json_answer(200, document)

    def nhsapp_accounts(self, request: Request, base: str, decision: Decision) -> Response:
        _suffer(decision)
        return json_answer(200, nhsapp_accounts.accounts_page(request.query, f"{base}/channels/nhsapp/accounts"))


def _suffer(decision: Decision) -> None:
    """Added latency, or a timeout's long sleep, while the request's references are claimed."""
    if decision.delay > 0:
        time.sleep(decision.delay)


def message_document(record: MessageRecord, base: str) -> dict:
    """GET /v1/messages/{id}: status and channels in cascade order; never contact details."""
    attributes: dict = {
        "messageReference": record.reference,
        "messageStatus": record.status,
        "timestamps": record.timestamps,
        "routingPlan": record.plan.as_json(),
    }
    if record.description:
        attributes["messageStatusDescription"] = record.description
    if record.failure_code:
        attributes["messageFailureReasonCode"] = record.failure_code
    if record.channels:
        attributes["channels"] = [
            {
                "type": channel.type,
                "cascadeType": "primary",
                "cascadeOrder": channel.order,
                "channelStatus": channel.status,
                **({"supplierStatus": channel.supplier} if channel.supplier else {}),
                **({"channelStatusDescription": channel.description} if channel.description else {}),
                **({"channelFailureReasonCode": channel.failure_code} if channel.failure_code else {}),
                "timestamps": dict(channel.timestamps),
                "routingPlan": {"id": record.plan.id, "version": record.plan.version, "type": "original"},
            }
            for channel in record.channels
        ]
    data: dict = {
        "type": "Message",
        "id": record.id,
        "attributes": attributes,
        "links": {"self": f"{base}/v1/messages/{record.id}"},
    }
    if record.batch_id:
        data["relationships"] = {"messageBatch": {"data": {"type": "MessageBatch", "id": record.batch_id}}}
    return {"data": data}

"""NHS Notify's status callbacks: /callbacks/nhs-notify/message-status and /channel-status.

Checked in this order, each refusal saying only what failed:
- `x-api-key` equals the agreed key (401), compared in constant time;
- `x-hmac-sha256-signature` is the hex HMAC-SHA256 of the exact body keyed with
  "<application id>.<api key>" (403), compared in constant time;
- the body is at most CALLBACK_MAX_BYTES (413), JSON (400), `{"data": [items]}` with every item
  of the endpoint's type carrying what we need, readable (no control characters, NHS Notify's
  id a KSUID, statuses short codes, a printable idempotency key): else 400 naming the first bad
  item's field, and nothing of the callback is applied.
Then the items are applied in bulk (receipts.receipts_apply) and 202 is answered.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifyadmin.accounts.access import public
from notifyadmin.sending.receipts import receipts_apply

CALLBACK_MAX_BYTES = 6 * 1024 * 1024
_REQUIRED = {
    "MessageStatus": ("messageId", "messageReference", "messageStatus", "timestamp"),
    "ChannelStatus": ("messageId", "messageReference", "channel", "channelStatus", "timestamp"),
}
_CHANNELS = {"nhsapp", "sms", "email", "letter"}
# NHS Notify's message ids are KSUIDs (schemas/types/KSUID.yaml).
_KSUID = re.compile(r"[a-zA-Z0-9]{27}")
# Statuses are short codes, stored as such (MessageEvent.channel_status and supplier_status).
_STATUS_FIELDS = ("messageStatus", "channelStatus", "supplierStatus")
_STATUS_MAX = 30
# Control characters (NUL among them) that no value we store may carry; tabs and line breaks may.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _problem(status: int, title: str) -> JsonResponse:
    return JsonResponse({"title": title, "status": status}, status=status, content_type="application/problem+json")


def signature_of(body: bytes) -> str:
    secret = f"{settings.NOTIFY_APPLICATION_ID}.{settings.NOTIFY_CALLBACK_API_KEY}".encode()
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def _items(body: bytes, kind: str) -> tuple[list[dict[str, Any]] | None, str]:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None, "The body is not JSON."
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, list) or not data:
        return None, "The body needs a non-empty data list."
    for index, item in enumerate(data):
        if not isinstance(item, dict) or item.get("type") != kind:
            return None, f"data[{index}].type must be {kind}."
        attributes, meta = item.get("attributes"), item.get("meta")
        if not isinstance(attributes, dict):
            return None, f"data[{index}].attributes is missing."
        for name in _REQUIRED[kind]:
            if not isinstance(attributes.get(name), str) or not attributes[name]:
                return None, f"data[{index}].attributes.{name} is missing."
        problem = _attributes_problem(attributes, kind)
        if problem:
            return None, f"data[{index}].attributes.{problem}"
        key = meta.get("idempotencyKey") if isinstance(meta, dict) else None
        if not isinstance(key, str) or not 1 <= len(key) <= 64 or not key.isprintable():
            return None, f"data[{index}].meta.idempotencyKey must be 1 to 64 printable characters."
    return data, ""


def _attributes_problem(attributes: dict[str, Any], kind: str) -> str:
    """What is wrong with an item's attributes ("" when nothing), as "<name> <problem>.": every
    text we may store is free of control characters, the id is NHS Notify's, statuses are codes."""
    for name, value in attributes.items():
        if isinstance(value, str) and _CONTROL.search(value):
            return f"{name} has characters that cannot be read."
    if not _KSUID.fullmatch(attributes["messageId"]):
        return "messageId is not an NHS Notify id."
    if kind == "ChannelStatus" and attributes["channel"] not in _CHANNELS:
        return "channel is not a channel."
    for name in _STATUS_FIELDS:
        value = attributes.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > _STATUS_MAX):
            return f"{name} is not a status."
    return ""


def _receive(request: HttpRequest, kind: str) -> HttpResponse:
    expected_key = settings.NOTIFY_CALLBACK_API_KEY
    presented = request.headers.get("x-api-key", "")
    if not expected_key or not hmac.compare_digest(presented.encode(), expected_key.encode()):
        return _problem(401, "The x-api-key header is missing or wrong.")
    if int(request.headers.get("Content-Length") or 0) > CALLBACK_MAX_BYTES:
        return _problem(413, "The callback body is too large.")
    body = request.body
    signature = request.headers.get("x-hmac-sha256-signature", "")
    if not hmac.compare_digest(signature.encode(), signature_of(body).encode()):
        return _problem(403, "The x-hmac-sha256-signature does not match the body.")
    items, problem = _items(body, kind)
    if items is None:
        return _problem(400, problem)
    outcome = receipts_apply(items=items, kind=kind)
    _bounces_record(outcome.bounced)
    return HttpResponse(status=202)


def _bounces_record(bounced: list[tuple[str, str]]) -> None:
    if bounced:
        from notifyadmin.sending.bounces import bounces_record

        bounces_record(bounced=bounced)


@public("NHS Notify's delivery callbacks: authenticated by x-api-key and an HMAC of the body")
@csrf_exempt
@require_POST
def message_status(request: HttpRequest) -> HttpResponse:
    return _receive(request, "MessageStatus")


@public("NHS Notify's delivery callbacks: authenticated by x-api-key and an HMAC of the body")
@csrf_exempt
@require_POST
def channel_status(request: HttpRequest) -> HttpResponse:
    return _receive(request, "ChannelStatus")

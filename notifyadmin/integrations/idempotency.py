"""`Idempotency-Key`: a client system's write, repeated under the same key, gets the first
response and changes nothing again, even when the repeats arrive at the same moment.

Design (docs/api.md, "Idempotency"):
1. The key is visible ASCII (0x21-0x7E), 1 to 255 characters; anything else is a 400 problem
   naming the header, refused before the database is touched.
2. The first request claims the key: it commits an IN_PROGRESS record under the unique
   constraint (client, key) before doing the work. The work and the record's completion (status
   and body) commit in one transaction, so a completed record always matches what was written.
3. A repeat finds the record. A different body (or endpoint) is refused with 422. A completed
   record is replayed (same status and body, header `Idempotent-Replayed: true`). A record still
   in progress is waited for, polling, up to WAIT_SECONDS; if it is still not done, 409
   "still being processed" with `Retry-After`.
4. A refused or failed first request removes its claim, so nothing is stored for it and the
   client may correct the request and send it again under the same key (a waiting repeat then
   claims the key and does the work itself). A claim left by a crashed process is taken over
   after STALE_AFTER.
"""

import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from notifyadmin.core.actor import Actor
from notifyadmin.core.api import Problem
from notifyadmin.integrations.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05
RETRY_AFTER_SECONDS = 1
STALE_AFTER = timedelta(minutes=5)

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    pattern=r"^[\x21-\x7e]{1,255}$",
    description=(
        "A new key for each distinct change: visible ASCII, 1 to 255 characters. A repeat with the "
        "same body gets the first response; a repeat with a different body is refused (422); a "
        "repeat while the first is still running waits for it, or answers 409 with Retry-After."
    ),
)

Work = Callable[[], tuple[int, dict[str, Any]]]


def idempotency_key_of(request: Request) -> str:
    key = request.headers.get(HEADER)
    if key is None:
        raise Problem(
            status_code=400,
            slug="validation-error",
            title="Your request has invalid fields",
            detail=f"Send an {HEADER} header with every change.",
            errors={HEADER: [f"Send an {HEADER} header with every change."]},
        )
    if not KEY_PATTERN.fullmatch(key):
        message = f"{HEADER} must be 1 to 255 visible ASCII characters (letters, digits, punctuation; no spaces)."
        raise Problem(
            status_code=400,
            slug="validation-error",
            title="Your request has invalid fields",
            detail=message,
            errors={HEADER: [message]},
        )
    return key


def request_fingerprint(*, endpoint: str, body: Any) -> str:
    canonical = json.dumps({"endpoint": endpoint, "body": body}, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _claim(*, client: Any, key: str, endpoint: str, request_hash: str) -> tuple[IdempotencyRecord | None, bool]:
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                client=client, key=key, endpoint=endpoint, request_hash=request_hash
            )
        return record, True
    except IntegrityError:
        return IdempotencyRecord.objects.filter(client=client, key=key).first(), False


def _replay(record: IdempotencyRecord) -> Response:
    return Response(
        record.response_body,
        status=record.response_status or 200,
        headers={"Idempotent-Replayed": "true"},
    )


def idempotent_response(*, request: Request, actor: Actor, endpoint: str, work: Work) -> Response:
    """Run `work` at most once per (client, Idempotency-Key); see the module docstring."""
    key = idempotency_key_of(request)
    client = actor.client
    request_hash = request_fingerprint(endpoint=endpoint, body=request.data)
    deadline = time.monotonic() + WAIT_SECONDS
    record: IdempotencyRecord | None = None
    while True:
        record, claimed = _claim(client=client, key=key, endpoint=endpoint, request_hash=request_hash)
        if claimed:
            break
        if record is None:  # the first request gave up its claim just now: try to claim again
            continue
        if record.request_hash != request_hash:
            raise Problem(
                status_code=422,
                slug="idempotency-key-reused",
                detail=f"This {HEADER} was already used with a different request. Use a new key for a new change.",
            )
        if record.state == IdempotencyRecord.State.COMPLETE:
            return _replay(record)
        if record.created_at < timezone.now() - STALE_AFTER:
            IdempotencyRecord.objects.filter(pk=record.pk, state=IdempotencyRecord.State.IN_PROGRESS).delete()
            continue
        if time.monotonic() >= deadline:
            raise Problem(
                status_code=409,
                slug="still-being-processed",
                title="Still being processed",
                detail=f"A request with this {HEADER} is still being processed. Send it again after a moment.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        time.sleep(POLL_SECONDS)
    try:
        with transaction.atomic():
            status_code, payload = work()
            stored = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
            IdempotencyRecord.objects.filter(pk=record.pk).update(  # type: ignore[union-attr]
                state=IdempotencyRecord.State.COMPLETE,
                response_status=status_code,
                response_body=stored,
                completed_at=timezone.now(),
            )
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk, state=IdempotencyRecord.State.IN_PROGRESS).delete()  # type: ignore[union-attr]
        raise
    return Response(stored, status=status_code)

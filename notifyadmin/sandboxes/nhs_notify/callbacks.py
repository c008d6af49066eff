"""Signed status callbacks to the sender, from a background thread that never blocks the API.

As NHS Notify sends them: POST `<base>/callbacks/nhs-notify/message-status` (MessageStatus
items) and `<base>/callbacks/nhs-notify/channel-status` (ChannelStatus items), each body
`{"data": [...]}` with up to `BATCH` items, `Content-Type: application/vnd.api+json`, headers
`x-api-key` (the agreed callback key) and `x-hmac-sha256-signature` (hex HMAC-SHA256 of the
exact body, keyed with "<application id>.<api key>"). Every item carries `links.message` and
`meta.idempotencyKey` (64 hex, the same on every delivery of that item).

A POST answered with anything but 2xx (or not answered) is retried with exponential backoff
and jitter, or after the receiver's Retry-After when that is longer; a negative Retry-After
stops retries of that POST, as NHS Notify documents. Faults can deliver an item twice or hold
it back so it arrives after later ones (faults.py).
"""

import hashlib
import hmac
import json
import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import requests

logger = logging.getLogger("notifyadmin.sandboxes.nhs_notify")

PATHS = {
    "message-status": "/callbacks/nhs-notify/message-status",
    "channel-status": "/callbacks/nhs-notify/channel-status",
}
BATCH = 100
TIMEOUT = 5.0
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
MAX_ATTEMPTS = 12
DELIVERY_LOG_LENGTH = 1000


def signature(body: bytes, *, application_id: str, api_key: str) -> str:
    """The x-hmac-sha256-signature NHS Notify sends with this body."""
    return hmac.new(f"{application_id}.{api_key}".encode(), body, hashlib.sha256).hexdigest()


@dataclass
class _Post:
    kind: str
    items: list[dict]
    attempts: int = 0
    due: float = 0.0
    body: bytes = b""


@dataclass
class CallbackFaults:
    """Shares (0-1) of callback items delivered twice, or held back until after later items."""

    duplicate: float = 0.0
    out_of_order: float = 0.0
    rng: random.Random = field(default_factory=random.Random)


class CallbackSender:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        application_id: str,
        message_url: str,
        faults: CallbackFaults,
        lock: threading.Lock,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.application_id = application_id
        self.message_url = message_url.rstrip("/")
        self.faults = faults
        self._faults_lock = lock
        self._queues: dict[str, deque[dict]] = {kind: deque() for kind in PATHS}
        self._held: dict[str, list[dict]] = {kind: [] for kind in PATHS}
        self._retries: list[_Post] = []
        self._condition = threading.Condition()
        self._sending = False
        self._stopped = False
        self._sequence = 0
        self.deliveries: deque[dict] = deque(maxlen=DELIVERY_LOG_LENGTH)
        self.items_delivered = 0
        self._session = requests.Session()
        self._thread = threading.Thread(target=self._run, name="nhs-notify-callbacks", daemon=True)
        self._thread.start()

    def enqueue(self, kind: str, items: list[dict]) -> None:
        """Queue items for delivery (called by the simulation, in bulk)."""
        with self._condition:
            for item in items:
                self._sequence += 1
                item["links"]["message"] = f"{self.message_url}/{item['links']['message']}"
                seed = f"{item['attributes']['messageId']}:{kind}:{self._sequence}".encode()
                item["meta"]["idempotencyKey"] = hashlib.sha256(seed).hexdigest()
            self._queues[kind].extend(items)
            self._condition.notify()

    def idle(self) -> bool:
        with self._condition:
            return (
                not self._sending
                and not self._retries
                and not any(self._queues.values())
                and not any(self._held.values())
            )

    def clear(self) -> None:
        with self._condition:
            for queue in self._queues.values():
                queue.clear()
            for held in self._held.values():
                held.clear()
            self._retries.clear()
            self.deliveries.clear()
            self.items_delivered = 0

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify()
        self._thread.join(timeout=TIMEOUT + 1)
        self._session.close()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._stopped and not self._ready():
                    waits = [post.due - time.monotonic() for post in self._retries]
                    self._condition.wait(max(0.01, min(waits)) if waits else None)
                if self._stopped:
                    return
                post = self._next_post()
                self._sending = True
            try:
                self._deliver(post)
            finally:
                with self._condition:
                    self._sending = False

    def _ready(self) -> bool:
        now = time.monotonic()
        return any(self._queues.values()) or any(self._held.values()) or any(p.due <= now for p in self._retries)

    def _next_post(self) -> _Post:
        now = time.monotonic()
        for post in self._retries:
            if post.due <= now:
                self._retries.remove(post)
                return post
        for kind, queue in self._queues.items():
            if queue:
                items = [queue.popleft() for _ in range(min(BATCH, len(queue)))]
                return _Post(kind, self._apply_faults(kind, items))
        # Only held-back items remain: release them now, after everything queued before them.
        kind = next(kind for kind, held in self._held.items() if held)
        items, self._held[kind] = self._held[kind][:BATCH], self._held[kind][BATCH:]
        return _Post(kind, items)

    def _apply_faults(self, kind: str, items: list[dict]) -> list[dict]:
        with self._faults_lock:
            duplicate, out_of_order, rng = self.faults.duplicate, self.faults.out_of_order, self.faults.rng
            if not duplicate and not out_of_order:
                return items
            released, self._held[kind] = self._held[kind], []
            sent: list[dict] = []
            for item in items:
                if out_of_order and rng.random() < out_of_order:
                    self._held[kind].append(item)
                    continue
                sent.append(item)
                if duplicate and rng.random() < duplicate:
                    self._held[kind].append(item)  # the same item again, in a later POST
        # Items held back last time go after this POST's items: they arrive out of order. (When
        # every item was held, the POST is empty and is skipped; the held ones go next time.)
        return sent + released

    def _deliver(self, post: _Post) -> None:
        if not post.items:
            return
        if not post.body:
            post.body = json.dumps({"data": post.items}, separators=(",", ":")).encode()
        post.attempts += 1
        url = self.base_url + PATHS[post.kind]
        headers = {
            "Content-Type": "application/vnd.api+json",
            "x-api-key": self.api_key,
            "x-hmac-sha256-signature": signature(post.body, application_id=self.application_id, api_key=self.api_key),
        }
        status: int | str
        retry_after: float | None = None
        try:
            response = self._session.post(url, data=post.body, headers=headers, timeout=TIMEOUT)
            status = response.status_code
            retry_after = _retry_after(response.headers.get("Retry-After"))
        except requests.RequestException as error:
            status = type(error).__name__
        ok = isinstance(status, int) and 200 <= status < 300
        self.deliveries.append(
            {"at": time.time(), "kind": post.kind, "items": len(post.items), "status": status, "attempt": post.attempts}
        )
        if ok:
            self.items_delivered += len(post.items)
            return
        if (retry_after is not None and retry_after < 0) or post.attempts >= MAX_ATTEMPTS:
            logger.warning("callback POST to %s abandoned after %s attempts", PATHS[post.kind], post.attempts)
            return
        backoff = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (post.attempts - 1)) * (1 + random.random() / 4)  # noqa: S311
        post.due = time.monotonic() + max(backoff, retry_after or 0)
        with self._condition:
            self._retries.append(post)


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None

"""What the sandbox remembers: accepted messages, references seen, requests in flight, and a request log.

Idempotency as NHS Notify does it: a messageReference (or messageBatchReference) is claimed
when a request starts and committed when it is accepted. A reference already committed is
422 CM_DUPLICATE_REQUEST; one still claimed by a request being processed is 425
CM_RETRY_TOO_EARLY. A request that fails after claiming releases its claims.

One lock guards everything, taken once per request (and per simulation slice), never per
message, so a 10,000-message batch costs one acquisition.
"""

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from notifyadmin.sandboxes.nhs_notify import errors
from notifyadmin.sandboxes.nhs_notify.errors import ApiFailure
from notifyadmin.sandboxes.nhs_notify.plans import RoutingPlan

REQUEST_LOG_LENGTH = 2000


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(slots=True)
class Channel:
    type: str
    order: int
    status: str = "created"
    supplier: str | None = None
    description: str | None = None
    failure_code: str | None = None
    timestamps: dict[str, str] = field(default_factory=dict)


class MessageRecord:
    """One accepted message. Contact details are kept only to simulate delivery; never returned.

    A plain slotted class holding no containers until the simulation enriches it: a batch
    creates ten thousand at once, and each container would be more work for the garbage
    collector (which made a 10,000-message batch ten times slower)."""

    __slots__ = (
        "batch_id",
        "channel_index",
        "channels",
        "contact",
        "created",
        "delivered",
        "description",
        "enriched",
        "failed",
        "failure_code",
        "id",
        "nhs_number",
        "personalisation",
        "phase",
        "plan",
        "reference",
        "script",
        "status",
    )

    def __init__(
        self,
        id: str,
        reference: str,
        plan: RoutingPlan,
        nhs_number: str | None,
        contact: dict | None,
        created: str,
        batch_id: str | None = None,
        personalisation: dict | None = None,
    ) -> None:
        self.id = id
        self.reference = reference
        self.plan = plan
        self.nhs_number = nhs_number
        self.contact = contact
        self.created = created
        self.batch_id = batch_id
        self.personalisation = personalisation
        self.status = "created"
        self.description: str | None = None
        self.failure_code: str | None = None
        self.enriched: str | None = None
        self.delivered: str | None = None
        self.failed: str | None = None
        self.channels: list[Channel] | None = None  # listed at enrichment, in cascade order
        # Simulation state (simulation.py): phase, current channel, supplier steps still to come.
        self.phase = 0
        self.channel_index = 0
        self.script: list | None = None

    @property
    def timestamps(self) -> dict[str, str]:
        stamps = {
            "created": self.created,
            "enriched": self.enriched,
            "delivered": self.delivered,
            "failed": self.failed,
        }
        return {name: stamp for name, stamp in stamps.items() if stamp}


@dataclass
class Claim:
    """References a request holds while it is processed."""

    keys: list[str]


class Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.messages: dict[str, MessageRecord] = {}
        self.reference_ids: dict[str, str] = {}  # messageReference -> message id
        self.accepted_counts: dict[str, int] = {}  # messageReference -> times accepted (must be 1)
        self.batch_references: dict[str, str] = {}  # messageBatchReference -> batch id
        self.in_flight: set[str] = set()
        self.requests: deque[dict] = deque(maxlen=REQUEST_LOG_LENGTH)
        self.request_counts: dict[str, int] = {}

    # Idempotency ---------------------------------------------------------------------------
    def claim(self, *, message_references: list[str], batch_reference: str | None = None) -> Claim:
        """Claim the references for this request, or raise 422 (seen before) or 425 (in flight)."""
        keys = [f"message:{reference}" for reference in message_references]
        if batch_reference is not None:
            keys.insert(0, f"batch:{batch_reference}")
        with self.lock:
            if batch_reference is not None and batch_reference in self.batch_references:
                raise ApiFailure(errors.duplicate_batch_request())
            in_batch = batch_reference is not None
            for index, reference in enumerate(message_references):
                if reference in self.reference_ids:
                    pointer = (
                        f"/data/attributes/messages/{index}/messageReference"
                        if in_batch
                        else "/data/attributes/messageReference"
                    )
                    raise ApiFailure(errors.duplicate_message_request(pointer))
            if not self.in_flight.isdisjoint(keys):
                raise errors.failure_with_retry_after(errors.retry_too_early())
            self.in_flight.update(keys)
        return Claim(keys)

    def release(self, claim: Claim) -> None:
        with self.lock:
            self.in_flight.difference_update(claim.keys)

    def commit(self, claim: Claim, records: list[MessageRecord], *, batch_reference: str | None = None) -> None:
        """Record the accepted messages and release the claim, in one step."""
        with self.lock:
            self.in_flight.difference_update(claim.keys)
            messages, reference_ids, counts = self.messages, self.reference_ids, self.accepted_counts
            for record in records:
                messages[record.id] = record
                reference_ids[record.reference] = record.id
                counts[record.reference] = counts.get(record.reference, 0) + 1
            if batch_reference is not None and records:
                self.batch_references[batch_reference] = records[0].batch_id or ""

    # Reading -------------------------------------------------------------------------------
    def get(self, message_id: str) -> MessageRecord | None:
        return self.messages.get(message_id)

    def log_request(
        self, *, method: str, path: str, status: int | str, messages: int = 0, fault: str | None = None
    ) -> None:
        entry = {"at": time.time(), "method": method, "path": path, "status": status, "messages": messages}
        if fault:
            entry["fault"] = fault
        with self.lock:
            self.requests.append(entry)
            key = f"{method} {path} {status}"
            self.request_counts[key] = self.request_counts.get(key, 0) + 1

    def accepted_report(self) -> dict:
        """Every accepted message with how many times its messageReference was accepted."""
        with self.lock:
            messages = [
                {
                    "messageReference": record.reference,
                    "id": record.id,
                    "accepted": self.accepted_counts.get(record.reference, 0),
                    "routingPlanId": record.plan.id,
                    "batchId": record.batch_id,
                    "messageStatus": record.status,
                }
                for record in self.messages.values()
            ]
            duplicates = sorted(reference for reference, count in self.accepted_counts.items() if count != 1)
            return {
                "total": len(messages),
                "batches": len(self.batch_references),
                "acceptedMoreThanOnce": duplicates,
                "inFlight": len(self.in_flight),
                "messages": messages,
            }

    def request_report(self) -> dict:
        with self.lock:
            return {"counts": dict(self.request_counts), "recent": list(self.requests)}

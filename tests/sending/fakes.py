"""A scripted provider for the dispatcher's unit tests (integration tests use the sandbox)."""

import itertools
from collections import Counter
from dataclasses import dataclass, field

from notifyadmin.sending.providers.base import BatchAccepted, BatchRequest
from notifyadmin.sending.providers.errors import DuplicateRequest, ProviderError


@dataclass
class ScriptedProvider:
    """Answers each send_batch with the next scripted outcome (an exception to raise, or
    "accept"); then accepts. Records every request and which references it accepted."""

    script: list[object] = field(default_factory=list)
    requests: list[BatchRequest] = field(default_factory=list)
    accepted: Counter = field(default_factory=Counter)
    accepted_batches: set[str] = field(default_factory=set)
    _ids = itertools.count(1)

    def send_batch(self, *, batch: BatchRequest, correlation_id: str | None = None) -> BatchAccepted:
        self.requests.append(batch)
        outcome = self.script.pop(0) if self.script else "accept"
        if outcome == "accept-then-drop":
            self._accept(batch)
            from notifyadmin.sending.providers.errors import OutcomeUnknown

            raise OutcomeUnknown("connection dropped after sending")
        if isinstance(outcome, ProviderError):
            raise outcome
        if batch.message_batch_reference in self.accepted_batches:
            raise DuplicateRequest("duplicate", http_status=422, codes=["CM_DUPLICATE_REQUEST"])
        ids = self._accept(batch)
        return BatchAccepted(
            batch_id=f"batch{len(self.requests):023d}",
            message_batch_reference=batch.message_batch_reference,
            routing_plan=None,
            message_ids=ids,
            unacknowledged_references=(),
            correlation_id=correlation_id or "",
        )

    def _accept(self, batch: BatchRequest) -> dict[str, str]:
        self.accepted_batches.add(batch.message_batch_reference)
        ids = {}
        for message in batch.messages:
            self.accepted[message.message_reference] += 1
            ids[message.message_reference] = f"{next(self._ids):027d}"
        return ids

    def send_message(self, **kwargs):  # pragma: no cover - the dispatcher sends batches
        raise NotImplementedError

    def message_status(self, **kwargs):  # pragma: no cover
        raise NotImplementedError

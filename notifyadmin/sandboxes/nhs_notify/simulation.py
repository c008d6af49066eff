"""The delivery simulation: every accepted message moves through NHS Notify's statuses over time.

Message: created -> pending_enrichment -> enriched (channels listed, all `created`) -> sending
-> delivered | failed. Each channel, in cascade order: created -> sending -> (supplier statuses)
-> delivered | failed. A failed channel falls back to the next; the first delivered channel
delivers the message and later channels stay `created` (as in the published sandbox's fixtures);
when every channel fails, the message fails with the last channel's reason.

What happens is decided by the safe-recipient catalogue (notifyadmin.core.safe_recipients):
the NHS number stands for what PDS holds (NHS App account, mobile, email, address, or that the
patient is not in PDS); contact details in the request override PDS's. NHS App messages count
as delivered when read; an unread one fails after `timings.read_wait` and the cascade moves on.
A free-text message whose personalisation field is missing or too long fails at enrichment, as
NHS Notify accepts it and fails it later.

Each status change is one step, `timings.step` seconds after the last (0: immediately). A ticker
thread processes due messages in slices under the store lock, never one thread per message,
and hands MessageStatus / ChannelStatus callback items to the callback sender in bulk.
"""

import heapq
import itertools
import threading
import time
from collections.abc import Callable

from notifyadmin.core.safe_recipients import Outcome, email_outcome, mobile_outcome, patient_for
from notifyadmin.sandboxes.nhs_notify.config import Timings
from notifyadmin.sandboxes.nhs_notify.plans import EMAIL, LETTER, NHSAPP, SMS
from notifyadmin.sandboxes.nhs_notify.store import Channel, MessageRecord, Store, now_iso

SLICE = 2000
CONTACT_MISSING = ("CFR_PDSV_0002", "Failed reason: Contact detail is missing")
NO_NHSAPP_ACCOUNT = (None, "Failed reason: Patient is not registered for the NHS App")
NOT_READ = (None, "Message not read in specified time frame")
SMS_TEMPORARY = (
    "CFR_SUPE_0007",
    "Failed reason: The provider could not deliver the message. This can happen when the recipient’s phone is off, "
    "has no signal, or their text message inbox is full. You can try to send the message again. You’ll still be "
    "charged for text messages to phones that are not accepting messages.",
)
EMAIL_TEMPORARY = (
    "CFR_SUPE_0007",
    "Failed reason: The provider could not deliver the message. This can happen when the recipient’s inbox is full "
    "or their anti-spam filter rejects your email. Check your content does not look like spam before you try to "
    "send the message again.",
)
SMS_PERMANENT = (
    "CFR_SUPE_0007",
    "Failed reason: The provider could not deliver the message: the number is not in use.",
)
EMAIL_PERMANENT = ("CFR_SUPE_0007", "Failed reason: The provider could not deliver the message: the address bounced.")
PDS_FAILURES = {
    Outcome.NOT_IN_PDS: ("MFR_PDSV_0006", "Failed reason: Patient does not exist in PDS"),
    Outcome.FORMALLY_DEAD: ("MFR_PDSV_0112", "Failed reason: Patient is formally dead"),
}

# Phases of a message
_CREATED, _ENRICH, _START_CHANNEL, _SUPPLIER, _DONE = range(5)
# One supplier step: (supplierStatus, final channelStatus or None, failure (code, description) or None, wait)
_STEP, _READ_WAIT = "step", "read_wait"

Emit = Callable[[str, list[dict]], None]


def _supplier_script(channel: str, outcome: Outcome) -> list[tuple]:
    if channel == NHSAPP:
        if outcome == Outcome.READ:
            return [
                ("delivered", None, None, _STEP),
                ("notified", None, None, _STEP),
                ("read", "delivered", None, _STEP),
            ]
        if outcome == Outcome.UNREAD:
            return [
                ("delivered", None, None, _STEP),
                ("notified", None, None, _STEP),
                ("notified", "failed", NOT_READ, _READ_WAIT),
            ]
        return [("delivered", None, None, _STEP), ("read", "delivered", None, _STEP)]
    if channel == LETTER:
        return [("accepted", None, None, _STEP), ("received", "delivered", None, _STEP)]
    if outcome == Outcome.TEMPORARY_FAILURE:
        return [("temporary_failure", "failed", SMS_TEMPORARY if channel == SMS else EMAIL_TEMPORARY, _STEP)]
    if outcome == Outcome.PERMANENT_FAILURE:
        return [("permanent_failure", "failed", SMS_PERMANENT if channel == SMS else EMAIL_PERMANENT, _STEP)]
    return [("delivered", "delivered", None, _STEP)]


def channel_outcome(record: MessageRecord, channel: str) -> Outcome | tuple:
    """The outcome of this channel for this recipient, or the (code, description) of why it cannot start."""
    patient = patient_for(record.nhs_number) if record.nhs_number else None
    contact = record.contact or {}
    if channel == NHSAPP:
        if patient is None:
            return CONTACT_MISSING
        return NO_NHSAPP_ACCOUNT if patient.nhsapp == Outcome.NO_NHSAPP_ACCOUNT else patient.nhsapp
    if channel == SMS:
        number = contact.get("sms") or (patient.mobile if patient else None)
        return mobile_outcome(number) if number else CONTACT_MISSING
    if channel == EMAIL:
        address = contact.get("email") or (patient.email if patient else None)
        return email_outcome(address) if address else CONTACT_MISSING
    has_address = bool(contact.get("address")) or bool(patient and patient.has_address)
    return Outcome.DELIVERED if has_address else CONTACT_MISSING


class Simulation:
    def __init__(self, *, store: Store, timings: Timings, emit: Emit | None) -> None:
        self.store = store
        self.timings = timings
        self.emit = emit  # None: nobody listens, so callback items are not even built
        self._heap: list[tuple[float, int, list[MessageRecord]]] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._busy = False
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="nhs-notify-simulation", daemon=True)
        self._thread.start()

    # Scheduling --------------------------------------------------------------------------------
    def schedule(self, records: list[MessageRecord], delay: float | None = None) -> None:
        if not records:
            return
        due = time.monotonic() + (self.timings.step if delay is None else delay)
        with self._condition:
            heapq.heappush(self._heap, (due, next(self._sequence), records))
            self._condition.notify()

    def clear(self) -> None:
        with self._condition:
            self._heap.clear()

    def idle(self) -> bool:
        with self._condition:
            return not self._heap and not self._busy

    def pending(self) -> int:
        with self._condition:
            return sum(len(records) for _, _, records in self._heap)

    def stop(self) -> None:
        with self._condition:
            self._stopped = True
            self._condition.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._condition.wait(timeout)
                if self._stopped:
                    return
                due: list[MessageRecord] = []
                while self._heap and self._heap[0][0] <= time.monotonic():
                    due.extend(heapq.heappop(self._heap)[2])
                self._busy = True
            try:
                for start in range(0, len(due), SLICE):
                    self._advance(due[start : start + SLICE])
            finally:
                with self._condition:
                    self._busy = False
                    self._condition.notify_all()

    # Stepping ----------------------------------------------------------------------------------
    def _advance(self, records: list[MessageRecord]) -> None:
        stamp = now_iso()
        message_items: list[dict] = []
        channel_items: list[dict] = []
        later: dict[float, list[MessageRecord]] = {}
        with self.store.lock:
            for record in records:
                wait = self._step(record, stamp, message_items, channel_items)
                if wait is not None:
                    later.setdefault(wait, []).append(record)
        for wait, group in later.items():
            self.schedule(group, wait)
        if self.emit is not None:
            if message_items:
                self.emit("message-status", message_items)
            if channel_items:
                self.emit("channel-status", channel_items)

    def _step(self, record: MessageRecord, stamp: str, message_items: list, channel_items: list) -> float | None:
        """Apply one status change; return the wait before the next, or None when the message is final."""
        emit = self.emit is not None
        if record.phase == _CREATED:
            self._message_status(record, "pending_enrichment", stamp, message_items if emit else None)
            record.phase = _ENRICH
            return self.timings.step
        if record.phase == _ENRICH:
            patient = patient_for(record.nhs_number) if record.nhs_number else None
            record.enriched = stamp
            if patient is not None and patient.pds is not None:
                code, description = PDS_FAILURES[patient.pds]
                self._message_final(record, "failed", stamp, message_items if emit else None, code, description)
                return None
            problem = (
                record.plan.personalisation_problem(record.personalisation) if record.plan.personalisation else None
            )
            if problem is not None:
                self._message_final(record, "failed", stamp, message_items if emit else None, None, problem)
                return None
            record.channels = [
                Channel(type=name, order=index + 1, timestamps={"created": stamp})
                for index, name in enumerate(record.plan.channels)
            ]
            self._message_status(record, "enriched", stamp, message_items if emit else None)
            record.phase = _START_CHANNEL
            return self.timings.step
        channel = record.channels[record.channel_index]  # type: ignore[index]
        if record.phase == _START_CHANNEL:
            if record.status != "sending":
                self._message_status(record, "sending", stamp, message_items if emit else None)
            outcome = channel_outcome(record, channel.type)
            if isinstance(outcome, tuple):
                return self._channel_failed(record, channel, stamp, outcome, None, message_items, channel_items)
            channel.status = "sending"
            if emit:
                channel_items.append(self._channel_item(record, channel, stamp))
            record.script = _supplier_script(channel.type, outcome)
            record.phase = _SUPPLIER
            return self._wait(record.script[0][3])  # type: ignore[index]
        supplier, final, failure, _ = record.script.pop(0)  # type: ignore[union-attr]
        channel.supplier = supplier
        if final == "delivered":
            channel.status = "delivered"
            channel.timestamps["delivered"] = stamp
            if emit:
                channel_items.append(self._channel_item(record, channel, stamp))
            self._message_final(record, "delivered", stamp, message_items if emit else None)
            return None
        if final == "failed":
            return self._channel_failed(record, channel, stamp, failure, supplier, message_items, channel_items)
        if emit:
            channel_items.append(self._channel_item(record, channel, stamp))
        return self._wait(record.script[0][3])  # type: ignore[index]

    def _wait(self, kind: str) -> float:
        return self.timings.unread_wait if kind == _READ_WAIT else self.timings.step

    def _channel_failed(self, record, channel, stamp, failure, supplier, message_items, channel_items) -> float | None:
        code, description = failure
        channel.status, channel.failure_code, channel.description = "failed", code, description
        channel.timestamps["failed"] = stamp
        emit = self.emit is not None
        if emit:
            channel_items.append(self._channel_item(record, channel, stamp))
        if record.channel_index + 1 < len(record.channels or ()):
            record.channel_index += 1
            record.phase = _START_CHANNEL
            return self.timings.step
        message_code = code.replace("CFR_", "MFR_", 1) if code else None
        self._message_final(record, "failed", stamp, message_items if emit else None, message_code, description)
        return None

    def _message_final(self, record, status, stamp, message_items, code=None, description=None) -> None:
        record.failure_code, record.description = code, description
        setattr(record, status, stamp)  # the `delivered` or `failed` timestamp
        self._message_status(record, status, stamp, message_items)
        record.phase = _DONE

    def _message_status(self, record: MessageRecord, status: str, stamp: str, items: list | None) -> None:
        record.status = status
        if items is None:
            return
        attributes: dict = {
            "messageId": record.id,
            "messageReference": record.reference,
            "messageStatus": status,
            "channels": [
                {"type": channel.type, "channelStatus": channel.status}
                for channel in record.channels or ()
                if channel.status in ("delivered", "failed")
            ],
            "timestamp": stamp,
            "routingPlan": record.plan.as_json(),
        }
        if record.description:
            attributes["messageStatusDescription"] = record.description
        if record.failure_code:
            attributes["messageFailureReasonCode"] = record.failure_code
        items.append({"type": "MessageStatus", "attributes": attributes, "links": {"message": record.id}, "meta": {}})

    @staticmethod
    def _channel_item(record: MessageRecord, channel: Channel, stamp: str) -> dict:
        attributes: dict = {
            "messageId": record.id,
            "messageReference": record.reference,
            "cascadeType": "primary",
            "cascadeOrder": channel.order,
            "channel": channel.type,
            "channelStatus": channel.status,
            "timestamp": stamp,
            "retryCount": 0,
        }
        if channel.supplier:
            attributes["supplierStatus"] = channel.supplier
        if channel.description:
            attributes["channelStatusDescription"] = channel.description
        if channel.failure_code:
            attributes["channelFailureReasonCode"] = channel.failure_code
        return {"type": "ChannelStatus", "attributes": attributes, "links": {"message": record.id}, "meta": {}}

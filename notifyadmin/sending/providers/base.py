"""The one interface every message provider adapter implements, and its typed values.

Rules the interface states (every adapter keeps them):
- A message's `message_reference` is the application's own message id. The provider
  de-duplicates on it (NHS Notify keeps references for up to 9 months), so a retry of the
  same message can never be accepted twice. Every retry resends the *identical* request:
  same references, same routing plan, same content.
- A batch carries one routing plan and a `message_batch_reference` that the caller derives
  deterministically (the same batch always gets the same reference), for the same reason.
- Adapters never raise anything but `ProviderError` subclasses (errors.py) for what happened
  on the wire, and `ValueError` subclasses (`InvalidOutboundMessage`) for a request that
  could never be sent. The error class tells the caller what to do next.
- No patient identifier (NHS number, contact details, personalisation) ever appears in an
  exception message or a log line; values built here refuse bad input naming the field only.
- `dateOfBirth` is never sent: NHS Notify removed it from the recipient.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from preferences.nhs_number import check_digit_is_valid

# NHS Notify's documented limits for one batch request (413 CM_TOO_MANY_ITEMS / CM_TOO_LARGE).
MAX_BATCH_MESSAGES = 45_000
# "5.2MB" read as decimal megabytes: the smaller reading, so a batch we send is never over.
MAX_BATCH_BYTES = 5_200_000

_KSUID = re.compile(r"^[A-Za-z0-9]{27}$")


class InvalidOutboundMessage(ValueError):
    """A request that must not be sent as it stands. `field` names the field; the message
    never contains the value (it may be a patient identifier)."""

    def __init__(self, field_name: str, problem: str) -> None:
        self.field = field_name
        super().__init__(f"{field_name}: {problem}")


class MessageStatusValue(StrEnum):
    """NHS Notify's aggregate `messageStatus`. Terminal: delivered, failed."""

    CREATED = "created"
    PENDING_ENRICHMENT = "pending_enrichment"
    ENRICHED = "enriched"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"


class ChannelType(StrEnum):
    NHSAPP = "nhsapp"
    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"


class ChannelStatusValue(StrEnum):
    CREATED = "created"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"


def _require_text(value: str | None, field_name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidOutboundMessage(field_name, "must be a non-blank string")


def routing_plan_id_check(routing_plan_id: str) -> str:
    """Routing plan ids are UUIDs issued at onboarding; return the canonical lower-case form."""
    try:
        return str(uuid.UUID(routing_plan_id))
    except (ValueError, TypeError, AttributeError) as error:
        raise InvalidOutboundMessage("routingPlanId", "must be a UUID") from error


@dataclass(frozen=True)
class PostalAddress:
    """An overriding address: 2 to 5 lines and a postcode (NHS Notify requires both)."""

    lines: tuple[str, ...]
    postcode: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        if not 2 <= len(self.lines) <= 5 or not all(isinstance(line, str) and line.strip() for line in self.lines):
            raise InvalidOutboundMessage("recipient.contactDetails.address.lines", "must be 2 to 5 non-blank lines")
        _require_text(self.postcode, "recipient.contactDetails.address.postcode")


@dataclass(frozen=True)
class RecipientName:
    """An overriding name; NHS Notify requires the last name when a name is given."""

    last_name: str
    prefix: str | None = None
    first_name: str | None = None
    middle_names: str | None = None
    suffix: str | None = None

    def __post_init__(self) -> None:
        _require_text(self.last_name, "recipient.contactDetails.name.lastName")


@dataclass(frozen=True)
class ContactDetails:
    """Overriding contact details. NHS Notify only accepts these from accounts granted the
    permission at onboarding (else 400 CM_CANNOT_SET_CONTACT_DETAILS)."""

    email: str | None = None
    sms: str | None = None
    address: PostalAddress | None = None
    name: RecipientName | None = None

    def __post_init__(self) -> None:
        if self.email is None and self.sms is None and self.address is None and self.name is None:
            raise InvalidOutboundMessage("recipient.contactDetails", "give at least one contact detail, or none at all")
        if self.email is not None:
            _require_text(self.email, "recipient.contactDetails.email")
        if self.sms is not None:
            _require_text(self.sms, "recipient.contactDetails.sms")


@dataclass(frozen=True)
class OutboundMessage:
    """One message as the provider receives it.

    `message_reference` is the application's own message id (the de-duplication key).
    `nhs_number`, when given, is ten digits passing the Modulus 11 check (NHS Notify
    refuses anything else with 400 CM_INVALID_NHS_NUMBER). `personalisation` maps the
    routing plan's keys to string values; NHS Notify does not check them on the request
    (a missing or too-long value fails the message later), so the caller renders and checks
    them before building this.
    """

    message_reference: str
    nhs_number: str | None
    personalisation: Mapping[str, str] = field(default_factory=dict)
    contact_details: ContactDetails | None = None
    billing_reference: str | None = None
    originator_ods_code: str | None = None

    def __post_init__(self) -> None:
        _require_text(self.message_reference, "messageReference")
        if self.nhs_number is None and self.contact_details is None:
            raise InvalidOutboundMessage("recipient", "give an NHS number or contact details")
        if self.nhs_number is not None and not check_digit_is_valid(self.nhs_number):
            raise InvalidOutboundMessage("recipient.nhsNumber", "must be 10 digits with a valid Modulus 11 check digit")
        for key, value in self.personalisation.items():
            if not isinstance(key, str) or not key:
                raise InvalidOutboundMessage("personalisation", "keys must be non-blank strings")
            if not isinstance(value, str):
                raise InvalidOutboundMessage(f"personalisation.{key}", "must be a string")
        # A read-only copy: the request sent is the request built, even if the caller's dict changes.
        object.__setattr__(self, "personalisation", MappingProxyType(dict(self.personalisation)))
        if self.billing_reference is not None:
            _require_text(self.billing_reference, "billingReference")
        if self.originator_ods_code is not None:
            _require_text(self.originator_ods_code, "originator.odsCode")


@dataclass(frozen=True)
class BatchRequest:
    """Many messages for one routing plan. At most 45,000 messages; the encoded size limit
    (5.2 MB) is checked by the adapter on the exact bytes it would send. Use
    `batching.batch_split` to cut a larger send into compliant batches."""

    routing_plan_id: str
    message_batch_reference: str
    messages: tuple[OutboundMessage, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "routing_plan_id", routing_plan_id_check(self.routing_plan_id))
        _require_text(self.message_batch_reference, "messageBatchReference")
        object.__setattr__(self, "messages", tuple(self.messages))
        if not self.messages:
            raise InvalidOutboundMessage("messages", "a batch needs at least one message")
        if len(self.messages) > MAX_BATCH_MESSAGES:
            raise InvalidOutboundMessage("messages", f"a batch holds at most {MAX_BATCH_MESSAGES:,} messages")
        seen: set[str] = set()
        for message in self.messages:
            if message.message_reference in seen:
                raise InvalidOutboundMessage(
                    "messages.messageReference", f"{message.message_reference!r} appears more than once in the batch"
                )
            seen.add(message.message_reference)


@dataclass(frozen=True)
class RoutingPlan:
    id: str
    name: str | None
    version: str | None
    created_at: datetime | None


@dataclass(frozen=True)
class MessageAccepted:
    """201 for one message: store `message_id` (a 27-character KSUID) against the message."""

    message_id: str
    message_reference: str
    routing_plan: RoutingPlan | None
    created_at: datetime | None
    correlation_id: str


@dataclass(frozen=True)
class BatchAccepted:
    """201 for a batch. `message_ids` maps each messageReference to NHS Notify's id.

    `unacknowledged_references` lists references sent but absent from the response (NHS
    Notify should list every one; if it ever does not, those messages were still accepted
    with the batch, and their ids arrive with the status callbacks)."""

    batch_id: str
    message_batch_reference: str
    routing_plan: RoutingPlan | None
    message_ids: Mapping[str, str]
    unacknowledged_references: tuple[str, ...]
    correlation_id: str


@dataclass(frozen=True)
class ChannelStatus:
    """One channel of the cascade, as NHS Notify reports it."""

    type: str
    cascade_type: str | None
    cascade_order: int
    channel_status: str
    supplier_status: str | None
    retry_count: int
    status_description: str | None
    failure_reason_code: str | None
    created_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None


@dataclass(frozen=True)
class MessageStatus:
    """A message's status. `channels` are in cascade order (cascadeOrder ascending).

    Status values are kept as NHS Notify's strings (compare with `MessageStatusValue`,
    `ChannelStatusValue`): a value NHS Notify adds later must not make a status read fail.
    An NHS App channel counts as delivered when its supplier status is `read`."""

    message_id: str
    message_reference: str
    message_status: str
    status_description: str | None
    failure_reason_code: str | None
    channels: tuple[ChannelStatus, ...]
    routing_plan: RoutingPlan | None
    batch_id: str | None
    created_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None
    correlation_id: str

    @property
    def is_terminal(self) -> bool:
        return self.message_status in (MessageStatusValue.DELIVERED, MessageStatusValue.FAILED)


def message_id_check(message_id: str) -> str:
    """NHS Notify message ids are 27-character KSUIDs; anything else never reaches a URL."""
    if not isinstance(message_id, str) or not _KSUID.fullmatch(message_id):
        raise InvalidOutboundMessage("messageId", "must be a 27-character KSUID")
    return message_id


@runtime_checkable
class MessageProvider(Protocol):
    """What the dispatcher calls. Every method raises only `ProviderError` subclasses for
    what happened on the wire (see errors.py for what each means), and
    `InvalidOutboundMessage` for a request that must not be sent.

    `correlation_id` is sent as X-Correlation-ID and echoed on results and errors; when
    omitted, the current request's or task's correlation id is used, else a fresh one."""

    def send_message(
        self, *, routing_plan_id: str, message: OutboundMessage, correlation_id: str | None = None
    ) -> MessageAccepted: ...

    def send_batch(self, *, batch: BatchRequest, correlation_id: str | None = None) -> BatchAccepted: ...

    def message_status(self, *, message_id: str, correlation_id: str | None = None) -> MessageStatus: ...

"""Validation of POST /v1/messages and /v1/message-batches bodies, as NHS Notify does it.

Two layers, both applied to every request:
1. The gateway's own checks, in its order and with its codes and pointers: missing, null,
   wrong type, blank messageReference, routingPlanId not a UUID, NHS number failing the
   Modulus 11 check (CM_INVALID_NHS_NUMBER), empty messages (CM_TOO_FEW_ITEMS), more than
   45,000 (413 CM_TOO_MANY_ITEMS), a messageReference repeated in the batch (CM_DUPLICATE_VALUE).
2. The official request schema (spec.py), which also refuses what the gateway lets through:
   unknown properties (`dateOfBirth` was removed), malformed contact details. Its findings
   become CM_INVALID_VALUE (or CM_MISSING_VALUE / CM_NULL_VALUE) at the offending pointer,
   unless layer 1 already reported that place.

At most 100 errors are returned; the answer's status is that of the first.

Speed: the batch schema is checked with `messages` emptied, and each message only goes through
jsonschema when it has more than the common shape (messageReference, billingReference,
recipient.nhsNumber, originator.odsCode, personalisation as strings/objects) that
`_plain_message` proves valid by itself, so a 10,000-message batch costs milliseconds.
"""

import json
import re
from typing import Any

from jsonschema import Draft4Validator

from notifyadmin.core.safe_recipients import nhs_number_is_valid
from notifyadmin.sandboxes.nhs_notify import errors
from notifyadmin.sandboxes.nhs_notify.errors import MAX_VALIDATION_ERRORS, ApiError, ApiFailure
from notifyadmin.sandboxes.nhs_notify.spec import specification

MAX_BATCH_MESSAGES = 45_000
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_MISSING: Any = object()
_PLAIN_MESSAGE_KEYS = frozenset({"messageReference", "billingReference", "recipient", "originator", "personalisation"})

# Sandbox-only Authorization values of the published sandbox that switch a client permission off.
NO_DEFAULT_ODS = "noDefaultOds"
NO_ODS_CHANGE = "noOdsChange"
NO_CONTACT_DETAILS = "notAllowedContactDetailOverride"


class _Errors(list[ApiError]):
    def full(self) -> bool:
        return len(self) >= MAX_VALIDATION_ERRORS


def _object(found: _Errors, value: Any, pointer: str) -> bool:
    if value is _MISSING:
        found.append(errors.missing(pointer))
    elif value is None:
        found.append(errors.null(pointer))
    elif not isinstance(value, dict):
        found.append(errors.invalid(pointer))
    else:
        return True
    return False


def _string(found: _Errors, value: Any, pointer: str) -> bool:
    if value is _MISSING:
        found.append(errors.missing(pointer))
    elif value is None:
        found.append(errors.null(pointer))
    elif not isinstance(value, str) or not value.strip():
        found.append(errors.invalid(pointer))
    else:
        return True
    return False


def _constant(found: _Errors, value: Any, pointer: str, expected: str) -> None:
    if value is _MISSING:
        found.append(errors.missing(pointer))
    elif value is None:
        found.append(errors.null(pointer))
    elif value != expected:
        found.append(errors.invalid(pointer))


def _uuid(found: _Errors, value: Any, pointer: str) -> None:
    if _string(found, value, pointer) and not UUID.match(value):
        found.append(errors.invalid(pointer))


def _recipient(found: _Errors, recipient: Any, pointer: str) -> None:
    if _object(found, recipient, pointer):
        nhs_number = recipient.get("nhsNumber", _MISSING)
        if nhs_number is None:
            found.append(errors.null(f"{pointer}/nhsNumber"))
        elif nhs_number is not _MISSING and not (isinstance(nhs_number, str) and nhs_number_is_valid(nhs_number)):
            found.append(errors.invalid_nhs_number(f"{pointer}/nhsNumber"))


def _originator_and_personalisation(found: _Errors, message: dict, pointer: str) -> None:
    originator = message.get("originator", _MISSING)
    if originator is not _MISSING and _object(found, originator, f"{pointer}/originator"):
        ods_code = originator.get("odsCode", _MISSING)
        if ods_code is not _MISSING and not isinstance(ods_code, str):
            found.append(errors.invalid(f"{pointer}/originator/odsCode"))
    personalisation = message.get("personalisation", _MISSING)
    if personalisation is not _MISSING:
        _object(found, personalisation, f"{pointer}/personalisation")


def _schema_errors(found: _Errors, validator: Draft4Validator, instance: Any, pointer: str) -> None:
    """Add the schema's findings that the gateway checks did not already report at or above their place."""
    reported = [error.source.get("pointer", "") for error in found if error.source]
    for schema_error in validator.iter_errors(instance):
        if found.full():
            return
        place = pointer + "".join(f"/{part}" for part in schema_error.absolute_path)
        if schema_error.validator == "required":
            names = [name for name in schema_error.validator_value if name not in schema_error.instance]
            new = [errors.missing(f"{place}/{name}") for name in names]
        elif schema_error.validator == "additionalProperties":
            allowed = set(schema_error.schema.get("properties", {}))
            new = [errors.invalid(f"{place}/{name}") for name in schema_error.instance if name not in allowed]
        elif schema_error.instance is None:
            new = [errors.null(place)]
        else:
            new = [errors.invalid(place)]
        for error in new:
            target = error.source["pointer"] if error.source else place
            if not any(
                target == seen or target.startswith(seen + "/") or seen.startswith(target + "/") for seen in reported
            ):
                found.append(error)
                reported.append(target)


def _plain_message(message: dict, *, closed: bool = True) -> bool:
    """True when the message has only fields whose validity the gateway checks already prove
    (so the schema would find nothing): no contact details, and (when the schema's object is
    `closed`, as a batch item is) no unknown properties."""
    if closed and not _PLAIN_MESSAGE_KEYS.issuperset(message):
        return False
    recipient = message.get("recipient")
    if not isinstance(recipient, dict) or not {"nhsNumber"}.issuperset(recipient):
        return False
    if "billingReference" in message and not isinstance(message["billingReference"], str):
        return False
    originator = message.get("originator")
    return "originator" not in message or (isinstance(originator, dict) and {"odsCode"}.issuperset(originator))


def _permissions(
    found: _Errors, message: dict, pointer: str, *, authorization: str, permissions: "Permissions"
) -> None:
    originator = message.get("originator")
    ods_code = originator.get("odsCode") if isinstance(originator, dict) else None
    if not ods_code and authorization == NO_DEFAULT_ODS:
        found.append(errors.ods_code_required(f"{pointer}/originator"))
    if ods_code and (authorization == NO_ODS_CHANGE or not permissions.ods_override):
        found.append(errors.cannot_set_ods_code(f"{pointer}/originator/odsCode"))
    recipient = message.get("recipient")
    overrides = isinstance(recipient, dict) and bool(recipient.get("contactDetails"))
    if overrides and (authorization == NO_CONTACT_DETAILS or not permissions.contact_details):
        found.append(errors.cannot_set_contact_details(f"{pointer}/recipient/contactDetails"))


class Permissions:
    """What the calling client was granted at onboarding."""

    def __init__(self, *, ods_override: bool = True, contact_details: bool = True) -> None:
        self.ods_override = ods_override
        self.contact_details = contact_details


def body_parse(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiFailure(errors.invalid("/")) from None


def message_request_validate(document: Any, *, authorization: str, permissions: Permissions) -> dict:
    """The attributes of a valid single-message request, or raise ApiFailure with every problem."""
    found = _Errors()
    data = document.get("data", _MISSING) if isinstance(document, dict) else _MISSING
    if not isinstance(document, dict):
        found.append(errors.invalid("/"))
    elif _object(found, data, "/data"):
        _constant(found, data.get("type", _MISSING), "/data/type", "Message")
        attributes = data.get("attributes", _MISSING)
        if _object(found, attributes, "/data/attributes"):
            _uuid(found, attributes.get("routingPlanId", _MISSING), "/data/attributes/routingPlanId")
            _string(found, attributes.get("messageReference", _MISSING), "/data/attributes/messageReference")
            _recipient(found, attributes.get("recipient", _MISSING), "/data/attributes/recipient")
            _originator_and_personalisation(found, attributes, "/data/attributes")
            _permissions(found, attributes, "/data/attributes", authorization=authorization, permissions=permissions)
    # CreateMessage's attributes object is open (unknown attributes are allowed), its recipient
    # and originator closed.
    if found or not _plain_message(data["attributes"], closed=False):
        _schema_errors(found, specification().request_validator("CreateMessage"), document, "")
    if found:
        raise ApiFailure(*found)
    return data["attributes"]


def batch_request_validate(document: Any, *, authorization: str, permissions: Permissions) -> dict:
    """The attributes of a valid batch request, or raise ApiFailure with up to 100 problems."""
    found = _Errors()
    data = document.get("data", _MISSING) if isinstance(document, dict) else _MISSING
    messages: Any = None
    if not isinstance(document, dict):
        found.append(errors.invalid("/"))
    elif _object(found, data, "/data"):
        _constant(found, data.get("type", _MISSING), "/data/type", "MessageBatch")
        attributes = data.get("attributes", _MISSING)
        if _object(found, attributes, "/data/attributes"):
            _uuid(found, attributes.get("routingPlanId", _MISSING), "/data/attributes/routingPlanId")
            _string(found, attributes.get("messageBatchReference", _MISSING), "/data/attributes/messageBatchReference")
            messages = attributes.get("messages", _MISSING)
            pointer = "/data/attributes/messages"
            if messages is _MISSING:
                found.append(errors.missing(pointer))
            elif messages is None:
                found.append(errors.null(pointer))
            elif not isinstance(messages, list):
                found.append(errors.invalid(pointer))
            elif not messages:
                found.append(errors.too_few_items(pointer))
            elif len(messages) > MAX_BATCH_MESSAGES:
                found.append(errors.too_many_items(pointer))
                raise ApiFailure(*found)
            else:
                _batch_messages(found, messages, authorization=authorization, permissions=permissions)
    envelope = document
    if isinstance(messages, list):
        envelope = {**document, "data": {**data, "attributes": {**data["attributes"], "messages": []}}}
    if not found.full():
        _schema_errors(found, specification().request_validator("CreateMessageBatch"), envelope, "")
    if found:
        raise ApiFailure(*found)
    return data["attributes"]


def _batch_messages(found: _Errors, messages: list, *, authorization: str, permissions: Permissions) -> None:
    seen: set[str] = set()
    item_validator = specification().request_validator("Message")
    check_permissions = authorization in (NO_DEFAULT_ODS, NO_ODS_CHANGE, NO_CONTACT_DETAILS) or not (
        permissions.ods_override and permissions.contact_details
    )
    plain_keys, recipient_keys = _PLAIN_MESSAGE_KEYS, frozenset({"nhsNumber"})
    for index, message in enumerate(messages):
        # The common case in one expression: a plain message with a new, non-blank reference
        # and a valid NHS number (or none) needs no further look.
        if (
            not check_permissions
            and type(message) is dict
            and plain_keys.issuperset(message)
            and type(reference := message.get("messageReference")) is str
            and reference not in seen
            and reference.strip()
            and type(recipient := message.get("recipient")) is dict
            and recipient_keys.issuperset(recipient)
            and (
                "nhsNumber" not in recipient
                or (type(recipient["nhsNumber"]) is str and nhs_number_is_valid(recipient["nhsNumber"]))
            )
            and type(message.get("personalisation", {})) is dict
            and type(message.get("billingReference", "")) is str
            and (
                "originator" not in message
                or (
                    type(originator := message["originator"]) is dict
                    and {"odsCode"}.issuperset(originator)
                    and type(originator.get("odsCode", "")) is str
                )
            )
        ):
            seen.add(reference)
            continue
        if found.full():
            return
        pointer = f"/data/attributes/messages/{index}"
        if not _object(found, message, pointer):
            continue
        reference = message.get("messageReference", _MISSING)
        if _string(found, reference, f"{pointer}/messageReference"):
            if reference in seen:
                found.append(errors.duplicate_value(f"{pointer}/messageReference"))
            seen.add(reference)
        _recipient(found, message.get("recipient", _MISSING), f"{pointer}/recipient")
        if "originator" in message or "personalisation" in message:
            _originator_and_personalisation(found, message, pointer)
        if check_permissions:
            _permissions(found, message, pointer, authorization=authorization, permissions=permissions)
        if not _plain_message(message):
            _schema_errors(found, item_validator, message, pointer)
